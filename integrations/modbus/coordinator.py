"""Poll one Modbus device: read every register its profile names, then tell its entities.

All I/O of a device happens here (and in the few writes its entities make),
so availability has one source of truth: the last poll succeeded or not.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from hub.core import Hub
from hub.devices.profiles import DeviceProfile

from . import codec
from .bus import ModbusBus
from .connection import ModbusConnection, ModbusDeviceError

_LOGGER = logging.getLogger(__name__)

_READ_METHODS = {
    "coil": "read_coils",
    "discrete_input": "read_discrete_inputs",
    "holding_register": "read_holding_registers",
    "input_register": "read_input_registers",
}
_MAX_BLOCK = {"coil": 1968, "discrete_input": 1968, "holding_register": 120,
              "input_register": 120}
_MAX_GAP = 8


@dataclass(frozen=True, slots=True)
class ModbusTarget:
    """Where a device is: its bus and its unit (slave) id on that bus."""

    bus: ModbusBus
    device_id: int

    @property
    def key(self) -> str:
        """A stable id for registry entries and unique ids."""
        return f"modbus_{self.bus.slug}_{self.device_id}"


def _spans(profile: DeviceProfile) -> list[tuple[str, int, int]]:
    """(table, address, count) of everything the profile reads."""
    spans: list[tuple[str, int, int]] = []

    def add(spec: dict[str, Any]) -> None:
        count = 1 if spec["table"] in ("coil", "discrete_input") else codec.register_count(
            spec.get("data_type", "uint16"))
        spans.append((spec["table"], spec["address"], count))

    for item in profile.entities.get("sensor", []) + profile.entities.get("binary_sensor", []):
        add(item)
    for item in profile.entities.get("relay", []):
        add(item.get("state") or {"table": "coil", "address": item["coil"]})
    for item in profile.entities.get("turnstile", []):
        if "mode" in item:
            add({"table": "holding_register", "address": item["mode"]["holding_register"]})
        for spec in (item.get("passages") or {}).values():
            add(spec)
    return spans


def read_plan(profile: DeviceProfile) -> list[tuple[str, int, int]]:
    """Merge nearby spans into few block reads: one request per table, usually."""
    blocks: list[tuple[str, int, int]] = []
    for table, address, count in sorted(set(_spans(profile))):
        if blocks and blocks[-1][0] == table:
            _t, start, length = blocks[-1]
            end = max(start + length, address + count)
            if address <= start + length + _MAX_GAP and end - start <= _MAX_BLOCK[table]:
                blocks[-1] = (table, start, end - start)
                continue
        blocks.append((table, address, count))
    return blocks


class DeviceCoordinator:
    """Owns the polling of one device and the cache its entities read from."""

    def __init__(
        self, hub: Hub, connection: ModbusConnection, target: ModbusTarget,
        profile: DeviceProfile, name: str, scan_interval: float,
    ) -> None:
        self.hub = hub
        self.connection = connection
        self.target = target
        self.profile = profile
        self.name = name
        self.scan_interval = scan_interval
        self.plan = read_plan(profile)
        self.values: dict[tuple[str, int], int] = {}
        self.available = False
        self.last_error: str | None = None
        self._listeners: list[Callable[[], None]] = []
        self._task: asyncio.Task[None] | None = None

    def add_listener(self, listener: Callable[[], None]) -> None:
        """Call `listener` (a @callback) after every poll."""
        self._listeners.append(listener)

    def registers(self, table: str, address: int, count: int) -> list[int] | None:
        """Cached raw values, or None when not read yet."""
        try:
            return [self.values[(table, address + i)] for i in range(count)]
        except KeyError:
            return None

    def value(self, spec: dict[str, Any]) -> float | int | None:
        """Decode one register spec from the cache."""
        if spec["table"] in ("coil", "discrete_input"):
            raw = self.registers(spec["table"], spec["address"], 1)
            return None if raw is None else raw[0]
        data_type = spec.get("data_type", "uint16")
        raw = self.registers(spec["table"], spec["address"], codec.register_count(data_type))
        if raw is None:
            return None
        return codec.decode(
            raw, data_type, spec.get("byte_order", "big"), spec.get("word_order", "big"),
            spec.get("scale", 1.0), spec.get("offset", 0.0), spec.get("precision"))

    async def async_refresh(self) -> None:
        """Read every block once; mark the device unavailable on any failure."""
        try:
            for table, address, count in self.plan:
                response = await self.connection.call(
                    _READ_METHODS[table], address, count=count, device_id=self.target.device_id)
                raw = response.bits[:count] if table in ("coil", "discrete_input") \
                    else response.registers
                if len(raw) < count:
                    raise ModbusDeviceError(f"short answer: {count} values asked, {len(raw)} got")
                for offset, item in enumerate(raw[:count]):
                    self.values[(table, address + offset)] = int(item)
        except ModbusDeviceError as err:
            # Said once per outage, and also when the device never answered at all.
            if self.available or self.last_error is None:
                _LOGGER.warning("Modbus device %s (slave %s on %s) is unavailable: %s",
                                self.name, self.target.device_id, self.connection.label, err)
            self.available = False
            self.last_error = str(err)
        else:
            if not self.available:
                _LOGGER.info("Modbus device %s (slave %s on %s) is available", self.name,
                             self.target.device_id, self.connection.label)
            self.available = True
            self.last_error = None
        for listener in self._listeners:
            listener()

    async def async_write_coil(self, address: int, value: bool) -> None:
        """Write one coil; raise ModbusDeviceError (and go unavailable) on failure."""
        await self._write("write_coil", address, value)
        self.values[("coil", address)] = int(value)

    async def async_write_register(self, address: int, value: int) -> None:
        """Write one holding register."""
        await self._write("write_register", address, value)
        self.values[("holding_register", address)] = value

    async def _write(self, method: str, address: int, value: Any) -> None:
        try:
            await self.connection.call(method, address, value, device_id=self.target.device_id)
        except ModbusDeviceError:
            self.available = False
            for listener in self._listeners:
                listener()
            raise

    def start(self) -> None:
        """Start polling in the background (cancelled when the hub stops)."""
        if self._task is None:
            self._task = self.hub.async_create_background_task(
                self._poll(), f"modbus poll {self.target.key}")

    async def _poll(self) -> None:
        while True:
            await self.async_refresh()
            await asyncio.sleep(self.scan_interval)
