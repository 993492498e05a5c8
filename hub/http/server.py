"""The hub's web server: one aiohttp application for the API, WebSocket and UI."""

from __future__ import annotations

import logging
import ssl
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from aiohttp import web

from hub.auth.ratelimit import LoginRateLimiter
from hub.auth.store import AuthStore
from hub.http.middleware import KEY_AUTH, auth_middleware, error_middleware, headers_middleware
from hub.http.view import KEY_HUB, HubView

if TYPE_CHECKING:
    from hub.core import Hub

_LOGGER = logging.getLogger(__name__)

MAX_BODY_BYTES = 8 * 1024 * 1024  # an enrolment photo fits; a video does not
KEY_LOGIN_LIMITER: web.AppKey[LoginRateLimiter] = web.AppKey("login_limiter")
KEY_SERVER: web.AppKey[HubHTTP] = web.AppKey("server")


@dataclass(frozen=True, slots=True)
class HTTPOptions:
    """Where and how the server listens."""

    host: str = "127.0.0.1"
    port: int = 8123
    ssl_certificate: Path | None = None
    ssl_key: Path | None = None


class HubHTTP:
    """Owns the aiohttp app; integrations add views with `register_view`."""

    def __init__(self, hub: Hub, auth: AuthStore, options: HTTPOptions) -> None:
        self.hub = hub
        self.auth = auth
        self.options = options
        self.app = web.Application(
            middlewares=[headers_middleware, error_middleware, auth_middleware],
            client_max_size=MAX_BODY_BYTES,
        )
        self.app[KEY_HUB] = hub
        self.app[KEY_AUTH] = auth
        self.app[KEY_LOGIN_LIMITER] = LoginRateLimiter()
        self.app[KEY_SERVER] = self
        self.views: list[type[HubView]] = []
        self._runner: web.AppRunner | None = None
        self.port: int | None = None

    def register_view(self, view: type[HubView]) -> None:
        """Serve a view at its URL (before the server starts)."""
        self.app.router.add_view(view.url, view, name=view.name)
        self.views.append(view)

    def add_static(self, prefix: str, folder: Path) -> None:
        """Serve a folder of static files (aiohttp refuses paths leaving it)."""
        self.app.router.add_static(prefix, folder, follow_symlinks=False)

    @property
    def url(self) -> str:
        """The base URL clients use."""
        scheme = "https" if self.options.ssl_certificate else "http"
        return f"{scheme}://{self.options.host}:{self.port or self.options.port}"

    def _ssl_context(self) -> ssl.SSLContext | None:
        if self.options.ssl_certificate is None:
            return None
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        context.load_cert_chain(self.options.ssl_certificate, self.options.ssl_key)
        return context

    async def async_start(self) -> None:
        """Listen; port 0 picks a free port (tests)."""
        self._runner = web.AppRunner(self.app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.options.host, self.options.port,
                           ssl_context=self._ssl_context())
        await site.start()
        addresses = self._runner.addresses
        self.port = int(addresses[0][1]) if addresses else self.options.port
        _LOGGER.info("Web UI and API at %s", self.url)

    async def async_stop(self) -> None:
        """Close connections and stop listening."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
