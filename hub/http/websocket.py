"""WebSocket API, shaped like Home Assistant's: authenticate, subscribe, call services.

Guardians may subscribe only to decisions and passages of their own children;
every event is redacted (no card numbers, PINs or photos) before it is sent.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

from aiohttp import WSMsgType, web

from hub import __version__
from hub.auth.models import Role, User
from hub.auth.permissions import Permission, has_permission
from hub.callback import callback
from hub.const import EVENT_ACCESS_DECISION, EVENT_GATE_PASSAGE, MATCH_ALL
from hub.context import Context
from hub.events import Event
from hub.exceptions import HubError
from hub.http.middleware import KEY_AUTH, SESSION_COOKIE, csrf_matches
from hub.http.view import KEY_HUB
from hub.redact import redact

_LOGGER = logging.getLogger(__name__)
URL = "/api/websocket"
GUARDIAN_EVENTS = frozenset({EVENT_ACCESS_DECISION, EVENT_GATE_PASSAGE})
# Events that never name a person: all that a role without the access log
# (an installer) may watch. An allow-list, so a new event is private by default.
DEVICE_EVENTS = frozenset({
    "state_changed", "device_discovered", "device_confirmed", "mqtt_connected",
    "mqtt_disconnected", "discovery_zeroconf", "fire_release", "hub_started", "hub_stop",
    "service_registered",
})
MAX_QUEUE = 512
AUTH_TIMEOUT = 10.0


def _dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, default=str)


class Connection:
    """One authenticated WebSocket client."""

    def __init__(self, request: web.Request, socket: web.WebSocketResponse, user: User) -> None:
        self.request = request
        self.hub = request.app[KEY_HUB]
        self.socket = socket
        self.user = user
        self.subscriptions: dict[int, Any] = {}
        self.queue: asyncio.Queue[str | None] = asyncio.Queue(MAX_QUEUE)

    def send(self, message: dict[str, Any]) -> None:
        """Queue a message; a client too slow to keep up is disconnected."""
        try:
            self.queue.put_nowait(_dumps(message))
        except asyncio.QueueFull:
            _LOGGER.warning("WebSocket client of %s is too slow; closing", self.user.username)
            self.hub.async_create_task(self.socket.close(), "close slow websocket")

    def result(self, msg_id: int, result: Any = None) -> None:
        """Send a success result."""
        self.send({"id": msg_id, "type": "result", "success": True, "result": result})

    def error(self, msg_id: int | None, code: str, message: str) -> None:
        """Send a failure result."""
        self.send({"id": msg_id, "type": "result", "success": False,
                   "error": {"code": code, "message": message}})

    async def writer(self) -> None:
        """Send queued messages in order."""
        while (text := await self.queue.get()) is not None:
            await self.socket.send_str(text)

    async def handle(self, message: dict[str, Any]) -> None:
        """Run one command."""
        msg_id = message.get("id")
        if not isinstance(msg_id, int):
            self.error(None, "invalid_format", "every command needs an integer 'id'")
            return
        kind = message.get("type")
        handler = getattr(self, f"_cmd_{kind}", None) if isinstance(kind, str) else None
        if handler is None:
            self.error(msg_id, "unknown_command", f"unknown command {kind!r}")
            return
        try:
            await handler(msg_id, message)
        except HubError as err:
            self.error(msg_id, "service_error", str(err))

    async def _cmd_ping(self, msg_id: int, message: dict[str, Any]) -> None:
        self.send({"id": msg_id, "type": "pong"})

    async def _cmd_subscribe_events(self, msg_id: int, message: dict[str, Any]) -> None:
        event_type = message.get("event_type", MATCH_ALL)
        guardian = self.user.role is Role.GUARDIAN
        if guardian and event_type not in GUARDIAN_EVENTS:
            self.error(msg_id, "unauthorized",
                       "guardians may subscribe to access_decision and gate_passage only")
            return
        if not guardian and not has_permission(self.user.role, Permission.READ_STATES):
            self.error(msg_id, "unauthorized", "this role may not read events")
            return
        devices_only = not guardian and not has_permission(
            self.user.role, Permission.READ_ACCESS_LOG)
        if devices_only and event_type != MATCH_ALL and event_type not in DEVICE_EVENTS:
            self.error(msg_id, "unauthorized",
                       "this role may watch device events only: " + ", ".join(
                           sorted(DEVICE_EVENTS)))
            return
        children = set(self.user.person_ids)

        @callback
        def forward(event: Event) -> None:
            if guardian and event.data.get("person_id") not in children:
                return
            if devices_only and event.event_type not in DEVICE_EVENTS:
                return
            self.send({"id": msg_id, "type": "event", "event": redact(event.as_dict())})

        self.subscriptions[msg_id] = self.hub.bus.async_listen(event_type, forward)
        self.result(msg_id)

    async def _cmd_unsubscribe_events(self, msg_id: int, message: dict[str, Any]) -> None:
        remove = self.subscriptions.pop(message.get("subscription", -1), None)
        if remove is None:
            self.error(msg_id, "not_found", "no such subscription")
            return
        remove()
        self.result(msg_id)

    async def _cmd_get_states(self, msg_id: int, message: dict[str, Any]) -> None:
        if not has_permission(self.user.role, Permission.READ_STATES):
            self.error(msg_id, "unauthorized", "this role may not read states")
            return
        self.result(msg_id, [redact(state.as_dict()) for state in self.hub.states.all()])

    async def _cmd_call_service(self, msg_id: int, message: dict[str, Any]) -> None:
        if not has_permission(self.user.role, Permission.CALL_SERVICES):
            self.error(msg_id, "unauthorized", "this role may not call services")
            return
        data = message.get("service_data") or {}
        if not isinstance(data, dict):
            self.error(msg_id, "invalid_format", "service_data must be an object")
            return
        await self.hub.services.async_call(
            str(message.get("domain")), str(message.get("service")), data,
            Context(user_id=self.user.id))
        self.result(msg_id)

    def close(self) -> None:
        """Drop every subscription."""
        for remove in self.subscriptions.values():
            remove()
        self.subscriptions.clear()


async def _authenticate(request: web.Request, socket: web.WebSocketResponse) -> User | None:
    store = request.app[KEY_AUTH]
    await socket.send_str(_dumps({"type": "auth_required", "menjin_version": __version__}))
    try:
        message = await socket.receive_json(timeout=AUTH_TIMEOUT)
    except (TimeoutError, ValueError, TypeError):
        return None
    if not isinstance(message, dict) or message.get("type") != "auth":
        return None
    if isinstance(message.get("access_token"), str):
        return store.user_for_token(message["access_token"])
    cookie = request.cookies.get(SESSION_COOKIE)
    if not message.get("session") or not cookie:
        return None
    # A cookie rides along on cross-site sockets too, so a session socket must
    # come from our own page (Origin) and prove it read the session's CSRF
    # token, exactly as cookie-authenticated REST writes do.
    origin = request.headers.get("Origin")
    if origin is None or origin.split("://", 1)[-1] != request.host:
        return None
    found = store.session_for(cookie)
    if found is None:
        return None
    session, user = found
    return user if csrf_matches(message.get("csrf_token"), session.csrf_token) else None


async def websocket_handler(request: web.Request) -> web.WebSocketResponse:
    """Serve one WebSocket connection."""
    socket = web.WebSocketResponse(heartbeat=30, max_msg_size=1024 * 1024)
    await socket.prepare(request)
    user = await _authenticate(request, socket)
    if user is None:
        await socket.send_str(_dumps({"type": "auth_invalid", "message": "invalid credentials"}))
        await socket.close()
        return socket
    await socket.send_str(_dumps({"type": "auth_ok", "menjin_version": __version__,
                                  "user": user.public()}))
    connection = Connection(request, socket, user)
    writer = asyncio.ensure_future(connection.writer())
    try:
        async for message in socket:
            if message.type is not WSMsgType.TEXT:
                continue
            try:
                data = json.loads(message.data)
            except json.JSONDecodeError:
                connection.error(None, "invalid_format", "messages must be JSON")
                continue
            if not isinstance(data, dict):
                connection.error(None, "invalid_format", "messages must be JSON objects")
                continue
            await connection.handle(data)
    finally:
        connection.close()
        writer.cancel()
    return socket
