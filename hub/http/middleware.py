"""Authentication, CSRF, security headers and error shaping for every request."""

from __future__ import annotations

import hmac
import logging
from collections.abc import Awaitable, Callable

from aiohttp import web

from hub.auth.permissions import has_permission
from hub.auth.store import AuthStore
from hub.http.view import KEY_SESSION, KEY_USER, HubView, error_response

_LOGGER = logging.getLogger(__name__)

SESSION_COOKIE = "menjin_session"
CSRF_HEADER = "X-CSRF-Token"


def csrf_matches(offered: object, expected: str) -> bool:
    """Constant-time check of a CSRF token echoed by our page."""
    return isinstance(offered, str) and hmac.compare_digest(offered, expected)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
KEY_AUTH: web.AppKey[AuthStore] = web.AppKey("auth")


def _view_class(request: web.Request) -> type[HubView] | None:
    handler = request.match_info.handler
    return handler if isinstance(handler, type) and issubclass(handler, HubView) else None


@web.middleware
async def auth_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Find the user from a bearer token or a session cookie; refuse what needs one."""
    store = request.app[KEY_AUTH]
    user = None
    view = _view_class(request)
    if view is not None and not view.requires_auth:
        # Open views (log-in, a one-key-open link whose token is its own proof)
        # act for nobody, so a session cookie neither helps nor needs a CSRF token.
        return await handler(request)
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        user = store.user_for_token(header.removeprefix("Bearer ").strip())
        if user is None:
            return error_response("invalid or expired access token", 401)
    elif (cookie := request.cookies.get(SESSION_COOKIE)) is not None:
        found = store.session_for(cookie)
        if found is not None:
            session, user = found
            request[KEY_SESSION] = session
            # Cookies ride along on cross-site requests; a changing request must
            # prove it came from our page by echoing the session's CSRF token.
            if request.method not in SAFE_METHODS and not csrf_matches(
                    request.headers.get(CSRF_HEADER), session.csrf_token):
                return error_response("missing or wrong CSRF token", 403)
    if user is not None:
        request[KEY_USER] = user
    if view is not None and view.requires_auth:
        if user is None:
            return error_response("authentication required", 401)
        if view.permission is not None and not has_permission(user.role, view.permission):
            return error_response(
                f"role '{user.role.value}' may not {view.permission.value.replace('_', ' ')}",
                403)
    return await handler(request)


@web.middleware
async def error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Give every error a JSON body; never leak a traceback to a client."""
    try:
        return await handler(request)
    except web.HTTPException as err:
        if err.content_type == "application/json" or err.status < 400:
            raise
        response = error_response(err.reason, err.status)
        if "Allow" in err.headers:  # a 405 says which methods would work (RFC 9110)
            response.headers["Allow"] = err.headers["Allow"]
        return response
    except Exception:
        _LOGGER.exception("Error handling %s %s", request.method, request.path)
        return error_response("internal error, see the hub log", 500)


@web.middleware
async def headers_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Security headers on every response."""
    response = await handler(request)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; "
        "connect-src 'self' ws: wss:; style-src 'self' 'unsafe-inline'",
    )
    return response
