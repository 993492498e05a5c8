"""The `modbus:` section of configuration.yaml, with errors that say how to fix them.

A device entry's `type` picks its schema, as in Home Assistant: `tcp` (the
default) and `rtuovertcp` need `host` and `port`; `serial` needs the serial
`port` (a path) and the line settings, which must then agree between every
device on that port, because one RS-485 bus runs with one setting.
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Callable
from typing import Any

import voluptuous as vol

import hub.config.validation as cv
from hub.config.yaml_loader import location_of

from . import discovery
from .bus import ModbusBus
from .const import (
    BAUDRATES,
    BYTESIZES,
    CONF_AUTO_ADOPT,
    CONF_BAUDRATE,
    CONF_BYTESIZE,
    CONF_DEVICE_ID,
    CONF_DEVICE_IDS,
    CONF_DEVICES,
    CONF_DISCOVERY,
    CONF_HOST,
    CONF_HOSTS,
    CONF_PARITY,
    CONF_PORT,
    CONF_PORTS,
    CONF_PROFILE,
    CONF_RETRIES,
    CONF_SCAN_INTERVAL,
    CONF_STOPBITS,
    CONF_TARGETS,
    CONF_TIMEOUT,
    CONF_TYPE,
    DEFAULT_BYTESIZE,
    DEFAULT_DISCOVERY_INTERVAL,
    DEFAULT_PARITY,
    DEFAULT_PORT,
    DEFAULT_RETRIES,
    DEFAULT_SCAN_INTERVAL,
    DEFAULT_STOPBITS,
    DEFAULT_TIMEOUT,
    DISCOVERY_PROBE_TIMEOUT,
    MAX_DISCOVERY_CANDIDATES,
    MAX_SLAVE_ID,
    MIN_RTU_SLAVE_ID,
    PARITIES,
    SERIAL_OPTIONS,
    STOPBITS,
    TYPE_RTU_OVER_TCP,
    TYPE_SERIAL,
    TYPE_TCP,
    TYPES,
)


def _host_list(value: Any) -> list[str]:
    hosts: list[str] = []
    for item in cv.ensure_list(value):
        try:
            hosts.extend(discovery.expand_hosts(cv.string(item)))
        except ValueError as err:
            raise vol.Invalid(str(err)) from err
    return hosts


def _port_list(value: Any) -> list[int]:
    ports: list[int] = []
    for item in cv.ensure_list(value):
        try:
            ports.extend(discovery.expand_ports(item))
        except ValueError as err:
            raise vol.Invalid(str(err)) from err
    return ports


def _bounded(target: dict[str, Any]) -> dict[str, Any]:
    count = len(target[CONF_HOSTS]) * len(target[CONF_PORTS]) * len(target[CONF_DEVICE_IDS])
    if count > MAX_DISCOVERY_CANDIDATES:
        raise vol.Invalid(f"this target expands to {count} probes; keep it under "
                          f"{MAX_DISCOVERY_CANDIDATES} (narrow the host or port range)")
    return target


def _one_of(name: str, allowed: tuple[int, ...], hint: str = "") -> Any:
    """A validator for a number from a short list, whose error lists the choices."""
    choices = {str(item): item for item in allowed}

    def validate(value: Any) -> int:
        # 9600 and "9600" are fine; 9600.5, true and "fast" are not.
        if isinstance(value, bool) or not isinstance(value, int | str) \
                or str(value).strip() not in choices:
            raise vol.Invalid(f"{name} must be one of {', '.join(choices)}{hint}")
        return choices[str(value).strip()]
    return validate


def _parity(value: Any) -> str:
    letters = {letter: letter for letter in PARITIES}
    letters.update({word.upper(): letter for letter, word in PARITIES.items()})
    letter = letters.get(str(value).strip().upper()) if isinstance(value, str) else None
    if letter is None:
        raise vol.Invalid("parity must be N (none), E (even) or O (odd)")
    return letter


def _serial_port(value: Any) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if not (text.startswith("/") or "://" in text or re.fullmatch(r"COM\d+", text, re.I)):
        raise vol.Invalid("the port of a serial device is its path, like /dev/ttyUSB0 or "
                          "/dev/serial/by-id/usb-... (COM3 on Windows)")
    return text


def _pyserial_installed(device: dict[str, Any]) -> dict[str, Any]:
    if importlib.util.find_spec("serial") is None:
        raise vol.Invalid("type: serial needs the pyserial package: pip install pyserial",
                          path=[CONF_TYPE])
    return device


unit_id = vol.All(vol.Coerce(int), vol.Range(min=0, max=MAX_SLAVE_ID))
rtu_slave_id = vol.All(vol.Coerce(int), vol.Range(
    min=MIN_RTU_SLAVE_ID, max=MAX_SLAVE_ID,
    msg=f"an RTU slave id is {MIN_RTU_SLAVE_ID}-{MAX_SLAVE_ID} (0 is the broadcast address, "
        "which no device answers)"))

_COMMON = {
    vol.Required(CONF_PROFILE): cv.slug,
    vol.Optional("name"): cv.string,
    vol.Optional(CONF_SCAN_INTERVAL): vol.All(vol.Coerce(float), vol.Range(min=0.05)),
}
TCP_DEVICE_SCHEMA = vol.Schema({
    vol.Optional(CONF_TYPE, default=TYPE_TCP): TYPE_TCP,
    vol.Required(CONF_HOST): cv.string,
    vol.Optional(CONF_PORT, default=DEFAULT_PORT): cv.port,
    vol.Optional(CONF_DEVICE_ID, default=1): unit_id,
    **_COMMON,
})
RTU_OVER_TCP_DEVICE_SCHEMA = TCP_DEVICE_SCHEMA.extend({
    vol.Required(CONF_TYPE): TYPE_RTU_OVER_TCP,
    vol.Required(CONF_PORT, msg="port is required for rtuovertcp: the TCP port of the serial "
                 "device server's RS-485 channel"): cv.port,
    vol.Optional(CONF_DEVICE_ID, default=1): rtu_slave_id,
})
SERIAL_DEVICE_SCHEMA = vol.All(vol.Schema({
    vol.Required(CONF_TYPE): TYPE_SERIAL,
    vol.Required(CONF_PORT, msg="port is required for a serial device: the adapter's path, "
                 "like /dev/ttyUSB0"): _serial_port,
    vol.Required(CONF_BAUDRATE, msg="baudrate is required for a serial device: the rate set "
                 "on the device, often 9600"): _one_of(
        CONF_BAUDRATE, BAUDRATES, " (the rate set on the device, by DIP switch or menu)"),
    vol.Optional(CONF_BYTESIZE, default=DEFAULT_BYTESIZE): _one_of(
        CONF_BYTESIZE, BYTESIZES, " (Modbus RTU uses 8)"),
    vol.Optional(CONF_PARITY, default=DEFAULT_PARITY): _parity,
    vol.Optional(CONF_STOPBITS, default=DEFAULT_STOPBITS): _one_of(CONF_STOPBITS, STOPBITS),
    vol.Optional(CONF_DEVICE_ID, default=1): rtu_slave_id,
    **_COMMON,
}), _pyserial_installed)
_SCHEMAS: dict[str, Callable[[Any], dict[str, Any]]] = {
    TYPE_TCP: TCP_DEVICE_SCHEMA, TYPE_RTU_OVER_TCP: RTU_OVER_TCP_DEVICE_SCHEMA,
    TYPE_SERIAL: SERIAL_DEVICE_SCHEMA,
}


def device(value: Any) -> dict[str, Any]:
    """One entry of `devices:`, validated by the schema its `type` asks for."""
    if not isinstance(value, dict):
        raise vol.Invalid("expected a mapping, like {host: 192.168.10.21, profile: ...}")
    kind = value.get(CONF_TYPE, TYPE_TCP)
    if not isinstance(kind, str) or kind not in TYPES:
        raise vol.Invalid("type must be tcp (Modbus TCP), rtuovertcp (a serial device server) "
                          "or serial (an RS-485 adapter)", path=[CONF_TYPE])
    if kind == TYPE_SERIAL and CONF_HOST in value:
        raise vol.Invalid("a serial device has no host: its port is the serial port's path, "
                          "like /dev/ttyUSB0", path=[CONF_HOST])
    for key in SERIAL_OPTIONS:
        if kind != TYPE_SERIAL and key in value:
            where = "set it in the serial device server" if kind == TYPE_RTU_OVER_TCP \
                else "Modbus TCP has no serial settings"
            raise vol.Invalid(f"{key} applies to type: serial only ({where})", path=[key])
    return _SCHEMAS[kind](value)


def devices(value: Any) -> list[dict[str, Any]]:
    """The `devices:` list: every mistake in every entry at once, then the shared buses."""
    if not isinstance(value, list):
        raise vol.Invalid("expected a list of devices")
    errors: list[vol.Invalid] = []
    validated: list[dict[str, Any]] = []
    for index, item in enumerate(value):
        try:
            validated.append(device(item))
        except vol.Invalid as err:
            for error in err.errors if isinstance(err, vol.MultipleInvalid) else [err]:
                error.prepend([index])
                errors.append(error)
    if errors:
        raise vol.MultipleInvalid(errors)
    _check_shared_buses(value, validated)
    return validated


def _check_shared_buses(raw: list[Any], validated: list[dict[str, Any]]) -> None:
    """Devices on one bus agree on how it is spoken, and each has its own slave id."""
    first: dict[tuple[str, ...], tuple[int, ModbusBus]] = {}
    slaves: dict[tuple[tuple[str, ...], int], int] = {}

    def where(index: int) -> str:
        _file, line = location_of(raw[index])
        return f"the device on line {line}" if line else f"devices.{index}"

    for index, item in enumerate(validated):
        bus = ModbusBus.from_config(item)
        seen_at, seen = first.setdefault(bus.line, (index, bus))
        for key in (CONF_TYPE, *SERIAL_OPTIONS):
            if getattr(bus, key) != getattr(seen, key):
                raise vol.Invalid(f"{where(seen_at)} uses {key} {getattr(seen, key)} on "
                                  f"{bus.address}, and one bus runs with one {key}",
                                  path=[index, key])
        slave = (bus.line, item[CONF_DEVICE_ID])
        if slave in slaves:
            raise vol.Invalid(f"slave id {item[CONF_DEVICE_ID]} on {bus.address} is taken by "
                              f"{where(slaves[slave])}: every device on one bus needs its own "
                              "slave id", path=[index, CONF_DEVICE_ID])
        slaves[slave] = index


TARGET_SCHEMA = vol.All(vol.Schema({
    vol.Required(CONF_HOSTS): _host_list,
    vol.Optional(CONF_PORTS, default=[DEFAULT_PORT]): _port_list,
    vol.Optional(CONF_DEVICE_IDS, default=[1]): vol.All(cv.ensure_list, [unit_id]),
}), _bounded)
CONFIG_SCHEMA = vol.Schema({
    vol.Optional(CONF_TIMEOUT, default=DEFAULT_TIMEOUT): vol.All(
        vol.Coerce(float), vol.Range(min=0.05, max=30)),
    vol.Optional(CONF_RETRIES, default=DEFAULT_RETRIES): vol.All(
        vol.Coerce(int), vol.Range(min=0, max=10)),
    vol.Optional(CONF_SCAN_INTERVAL, default=DEFAULT_SCAN_INTERVAL): vol.All(
        vol.Coerce(float), vol.Range(min=0.05)),
    vol.Optional(CONF_DEVICES, default=[]): devices,
    # 43/14 discovery probes Modbus TCP hosts only: serial ports are never scanned.
    vol.Optional(CONF_DISCOVERY, default={}): vol.Schema({
        vol.Optional(CONF_TARGETS, default=[]): [TARGET_SCHEMA],
        vol.Optional(CONF_SCAN_INTERVAL, default=DEFAULT_DISCOVERY_INTERVAL): vol.All(
            vol.Coerce(float), vol.Range(min=0.5)),
        vol.Optional(CONF_AUTO_ADOPT, default=True): cv.boolean,
        vol.Optional(CONF_TIMEOUT, default=DISCOVERY_PROBE_TIMEOUT): vol.All(
            vol.Coerce(float), vol.Range(min=0.05, max=10)),
    }),
})
