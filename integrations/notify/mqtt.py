"""MQTT channel: a topic per recipient, never retained, the idempotency key in the payload.

```yaml
notify:
  targets:
    resident_app:
      platform: mqtt
      topic_prefix: menjin/notify        # resident flat_1201 -> menjin/notify/flat_1201
```

When the `mqtt` integration is running, messages go through its connection
(`hub.data["mqtt"].client.async_publish`); otherwise this channel opens its own
paho client to `broker:`/`port:`. Messages are published with QoS 1 and not
retained: a retained notification would be shown again to every app that
subscribes later. A message counts as delivered once the broker acknowledged
it (own client), or once the shared client accepted it while connected.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from typing import TYPE_CHECKING, Any

import voluptuous as vol

import hub.config.validation as cv
from hub.notify.model import DeliveryError, OutboxMessage
from integrations.notify.const import CONF_TIMEOUT
from integrations.notify.entity import NotifyTarget

if TYPE_CHECKING:
    from hub.core import Hub

_LOGGER = logging.getLogger(__name__)
_TOPIC_PART = re.compile(r"[^A-Za-z0-9_.-]+")
ACK_POLL_SECONDS = 0.01


def _topic_prefix(value: Any) -> str:
    text = cv.string(value).strip("/")
    if not text or "+" in text or "#" in text:
        raise vol.Invalid("topic_prefix must be a plain topic without wildcards")
    return text


PLATFORM_SCHEMA = vol.Schema({
    vol.Required("platform"): "mqtt",
    vol.Optional("topic_prefix", default="menjin/notify"): _topic_prefix,
    vol.Optional("qos", default=1): vol.All(vol.Coerce(int), vol.In((0, 1, 2))),
    vol.Optional("broker", default="127.0.0.1"): cv.string,
    vol.Optional("port", default=1883): cv.port,
    vol.Optional("username"): cv.string,
    vol.Optional("password"): cv.string,
    vol.Optional(CONF_TIMEOUT, default=10): vol.All(vol.Coerce(float), vol.Range(min=0.5)),
})


def topic_for(prefix: str, message: OutboxMessage) -> str:
    """`<prefix>/<address or recipient>`, with characters topics must not hold replaced."""
    suffix = message.address or message.recipient
    parts = [_TOPIC_PART.sub("_", part) for part in suffix.split("/") if part]
    return "/".join([prefix, *parts]) if parts else prefix


class _OwnClient:
    """A paho client of our own, for sites without the mqtt integration."""

    def __init__(self, config: dict[str, Any]) -> None:
        import paho.mqtt.client as paho
        from paho.mqtt.enums import CallbackAPIVersion

        self._config = config
        self.connected = False
        self._client = paho.Client(CallbackAPIVersion.VERSION2)
        if config.get("username"):
            self._client.username_pw_set(config["username"], config.get("password"))
        self._client.on_connect = self._on_connect
        self._client.on_disconnect = self._on_disconnect
        self._started = False

    def _on_connect(self, _c: Any, _u: Any, _f: Any, reason: Any, _p: Any) -> None:
        self.connected = not reason.is_failure

    def _on_disconnect(self, _c: Any, _u: Any, _f: Any, _reason: Any, _p: Any) -> None:
        self.connected = False

    async def async_start(self, hub: Hub) -> None:
        if self._started:
            return
        self._started = True
        self._client.connect_async(self._config["broker"], self._config["port"], 30)
        await hub.async_add_executor_job(self._client.loop_start)

    def async_publish(self, topic: str, payload: bytes, qos: int, retain: bool) -> Any:
        return self._client.publish(topic, payload, qos, retain)

    async def async_stop(self, hub: Hub) -> None:
        if self._started:
            self._client.disconnect()
            await hub.async_add_executor_job(self._client.loop_stop)


class MqttTarget(NotifyTarget):
    """Publish each message to the recipient's topic."""

    platform_name = "mqtt"

    def __init__(self, hub: Hub, name: str, config: dict[str, Any]) -> None:
        super().__init__(name)
        self._hub = hub
        self._config = config
        self._own: _OwnClient | None = None

    def _shared(self) -> Any:
        shared = self._hub.data.get("mqtt")
        client = getattr(shared, "client", None)
        return client if callable(getattr(client, "async_publish", None)) else None

    async def _client(self) -> Any:
        shared = self._shared()
        if shared is not None:
            return shared
        if self._own is None:
            self._own = _OwnClient(self._config)
        await self._own.async_start(self._hub)
        return self._own

    async def async_deliver(self, message: OutboxMessage) -> None:
        client = await self._client()
        timeout = self._config[CONF_TIMEOUT]
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not getattr(client, "connected", False):
            if loop.time() > deadline:
                raise DeliveryError(f"MQTT target {self.target_name}: not connected to the "
                                    "broker")
            await asyncio.sleep(0.05)
        topic = topic_for(self._config["topic_prefix"], message)
        body = json.dumps(message.payload(), ensure_ascii=False, separators=(",", ":")).encode()
        info = client.async_publish(topic, body, self._config["qos"], False)
        if info is None or not callable(getattr(info, "is_published", None)):
            return  # the shared client queued it while connected: paho delivers QoS 1
        if getattr(info, "rc", 0) not in (0, None):
            raise DeliveryError(f"MQTT publish to {topic} failed (rc={info.rc})")
        while not info.is_published():
            if loop.time() > deadline:
                raise DeliveryError(f"MQTT broker did not acknowledge {topic} in time")
            await asyncio.sleep(ACK_POLL_SECONDS)

    async def async_close(self) -> None:
        if self._own is not None:
            await self._own.async_stop(self._hub)


def build(hub: Hub, name: str, config: dict[str, Any]) -> MqttTarget:
    """The target for one `platform: mqtt` entry."""
    return MqttTarget(hub, name, config)
