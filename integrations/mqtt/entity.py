"""What every MQTT entity shares: subscriptions, availability and device info."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from jinja2 import TemplateError

from hub.callback import callback
from hub.entities.entity import DeviceInfo, Entity

from .client import MqttClient, ReceivedMessage
from .const import DOMAIN, MAX_STATE_PAYLOAD
from .template import render_value

_LOGGER = logging.getLogger(__name__)


def _slug(text: str) -> str:
    return "".join(ch if ch.isalnum() else "_" for ch in text.lower()).strip("_")


class MqttEntity(Entity):
    """Base of entities built from a discovery config (or a device profile)."""

    max_payload = MAX_STATE_PAYLOAD

    def __init__(self, client: MqttClient, discovery_id: str, config: dict[str, Any]) -> None:
        self.client = client
        self.discovery_id = discovery_id
        self.config = config
        device = config.get("device") or {}
        entity_name = config.get("name")
        device_name = device.get("name")
        if entity_name and device_name and not entity_name.startswith(device_name):
            self._attr_name = f"{device_name} {entity_name}"
        else:
            self._attr_name = entity_name or device_name or discovery_id
        self._attr_unique_id = f"mqtt_{config.get('unique_id') or discovery_id}"
        self._attr_device_class = config.get("device_class")
        if device.get("identifiers"):
            self._attr_device_info = DeviceInfo(
                identifiers=frozenset((DOMAIN, ident) for ident in device["identifiers"]),
                name=device_name, manufacturer=device.get("manufacturer"),
                model=device.get("model"), sw_version=device.get("sw_version"),
            )
        self._availability = self._availability_topics(config)
        self._device_available: dict[str, bool] = {}
        self._last_availability = False
        self._unsubscribes: list[Callable[[], None]] = []

    @staticmethod
    def _availability_topics(config: dict[str, Any]) -> list[dict[str, Any]]:
        topics = list(config.get("availability") or [])
        if config.get("availability_topic"):
            topics.append({
                "topic": config["availability_topic"],
                "payload_available": config["payload_available"],
                "payload_not_available": config["payload_not_available"],
            })
        return topics

    @property
    def available(self) -> bool:
        """Unavailable while the broker is gone, or the device says it is offline.

        With availability topics, the entity stays unavailable until the device
        has said it is online at least once.
        """
        if not self.client.connected:
            return False
        if not self._availability:
            return True
        known = [self._device_available[a["topic"]] for a in self._availability
                 if a["topic"] in self._device_available]
        if not known:
            return False
        mode = self.config.get("availability_mode", "latest")
        if mode == "all":
            return len(known) == len(self._availability) and all(known)
        if mode == "any":
            return any(known)
        return self._last_availability

    def state_topics(self) -> list[str]:
        """Topics this entity's state comes from (subclasses name theirs)."""
        return []

    async def async_added_to_hub(self) -> None:
        for availability in self._availability:
            self._unsubscribes.append(self.client.async_subscribe(
                availability["topic"], self._make_availability_handler(availability),
                self.config.get("qos", 0)))
        for topic in self.state_topics():
            self._unsubscribes.append(self.client.async_subscribe(
                topic, self._handle_message, self.config.get("qos", 0)))
        self.client.async_add_connection_listener(self._connection_changed)

    async def async_will_remove_from_hub(self) -> None:
        for unsubscribe in self._unsubscribes:
            unsubscribe()
        self._unsubscribes.clear()

    @callback
    def _connection_changed(self, _connected: bool) -> None:
        if self.hub is not None and self.entity_id is not None and self._unsubscribes:
            self.async_write_state()

    def _make_availability_handler(self, availability: dict[str, Any]
                                   ) -> Callable[[ReceivedMessage], None]:
        @callback
        def handle(message: ReceivedMessage) -> None:
            payload = self._decode(message)
            if payload is None:
                return
            try:
                payload = render_value(availability.get("value_template"), payload)
            except (TemplateError, ValueError, TypeError):
                return
            if payload == availability["payload_available"]:
                value = True
            elif payload == availability["payload_not_available"]:
                value = False
            else:
                return
            self._device_available[availability["topic"]] = value
            self._last_availability = value
            self._write()

        return handle

    def _decode(self, message: ReceivedMessage) -> str | None:
        if len(message.payload) > self.max_payload:
            _LOGGER.warning("Dropped %d byte message on %s for %s (limit %d)",
                            len(message.payload), message.topic, self.entity_id,
                            self.max_payload)
            return None
        try:
            return message.payload.decode("utf-8")
        except UnicodeDecodeError:
            _LOGGER.warning("Dropped non-UTF-8 message on %s for %s", message.topic,
                            self.entity_id)
            return None

    def render(self, message: ReceivedMessage) -> str | None:
        """The payload after `value_template`, or None when it cannot be used."""
        payload = self._decode(message)
        if payload is None:
            return None
        try:
            return render_value(self.config.get("value_template"), payload)
        except (TemplateError, ValueError, TypeError, KeyError, AttributeError) as err:
            _LOGGER.debug("Template of %s failed on %r: %s", self.entity_id, payload[:80], err)
            return None

    @callback
    def _handle_message(self, message: ReceivedMessage) -> None:
        value = self.render(message)
        if value is not None and self.handle_value(value, message):
            self._write()

    def handle_value(self, value: str, message: ReceivedMessage) -> bool:
        """Apply a rendered state value; return True when the state should be written."""
        return False

    def _write(self) -> None:
        if self.hub is not None and self.entity_id is not None:
            self.async_write_state()
