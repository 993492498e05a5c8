"""Sensors (temperature, passage counters) and binary sensors (door contact, alarm)."""

from __future__ import annotations

from typing import Any

from hub.const import ATTR_UNIT_OF_MEASUREMENT, STATE_OFF, STATE_ON
from hub.entities.component import EntityService
from hub.entities.entity import Entity

SENSOR_SERVICES: tuple[EntityService, ...] = ()
BINARY_SENSOR_SERVICES: tuple[EntityService, ...] = ()


class SensorEntity(Entity):
    """A measured value with an optional unit."""

    domain = "sensor"
    _attr_native_value: Any = None
    _attr_unit_of_measurement: str | None = None

    @property
    def native_value(self) -> Any:
        """The value as the device reports it, after scaling."""
        return self._attr_native_value

    @property
    def unit_of_measurement(self) -> str | None:
        """The unit of `native_value`, such as °C."""
        return self._attr_unit_of_measurement

    @property
    def state(self) -> str | None:
        value = self.native_value
        return None if value is None else str(value)

    @property
    def state_attributes(self) -> dict[str, Any] | None:
        unit = self.unit_of_measurement
        return {ATTR_UNIT_OF_MEASUREMENT: unit} if unit else None


class BinarySensorEntity(Entity):
    """Something that is on or off: a passage beam, a door contact, a tamper alarm."""

    domain = "binary_sensor"
    _attr_is_on: bool | None = None

    @property
    def is_on(self) -> bool | None:
        """True when active; None if unknown."""
        return self._attr_is_on

    @property
    def state(self) -> str | None:
        return None if self.is_on is None else (STATE_ON if self.is_on else STATE_OFF)
