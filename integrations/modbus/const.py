"""Constants of the Modbus integration."""

from __future__ import annotations

from typing import Final

DOMAIN: Final = "modbus"

CONF_DEVICES: Final = "devices"
CONF_DISCOVERY: Final = "discovery"
CONF_TARGETS: Final = "targets"
CONF_HOST: Final = "host"
CONF_HOSTS: Final = "hosts"
CONF_PORT: Final = "port"
CONF_PORTS: Final = "ports"
CONF_DEVICE_ID: Final = "device_id"
CONF_DEVICE_IDS: Final = "device_ids"
CONF_PROFILE: Final = "profile"
CONF_TIMEOUT: Final = "timeout"
CONF_RETRIES: Final = "retries"
CONF_SCAN_INTERVAL: Final = "scan_interval"
CONF_AUTO_ADOPT: Final = "auto_adopt"
CONF_TYPE: Final = "type"
CONF_BAUDRATE: Final = "baudrate"
CONF_BYTESIZE: Final = "bytesize"
CONF_PARITY: Final = "parity"
CONF_STOPBITS: Final = "stopbits"

# How a device is reached (Home Assistant's names): Modbus TCP, RTU frames through a
# serial device server, or RTU on an RS-485 port (a USB adapter).
TYPE_TCP: Final = "tcp"
TYPE_RTU_OVER_TCP: Final = "rtuovertcp"
TYPE_SERIAL: Final = "serial"
TYPES: Final = (TYPE_TCP, TYPE_RTU_OVER_TCP, TYPE_SERIAL)
SERIAL_OPTIONS: Final = (CONF_BAUDRATE, CONF_BYTESIZE, CONF_PARITY, CONF_STOPBITS)

BAUDRATES: Final = (1200, 2400, 4800, 9600, 14400, 19200, 38400, 57600, 115200)
BYTESIZES: Final = (7, 8)
PARITIES: Final = {"N": "none", "E": "even", "O": "odd"}
STOPBITS: Final = (1, 2)
# No default baud rate: it must match the device's DIP switches or menu, so say it.
DEFAULT_BYTESIZE: Final = 8
DEFAULT_PARITY: Final = "N"
DEFAULT_STOPBITS: Final = 1
# On RTU, slave id 0 is the broadcast address: devices act on it but never answer.
MIN_RTU_SLAVE_ID: Final = 1
MAX_SLAVE_ID: Final = 247

DEFAULT_PORT: Final = 502
DEFAULT_TIMEOUT: Final = 1.0
DEFAULT_RETRIES: Final = 1
DEFAULT_SCAN_INTERVAL: Final = 1.0
DEFAULT_DISCOVERY_INTERVAL: Final = 30.0
DISCOVERY_PROBE_TIMEOUT: Final = 0.5
DISCOVERY_CONCURRENCY: Final = 32
# A configured range larger than this is almost certainly a typo (a /16 instead of a /24).
MAX_DISCOVERY_CANDIDATES: Final = 4096

# After a failure, wait this long before the first reconnect, doubling up to the max.
RECONNECT_MIN_SECONDS: Final = 0.5
RECONNECT_MAX_SECONDS: Final = 30.0

DATA_MODBUS: Final = "modbus"
