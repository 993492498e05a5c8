"""Modbus relay channels: a coil each, state from a discrete input when the board has one."""

from __future__ import annotations

from datetime import timedelta

from hub.entities.relay import RelayEntity

from .coordinator import DeviceCoordinator
from .entity import ModbusEntity


class ModbusRelay(ModbusEntity, RelayEntity):
    """One channel of a relay board."""

    @property
    def is_on(self) -> bool | None:
        spec = self.spec.get("state") or {"table": "coil", "address": self.spec["coil"]}
        value = self.coordinator.value(spec)
        return None if value is None else bool(value)

    async def async_turn_on(self) -> None:
        """Close the contact."""
        await self._guard(self.coordinator.async_write_coil(self.spec["coil"], True))
        self.async_write_state()

    async def async_turn_off(self) -> None:
        """Open the contact."""
        await self._guard(self.coordinator.async_write_coil(self.spec["coil"], False))
        self.async_write_state()

    async def async_pulse(self, duration: timedelta) -> None:
        """Pulse for the requested time (the profile's `pulse` is the site default)."""
        await super().async_pulse(duration)


def build(coordinator: DeviceCoordinator) -> list[ModbusRelay]:
    """One entity per relay channel in the profile."""
    return [ModbusRelay(coordinator, spec)
            for spec in coordinator.profile.entities.get("relay", [])]
