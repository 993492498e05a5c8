"""Modbus sensors: one register (or two) decoded with type, order, scale and offset."""

from __future__ import annotations

from typing import Any

from hub.entities.sensor import SensorEntity

from .coordinator import DeviceCoordinator
from .entity import ModbusEntity


class ModbusSensor(ModbusEntity, SensorEntity):
    """A measured value such as a temperature or a passage counter."""

    def __init__(self, coordinator: DeviceCoordinator, spec: dict[str, Any]) -> None:
        super().__init__(coordinator, spec)
        self._attr_unit_of_measurement = spec.get("unit_of_measurement")

    @property
    def native_value(self) -> Any:
        return self.coordinator.value(self.spec)


def build(coordinator: DeviceCoordinator) -> list[ModbusSensor]:
    """One entity per sensor in the profile."""
    return [ModbusSensor(coordinator, spec)
            for spec in coordinator.profile.entities.get("sensor", [])]
