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
