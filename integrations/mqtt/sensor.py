"""MQTT sensors and binary sensors."""

from __future__ import annotations

from typing import Any

from hub.entities.sensor import BinarySensorEntity, SensorEntity

from .client import MqttClient, ReceivedMessage
from .entity import MqttEntity

_MAX_STATE = 255


class MqttSensor(MqttEntity, SensorEntity):
    """A value published on a state topic, optionally through a template."""

    def __init__(self, client: MqttClient, discovery_id: str, config: dict[str, Any]) -> None:
        super().__init__(client, discovery_id, config)
        self._attr_unit_of_measurement = config.get("unit_of_measurement")

    def state_topics(self) -> list[str]:
        return [self.config["state_topic"]]

    def handle_value(self, value: str, message: ReceivedMessage) -> bool:
        if len(value) > _MAX_STATE:
            return False
        native: Any = value
        try:
            number = float(value)
        except ValueError:
            pass
        else:
            native = int(number) if number.is_integer() and "." not in value else number
        self._attr_native_value = native
        return True


class MqttBinarySensor(MqttEntity, BinarySensorEntity):
    """ON/OFF published on a state topic."""

    def state_topics(self) -> list[str]:
        return [self.config["state_topic"]]

    def handle_value(self, value: str, message: ReceivedMessage) -> bool:
        if value == self.config["payload_on"]:
            self._attr_is_on = True
        elif value == self.config["payload_off"]:
            self._attr_is_on = False
        else:
            return False
        return True
