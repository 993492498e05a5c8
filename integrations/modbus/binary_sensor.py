"""Modbus binary sensors: alarms and contacts from discrete inputs or coils."""

from __future__ import annotations

from hub.entities.sensor import BinarySensorEntity

from .coordinator import DeviceCoordinator
from .entity import ModbusEntity


class ModbusBinarySensor(ModbusEntity, BinarySensorEntity):
    """An alarm input such as a forced passage."""

    @property
    def is_on(self) -> bool | None:
        value = self.coordinator.value(self.spec)
        return None if value is None else bool(value)


def build(coordinator: DeviceCoordinator) -> list[ModbusBinarySensor]:
    """One entity per binary sensor in the profile."""
    return [ModbusBinarySensor(coordinator, spec)
            for spec in coordinator.profile.entities.get("binary_sensor", [])]
