"""MQTT switches and locks, both menjin relays (a lock strike is a relay that unlocks).

For a lock, "on" means unlocked: the contact that releases the strike is closed.
"""

from __future__ import annotations

from typing import Any

from hub.entities.relay import RelayEntity

from .client import MqttClient, ReceivedMessage
from .entity import MqttEntity


class MqttSwitch(MqttEntity, RelayEntity):
    """A switch (Tasmota, ESPHome, Zigbee2MQTT relay) driven by its command topic."""

    def __init__(self, client: MqttClient, discovery_id: str, config: dict[str, Any]) -> None:
        super().__init__(client, discovery_id, config)
        self._on_payload = config.get("payload_on", "ON")
        self._off_payload = config.get("payload_off", "OFF")
        self._on_state = config.get("state_on") or self._on_payload
        self._off_state = config.get("state_off") or self._off_payload

    def state_topics(self) -> list[str]:
        return [self.config["state_topic"]] if self.config.get("state_topic") else []

    def handle_value(self, value: str, message: ReceivedMessage) -> bool:
        if value == self._on_state:
            self._attr_is_on = True
        elif value == self._off_state:
            self._attr_is_on = False
        else:
            return False
        return True

    def _command(self, payload: str, is_on: bool) -> None:
        self.client.async_publish(self.config["command_topic"], payload,
                                  self.config.get("qos", 0), self.config.get("retain", False))
        if not self.config.get("state_topic"):
            self._attr_is_on = is_on  # no feedback: assume the command worked
            self._write()

    async def async_turn_on(self) -> None:
        """Publish the on payload."""
        self._command(self._on_payload, True)

    async def async_turn_off(self) -> None:
        """Publish the off payload."""
        self._command(self._off_payload, False)


class MqttLock(MqttSwitch):
    """A lock: turn_on unlocks, turn_off locks."""

    def __init__(self, client: MqttClient, discovery_id: str, config: dict[str, Any]) -> None:
        super().__init__(client, discovery_id, config)
        self._on_payload, self._off_payload = config["payload_unlock"], config["payload_lock"]
        self._on_state, self._off_state = config["state_unlocked"], config["state_locked"]
