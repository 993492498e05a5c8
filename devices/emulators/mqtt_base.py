"""Shared machinery of the MQTT emulators: a paho client that announces itself.

Devices announce in Home Assistant's discovery convention and re-announce
whenever the hub publishes `online` on `<prefix>/status`, the way Tasmota,
ESPHome and Zigbee2MQTT do, so a restarted hub finds them again.
"""

from __future__ import annotations

import json
import logging
import secrets
import threading
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

from devices.emulators.control import LOOPBACK, ControlServer, assert_loopback

_LOGGER = logging.getLogger(__name__)

DEFAULT_PREFIX = "homeassistant"
ONLINE, OFFLINE = "online", "offline"


class MqttEmulator:
    """Base of an MQTT device: discovery configs, availability and a control surface."""

    kind = "mqtt"

    def __init__(
        self,
        node_id: str,
        prefix: str = DEFAULT_PREFIX,
        broker_host: str = LOOPBACK,
        broker_port: int = 1883,
        retain_config: bool = False,
    ) -> None:
        assert_loopback(broker_host)
        self.node_id = node_id
        self.prefix = prefix
        self.base_topic = f"menjin_emu/{node_id}"
        self.availability_topic = f"{self.base_topic}/availability"
        self.broker = (broker_host, broker_port)
        self.retain_config = retain_config
        self.announcements = 0
        self.published: list[tuple[str, str]] = []
        self._connected = threading.Event()
        self._client = mqtt.Client(
            # A fresh id per run: two emulators of one node (a test beside a demo) on one
            # broker would otherwise keep kicking each other off.
            CallbackAPIVersion.VERSION2, client_id=f"menjin-emu-{node_id}-{secrets.token_hex(3)}"
        )
        self._client.will_set(self.availability_topic, OFFLINE, retain=True)
        self._client.on_connect = self._on_connect
        self._client.on_message = self._on_message
        self.control = ControlServer(self.state, self.actions())

    # To override --------------------------------------------------------
    def discovery_messages(self) -> list[tuple[str, dict[str, Any]]]:
        """(config topic, payload) pairs this device announces."""
        return []

    def state(self) -> dict[str, Any]:
        """Device state for `GET /state`."""
        return {
            "kind": self.kind,
            "node_id": self.node_id,
            "prefix": self.prefix,
            "connected": self._connected.is_set(),
            "announcements": self.announcements,
            "config_topics": [topic for topic, _ in self.discovery_messages()],
        }

    def actions(self) -> dict[str, Any]:
        """Scripted actions for `POST /<action>`; devices extend this."""
        return {
            "announce": lambda _b: self._act(self.announce),
            "remove": lambda _b: self._act(self.remove),
            "offline": lambda _b: self._act(lambda: self.publish(
                self.availability_topic, OFFLINE, retain=True)),
            "online": lambda _b: self._act(lambda: self.publish(
                self.availability_topic, ONLINE, retain=True)),
        }

    def _act(self, func: Any) -> dict[str, Any]:
        func()
        return self.state()

    # MQTT -----------------------------------------------------------------
    def _on_connect(self, client: mqtt.Client, _u: Any, _f: Any, reason: Any, _p: Any) -> None:
        if reason.is_failure:
            _LOGGER.warning("Emulator %s could not connect: %s", self.node_id, reason)
            return
        client.subscribe(f"{self.prefix}/status")
        client.publish(self.availability_topic, ONLINE, retain=True)
        self.announce()
        self._connected.set()

    def _on_message(self, _c: mqtt.Client, _u: Any, message: mqtt.MQTTMessage) -> None:
        if message.topic == f"{self.prefix}/status" and message.payload == ONLINE.encode():
            self.announce()

    def publish(self, topic: str, payload: str | bytes, retain: bool = False) -> None:
        """Publish one message (thread-safe in paho)."""
        self._client.publish(topic, payload, qos=0, retain=retain)
        self.published.append((topic, payload if isinstance(payload, str) else "<bytes>"))
        del self.published[:-200]

    def announce(self) -> None:
        """Publish every discovery config."""
        self.announcements += 1
        for topic, payload in self.discovery_messages():
            self.publish(topic, json.dumps(payload), retain=self.retain_config)

    def remove(self) -> None:
        """Publish empty configs: the hub removes the entities."""
        for topic, _payload in self.discovery_messages():
            self.publish(topic, "", retain=self.retain_config)

    # Lifecycle ------------------------------------------------------------
    async def start(self, control_port: int | None = 0, wait: float = 10.0) -> None:
        """Connect to the broker, announce, and open the control surface."""
        import asyncio

        self._client.connect_async(*self.broker, keepalive=30)
        self._client.loop_start()
        loop = asyncio.get_running_loop()
        if not await loop.run_in_executor(None, self._connected.wait, wait):
            raise ConnectionError(f"emulator {self.node_id}: no MQTT broker at {self.broker}")
        if control_port is not None:
            await self.control.start(LOOPBACK, control_port)

    async def stop(self) -> None:
        """Say goodbye (offline, retained) and disconnect."""
        import asyncio

        await self.control.stop()
        info = self._client.publish(self.availability_topic, OFFLINE, retain=True)
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, info.wait_for_publish, 2.0)
        self._client.disconnect()
        await loop.run_in_executor(None, self._client.loop_stop)

    def device(self, name: str, model: str) -> dict[str, Any]:
        """The abbreviated device block shared by this device's components."""
        return {
            "ids": [f"menjin_emu_{self.node_id}"],
            "name": name,
            "mf": "Menjin Emulated Devices",
            "mdl": model,
            "sw": "1.0",
        }
