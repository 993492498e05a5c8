"""Modbus turnstiles: an open coil per direction, a mode register, passage counters."""

from __future__ import annotations

import asyncio
from typing import Any

from hub.entities.turnstile import Direction, TurnstileEntity, TurnstileMode

from .coordinator import DeviceCoordinator
from .entity import ModbusEntity


class ModbusTurnstile(ModbusEntity, TurnstileEntity):
    """A turnstile whose profile says which coil opens which way."""

    def __init__(self, coordinator: DeviceCoordinator, spec: dict[str, Any]) -> None:
        super().__init__(coordinator, spec)
        self._pulse_tasks: set[asyncio.Task[None]] = set()

    @property
    def mode(self) -> TurnstileMode:
        mode_spec = self.spec.get("mode")
        if not mode_spec:
            return TurnstileMode.NORMAL
        raw = self.coordinator.registers("holding_register", mode_spec["holding_register"], 1)
        for name, code in mode_spec["values"].items():
            if raw is not None and raw[0] == code:
                return TurnstileMode(name)
        return TurnstileMode.NORMAL

    @property
    def state_attributes(self) -> dict[str, Any]:
        passages = self.spec.get("passages") or {}
        return {
            "passages_in": self.coordinator.value(passages["in"]) if "in" in passages else None,
            "passages_out": self.coordinator.value(passages["out"]) if "out" in passages
            else None,
        }

    async def async_open(self, direction: Direction) -> None:
        """Write the direction's coil; release it after `pulse` unless the device does."""
        coil = self.spec["open"][Direction(direction).value]["coil"]
        await self._guard(self.coordinator.async_write_coil(coil, True))
        pulse = self.spec.get("pulse", 0)
        if pulse and self.hub is not None:
            task = self.hub.async_create_task(self._release(coil, pulse), "turnstile release")
            self._pulse_tasks.add(task)
            task.add_done_callback(self._pulse_tasks.discard)

    async def _release(self, coil: int, pulse: float) -> None:
        await asyncio.sleep(pulse)
        await self._guard(self.coordinator.async_write_coil(coil, False))

    async def async_set_mode(self, mode: TurnstileMode) -> None:
        """Write the mode register; refuse when the profile has none."""
        mode_spec = self.spec.get("mode")
        if not mode_spec:
            raise ValueError(f"{self.entity_id} has no mode register in its profile")
        code = mode_spec["values"].get(TurnstileMode(mode).value)
        if code is None:
            raise ValueError(f"{self.entity_id} does not support mode {mode}")
        await self._guard(self.coordinator.async_write_register(
            mode_spec["holding_register"], code))
        self.async_write_state()


def build(coordinator: DeviceCoordinator) -> list[ModbusTurnstile]:
    """One entity per turnstile in the profile."""
    return [ModbusTurnstile(coordinator, spec)
            for spec in coordinator.profile.entities.get("turnstile", [])]
