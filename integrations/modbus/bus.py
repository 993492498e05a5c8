"""Where a Modbus bus is and how it is spoken: TCP, RTU over TCP, or RTU on a serial port."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .const import (
    CONF_BAUDRATE,
    CONF_BYTESIZE,
    CONF_HOST,
    CONF_PARITY,
    CONF_PORT,
    CONF_STOPBITS,
    CONF_TYPE,
    DEFAULT_BYTESIZE,
    DEFAULT_PARITY,
    DEFAULT_STOPBITS,
    TYPE_RTU_OVER_TCP,
    TYPE_SERIAL,
    TYPE_TCP,
)


@dataclass(frozen=True, slots=True)
class ModbusBus:
    """Where a bus is and how to speak on it; its devices differ only by slave id."""

    type: str
    host: str
    port: int | str  # the TCP port, or the serial port's path
    baudrate: int = 0  # the serial settings mean nothing on TCP
    bytesize: int = DEFAULT_BYTESIZE
    parity: str = DEFAULT_PARITY
    stopbits: int = DEFAULT_STOPBITS

    @classmethod
    def from_config(cls, conf: Mapping[str, Any]) -> ModbusBus:
        """The bus of a validated device entry, or of a registry entry's data."""
        kind = str(conf.get(CONF_TYPE, TYPE_TCP))
        if kind == TYPE_SERIAL:
            return cls(kind, "", str(conf[CONF_PORT]), int(conf[CONF_BAUDRATE]),
                       int(conf.get(CONF_BYTESIZE, DEFAULT_BYTESIZE)),
                       str(conf.get(CONF_PARITY, DEFAULT_PARITY)),
                       int(conf.get(CONF_STOPBITS, DEFAULT_STOPBITS)))
        return cls(kind, str(conf[CONF_HOST]), int(conf[CONF_PORT]))

    @property
    def is_serial(self) -> bool:
        """True for an RS-485 port on this machine."""
        return self.type == TYPE_SERIAL

    @property
    def is_rtu(self) -> bool:
        """True when frames are RTU: on a serial port or through a serial device server."""
        return self.type in (TYPE_SERIAL, TYPE_RTU_OVER_TCP)

    @property
    def line(self) -> tuple[str, ...]:
        """What one connection serves: a serial port, or a TCP host and port."""
        return (TYPE_SERIAL, str(self.port)) if self.is_serial \
            else (TYPE_TCP, self.host, str(self.port))

    @property
    def address(self) -> str:
        """`host:port` or the serial port, for names."""
        return str(self.port) if self.is_serial else f"{self.host}:{self.port}"

    @property
    def label(self) -> str:
        """The address with how it is spoken, for log lines and errors."""
        if self.is_serial:
            return f"{self.port} ({self.baudrate} {self.bytesize}{self.parity}{self.stopbits})"
        if self.type == TYPE_RTU_OVER_TCP:
            return f"{self.address} (RTU over TCP)"
        return self.address

    @property
    def slug(self) -> str:
        """The address as part of an id: `127_0_0_1_502`, `dev_ttyusb0`."""
        if self.is_serial:
            return re.sub(r"[^0-9a-z]+", "_", str(self.port).lower()).strip("_")
        host = self.host.replace(".", "_").replace(":", "_")
        return f"{host}_{self.port}"

    def as_data(self) -> dict[str, Any]:
        """What the device registry stores, enough for `from_config`."""
        if self.is_serial:
            return {CONF_TYPE: self.type, CONF_PORT: self.port, CONF_BAUDRATE: self.baudrate,
                    CONF_BYTESIZE: self.bytesize, CONF_PARITY: self.parity,
                    CONF_STOPBITS: self.stopbits}
        return {CONF_TYPE: self.type, CONF_HOST: self.host, CONF_PORT: self.port}
