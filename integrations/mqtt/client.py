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

Several subscribers may share a topic (the entities of one device share its
availability topic). The broker sends a topic's retained message only in answer
to a SUBSCRIBE, so a subscriber that joins later subscribes again, and each
retained message goes to each subscriber once, as Home Assistant does: the
second entity of a device is not left `unavailable`, the first sees no repeat.

A connection attempt that fails (broker down, TLS handshake refused, login
refused) is logged once with the reason and the fix; paho keeps retrying, and
the same reason again only goes to the debug log until a connection succeeds.
paho reports some failures only in its own log (a broker that drops us after
the handshake because we sent no client certificate), so we listen to that too.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
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
    CONF_USERNAME,
    CONF_WILL,
    EVENT_MQTT_CONNECTED,
    EVENT_MQTT_DISCONNECTED,
    ONLINE,
)
from .tls import explain_failure

_LOGGER = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ReceivedMessage:
    """One message, handed to subscribers in the event loop."""

    topic: str
    payload: bytes
    qos: int
    retain: bool


MessageCallback = Callable[[ReceivedMessage], None]


@dataclass(slots=True, eq=False)
class _Subscriber:
    """One `async_subscribe` call; `retained`: topics whose retained message it has had."""

    callback: MessageCallback
    qos: int
    retained: set[str] = field(default_factory=set)


class MqttClient:
    """The hub's MQTT connection: subscribe, publish, birth and last will."""

    def __init__(self, hub: Hub, config: dict[str, Any],
                 ssl_context: ssl.SSLContext | None = None) -> None:
        """`ssl_context` (built off the loop, see `tls.tls_context`) means TLS, never plain."""
        self.hub = hub
        self.config = config
        self.connected = False
        self.stopping = False
        self.connect_count = 0
        self.failed_attempts = 0
        self.tls = ssl_context is not None
        self._attempt_error: str | None = None
        self._attempt_reported = False
        self._last_failure: str | None = None
        self._unacknowledged: set[int] = set()
        self._subscriptions: dict[str, list[_Subscriber]] = {}
        self._connection_listeners: list[Callable[[bool], None]] = []
        self._client = mqtt.Client(
            CallbackAPIVersion.VERSION2, client_id=config.get(CONF_CLIENT_ID) or "",
            reconnect_on_failure=True,
        )
        self._client.reconnect_delay_set(1, int(config[CONF_RECONNECT_MAX]))
        if config.get(CONF_USERNAME):
            self._client.username_pw_set(config[CONF_USERNAME], config.get(CONF_PASSWORD))
        if ssl_context is not None:
            self._client.tls_set_context(ssl_context)
            if not ssl_context.check_hostname:
                _LOGGER.warning(
                    "MQTT broker %s: tls.insecure is on, so host name checking is off: any "
                    "server with a certificate from a CA we trust can pose as the broker",
                    self.target)
        will = config[CONF_WILL]
        self._client.will_set(will["topic"], will["payload"], will["qos"], will["retain"])
        self._client.on_connect = self._on_connect
        self._client.on_disconnect = self._on_disconnect
        self._client.on_message = self._on_message
        self._client.on_subscribe = self._on_subscribe
        self._client.on_pre_connect = self._on_pre_connect
        self._client.on_connect_fail = self._on_connect_fail
        self._client.on_log = self._on_log

    @property
    def target(self) -> str:
        """`host:port`, and how we talk to it, for log lines."""
        where = f"{self.config[CONF_BROKER]}:{self.config[CONF_PORT]}"
        return f"{where} over TLS" if self.tls else where

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

    def _on_pre_connect(self, _c: mqtt.Client, _u: Any) -> None:
        self.hub.loop.call_soon_threadsafe(self._attempt_started)

    def _on_connect_fail(self, _c: mqtt.Client, _u: Any) -> None:
        # paho calls this inside its `except OSError:` and does not pass the error on.
        error = sys.exc_info()[1]
        reason = f"{error}" if error is not None else "the connection failed"
        self.hub.loop.call_soon_threadsafe(self._attempt_failed, reason)

    def _on_log(self, _c: mqtt.Client, _u: Any, level: int, text: str) -> None:
        if level == mqtt.MQTT_LOG_ERR:
            self.hub.loop.call_soon_threadsafe(self._note_error, text)

    # In the loop ----------------------------------------------------------------
    @callback
    def _attempt_started(self) -> None:
        self._attempt_error = None
        self._attempt_reported = False

    @callback
    def _note_error(self, text: str) -> None:
        self._attempt_error = text

    @callback
    def _attempt_failed(self, reason: str) -> None:
        """Say why connecting failed, once per attempt and once per distinct reason."""
        if self._attempt_reported or self.stopping:
            return
        self._attempt_reported = True
        self.failed_attempts += 1
        message = explain_failure(reason, self.config[CONF_BROKER], self.config[CONF_PORT],
                                  self.tls)
        if message == self._last_failure:
            _LOGGER.debug("Still cannot connect to MQTT broker %s: %s", self.target, message)
            return
        self._last_failure = message
        _LOGGER.error("Cannot connect to MQTT broker %s: %s; retrying in the background",
                      self.target, message)

    @callback
    def _connected(self, ok: bool, reason: str) -> None:
        if not ok:
            self._attempt_failed(f"the broker refused the connection ({reason})")
            return
        self.connected = True
        self.connect_count += 1
        self._last_failure = None
        _LOGGER.info("Connected to MQTT broker %s", self.target)
        for topic, entries in self._subscriptions.items():
            for entry in entries:  # retained messages may have changed while we were away
                entry.retained.clear()
            self._subscribe(topic, max(entry.qos for entry in entries))
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
        if not was_connected:  # dropped before CONNACK: paho's log has the real reason
            self._attempt_failed(self._attempt_error or
                                 f"the broker closed the connection before accepting it ({reason})")
            return
        if not self.stopping:
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
            for entry in list(entries):
                if message.retain:  # a replay for a later subscriber: once each
                    if message.topic in entry.retained:
                        continue
                    entry.retained.add(message.topic)
                try:
                    entry.callback(message)
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
        entry = _Subscriber(message_callback, qos)
        entries.append(entry)
        if self.connected:  # again if shared: the broker re-sends retained messages
            self._subscribe(topic, max(other.qos for other in entries))

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
