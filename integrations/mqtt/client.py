"""One shared MQTT connection for the whole hub: paho-mqtt 2.x bridged to asyncio.

paho runs its network loop in its own thread (`loop_start`); every callback
from that thread is handed to the event loop with `call_soon_threadsafe`, so
no hub code ever runs on paho's thread and the loop never waits on a socket.
paho reconnects by itself with exponential backoff; on every (re)connect we
re-subscribe everything, publish our birth message, and publish `online` on
`<discovery prefix>/status` so devices re-announce themselves.

A subscription only routes messages once the broker has acknowledged it
(SUBACK); until then a message published by a device is simply not ours.
`ready` is true only when connected with no acknowledgement outstanding, so
whoever needs "the broker will route to us now" (tests, benchmarks, a
health check) can wait for exactly that instead of guessing with a sleep.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

from hub.callback import callback
from hub.core import Hub

from .const import (
    CONF_BIRTH,
    CONF_BROKER,
    CONF_CLIENT_ID,
    CONF_DISCOVERY_PREFIX,
    CONF_KEEPALIVE,
    CONF_PASSWORD,
    CONF_PORT,
    CONF_RECONNECT_MAX,
    CONF_TLS,
    CONF_USERNAME,
    CONF_WILL,
    EVENT_MQTT_CONNECTED,
    EVENT_MQTT_DISCONNECTED,
    ONLINE,
)

_LOGGER = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ReceivedMessage:
    """One message, handed to subscribers in the event loop."""

    topic: str
    payload: bytes
    qos: int
    retain: bool


MessageCallback = Callable[[ReceivedMessage], None]


class MqttClient:
    """The hub's MQTT connection: subscribe, publish, birth and last will."""

    def __init__(self, hub: Hub, config: dict[str, Any]) -> None:
        self.hub = hub
        self.config = config
        self.connected = False
        self.stopping = False
        self.connect_count = 0
        self._unacknowledged: set[int] = set()
        self._subscriptions: dict[str, list[tuple[MessageCallback, int]]] = {}
        self._connection_listeners: list[Callable[[bool], None]] = []
        self._client = mqtt.Client(
            CallbackAPIVersion.VERSION2, client_id=config.get(CONF_CLIENT_ID) or "",
            reconnect_on_failure=True,
        )
        self._client.reconnect_delay_set(1, int(config[CONF_RECONNECT_MAX]))
        if config.get(CONF_USERNAME):
            self._client.username_pw_set(config[CONF_USERNAME], config.get(CONF_PASSWORD))
        tls = config.get(CONF_TLS)
        if tls:
            self._client.tls_set(
                ca_certs=tls.get("ca_certs"), certfile=tls.get("certfile"),
                keyfile=tls.get("keyfile"), cert_reqs=ssl.CERT_REQUIRED)
            self._client.tls_insecure_set(bool(tls.get("insecure", False)))
        will = config[CONF_WILL]
        self._client.will_set(will["topic"], will["payload"], will["qos"], will["retain"])
        self._client.on_connect = self._on_connect
        self._client.on_disconnect = self._on_disconnect
        self._client.on_message = self._on_message
        self._client.on_subscribe = self._on_subscribe

    # Threads -> loop ----------------------------------------------------------
    def _on_connect(self, _c: mqtt.Client, _u: Any, _f: Any, reason: Any, _p: Any) -> None:
        self.hub.loop.call_soon_threadsafe(self._connected, not reason.is_failure, str(reason))

    def _on_disconnect(self, _c: mqtt.Client, _u: Any, _f: Any, reason: Any, _p: Any) -> None:
        self.hub.loop.call_soon_threadsafe(self._disconnected, str(reason))

    def _on_message(self, _c: mqtt.Client, _u: Any, message: mqtt.MQTTMessage) -> None:
        received = ReceivedMessage(message.topic, bytes(message.payload), message.qos,
                                   bool(message.retain))
        self.hub.loop.call_soon_threadsafe(self._dispatch, received)

    def _on_subscribe(self, _c: mqtt.Client, _u: Any, mid: int, _codes: Any, _p: Any) -> None:
        self.hub.loop.call_soon_threadsafe(self._unacknowledged.discard, mid)

    # In the loop ----------------------------------------------------------------
    @callback
    def _connected(self, ok: bool, reason: str) -> None:
        if not ok:
            _LOGGER.error("MQTT broker %s:%s refused the connection: %s",
                          self.config[CONF_BROKER], self.config[CONF_PORT], reason)
            return
        self.connected = True
        self.connect_count += 1
        _LOGGER.info("Connected to MQTT broker %s:%s", self.config[CONF_BROKER],
                     self.config[CONF_PORT])
        for topic, entries in self._subscriptions.items():
            self._subscribe(topic, max(qos for _cb, qos in entries))
        birth = self.config[CONF_BIRTH]
        self._client.publish(birth["topic"], birth["payload"], birth["qos"], birth["retain"])
        prefix = self.config.get(CONF_DISCOVERY_PREFIX)
        if prefix:
            # Ask devices to re-announce: the convention Tasmota, ESPHome and Z2M follow.
            self._client.publish(f"{prefix}/status", ONLINE, 0, False)
        for listener in list(self._connection_listeners):
            listener(True)
        self.hub.bus.async_fire(EVENT_MQTT_CONNECTED, {"count": self.connect_count})

    @callback
    def _disconnected(self, reason: str) -> None:
        was_connected, self.connected = self.connected, False
        self._unacknowledged.clear()  # everything is subscribed afresh on reconnect
        if was_connected and not self.stopping:
            _LOGGER.warning("Lost MQTT broker connection (%s); reconnecting", reason)
            for listener in list(self._connection_listeners):
                listener(False)
            self.hub.bus.async_fire(EVENT_MQTT_DISCONNECTED, {"reason": reason})

    @callback
    def _dispatch(self, message: ReceivedMessage) -> None:
        for topic_filter, entries in list(self._subscriptions.items()):
            if topic_filter != message.topic and not mqtt.topic_matches_sub(
                    topic_filter, message.topic):
                continue
            for message_callback, _qos in list(entries):
                try:
                    message_callback(message)
                except Exception:  # one bad subscriber must not starve the others
                    _LOGGER.exception("Error handling MQTT message on %s", message.topic)

    def _subscribe(self, topic: str, qos: int) -> None:
        # The ack arrives on paho's thread and is handed to the loop, so it is
        # always processed after this call has recorded the message id.
        result, mid = self._client.subscribe(topic, qos)
        if result == mqtt.MQTT_ERR_SUCCESS and mid is not None:
            self._unacknowledged.add(mid)

    # API --------------------------------------------------------------------------
    def async_subscribe(self, topic: str, message_callback: MessageCallback, qos: int = 0
                        ) -> Callable[[], None]:
        """Call `message_callback` (a @callback) for every message on `topic`."""
        entries = self._subscriptions.setdefault(topic, [])
        entry = (message_callback, qos)
        entries.append(entry)
        if self.connected and len(entries) == 1:
            self._subscribe(topic, qos)

        def unsubscribe() -> None:
            if entry in entries:
                entries.remove(entry)
            if not entries and self._subscriptions.get(topic) is entries:
                del self._subscriptions[topic]
                if self.connected:
                    self._client.unsubscribe(topic)

        return unsubscribe

    def async_publish(self, topic: str, payload: str | bytes, qos: int = 0,
                      retain: bool = False) -> None:
        """Queue a message; paho writes it from its own thread."""
        self._client.publish(topic, payload, qos, retain)

    def async_add_connection_listener(self, listener: Callable[[bool], None]) -> None:
        """Call `listener(connected)` on every connect and disconnect."""
        self._connection_listeners.append(listener)

    async def async_connect(self) -> None:
        """Start connecting; never waits for the broker (paho keeps retrying)."""
        self._client.connect_async(self.config[CONF_BROKER], self.config[CONF_PORT],
                                   self.config[CONF_KEEPALIVE])
        await self.hub.async_add_executor_job(self._client.loop_start)

    async def async_disconnect(self) -> None:
        """Say we are going (the will topic gets `offline`), then stop paho's thread."""
        self.stopping = True
        will = self.config[CONF_WILL]
        if self.connected:
            info = self._client.publish(will["topic"], will["payload"], will["qos"],
                                        will["retain"])
            try:
                await self.hub.async_add_executor_job(info.wait_for_publish, 1.0)
            except (RuntimeError, ValueError):
                _LOGGER.debug("Could not publish the offline message before leaving")
        self._client.disconnect()
        await self.hub.async_add_executor_job(self._client.loop_stop)
        self.connected = False

    @property
    def ready(self) -> bool:
        """Connected, and the broker has acknowledged every subscription."""
        return self.connected and not self._unacknowledged

    async def async_wait_ready(self, wait: float) -> bool:
        """Wait until `ready` (tests, benchmarks); False on timeout."""
        deadline = self.hub.loop.time() + wait
        while not self.ready:
            if self.hub.loop.time() > deadline:
                return False
            await asyncio.sleep(0.02)
        return True
