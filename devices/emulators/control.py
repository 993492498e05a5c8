"""A tiny HTTP control surface every emulator exposes, so tests and the demo can script it.

`GET /state` returns the device's state as JSON; `POST /<action>` with a JSON body
runs one scripted action ("force a passage", "set the temperature to 38.2").
It binds to loopback only: an emulator is never reachable from the site network.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

_LOGGER = logging.getLogger(__name__)

LOOPBACK = "127.0.0.1"
Action = Callable[[dict[str, Any]], Awaitable[dict[str, Any]] | dict[str, Any]]


def assert_loopback(host: str) -> None:
    """Refuse any bind address other than loopback: emulators must stay on this machine."""
    if host not in ("127.0.0.1", "::1", "localhost"):
        raise ValueError(f"emulators bind to loopback only (127.0.0.1 or ::1), not {host!r}")


class ControlServer:
    """HTTP control endpoint bound to loopback, running in the emulator's loop."""

    def __init__(
        self,
        state: Callable[[], dict[str, Any]],
        actions: dict[str, Action],
        extra_routes: list[web.RouteDef] | None = None,
    ) -> None:
        self._state = state
        self._actions = actions
        self._extra_routes = extra_routes or []
        self._runner: web.AppRunner | None = None
        self.port = 0

    async def start(self, host: str = LOOPBACK, port: int = 0) -> int:
        """Start serving; return the bound port (port 0 picks a free one)."""
        assert_loopback(host)
        app = web.Application(client_max_size=16 * 1024 * 1024)
        app.router.add_get("/state", self._get_state)
        app.router.add_post("/{action}", self._post_action)
        app.router.add_routes(self._extra_routes)
        # Hanging handlers (a scripted dead camera) must not hold shutdown for a minute.
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        server = site._server
        assert server is not None
        self.port = int(server.sockets[0].getsockname()[1])  # type: ignore[attr-defined]
        return self.port

    async def stop(self) -> None:
        """Stop serving."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _get_state(self, _request: web.Request) -> web.Response:
        return web.json_response(self._state())

    async def _post_action(self, request: web.Request) -> web.Response:
        name = request.match_info["action"]
        action = self._actions.get(name)
        if action is None:
            return web.json_response(
                {"error": f"unknown action {name!r}", "actions": sorted(self._actions)},
                status=404,
            )
        body: dict[str, Any] = {}
        if request.can_read_body and request.content_type == "application/json":
            try:
                loaded = await request.json()
            except json.JSONDecodeError:
                return web.json_response({"error": "body is not JSON"}, status=400)
            if isinstance(loaded, dict):
                body = loaded
        try:
            result = action(body)
            if not isinstance(result, dict):
                result = await result
        except (ValueError, KeyError, TypeError) as err:
            return web.json_response({"error": str(err)}, status=400)
        return web.json_response(result)
