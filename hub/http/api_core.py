"""Core API: log in and out, tokens, health, states and service calls."""

from __future__ import annotations

import time
from typing import Any

import voluptuous as vol
from aiohttp import web

from hub import __version__
from hub.auth.permissions import Permission
from hub.auth.store import AuthError
from hub.context import Context
from hub.exceptions import HubError, ServiceNotFound
from hub.http.middleware import KEY_AUTH, SESSION_COOKIE
from hub.http.server import KEY_LOGIN_LIMITER, KEY_SERVER
from hub.http.view import KEY_SESSION, HubView, error_response, http_error, json_response
from hub.services import humanize_invalid

LOGIN_SCHEMA = vol.Schema({vol.Required("username"): str, vol.Required("password"): str})
TOKEN_SCHEMA = vol.Schema({
    vol.Required("name"): vol.All(str, vol.Length(min=1, max=100)),
    vol.Optional("lifetime_days"): vol.All(vol.Coerce(float), vol.Range(min=0.01, max=3650)),
})


def validate(schema: vol.Schema, data: dict[str, Any], what: str) -> dict[str, Any]:
    """Validate a request body; a 400 names every bad field."""
    try:
        result: dict[str, Any] = schema(data)
    except vol.Invalid as err:
        raise http_error(web.HTTPBadRequest, humanize_invalid(what, err)) from err
    return result


class LoginView(HubView):
    """Password log-in for the web UI: sets a session cookie, returns the CSRF token."""

    url = "/api/auth/login"
    name = "api:auth:login"
    requires_auth = False
    summaries = {"post": "Log in with username and password (rate-limited)"}
    bodies = {"post": {"type": "object", "required": ["username", "password"], "properties": {
        "username": {"type": "string"}, "password": {"type": "string"}}}}

    async def post(self) -> web.Response:
        data = validate(LOGIN_SCHEMA, await self.json_body(), "login")
        limiter = self.request.app[KEY_LOGIN_LIMITER]
        keys = (f"ip:{self.request.remote}", f"user:{data['username'].lower()}")
        wait = limiter.retry_after(*keys)
        if wait > 0:
            response = error_response("too many failed logins, try again later", 429)
            response.headers["Retry-After"] = str(int(wait) + 1)
            return response
        store = self.request.app[KEY_AUTH]
        try:
            user = await self.hub.async_add_executor_job(
                store.authenticate, data["username"], data["password"])
        except AuthError as err:
            limiter.failed(*keys)
            return error_response(str(err), 401)
        limiter.succeeded(*keys)
        secret, session = await self.hub.async_add_executor_job(store.create_session, user.id)
        response = json_response({"user": user.public(), "csrf_token": session.csrf_token})
        server = self.request.app[KEY_SERVER]
        response.set_cookie(
            SESSION_COOKIE, secret, httponly=True, samesite="Strict", path="/",
            secure=server.options.ssl_certificate is not None,
            max_age=int(session.expires_at - time.time()),
        )
        return response


class LogoutView(HubView):
    """End the browser session."""

    url = "/api/auth/logout"
    name = "api:auth:logout"
    summaries = {"post": "Log out"}
    bodies = {"post": None}

    async def post(self) -> web.Response:
        cookie = self.request.cookies.get(SESSION_COOKIE)
        if cookie:
            await self.hub.async_add_executor_job(self.request.app[KEY_AUTH].end_session, cookie)
        response = json_response({"ok": True})
        response.del_cookie(SESSION_COOKIE, path="/")
        return response


class MeView(HubView):
    """Who am I, and my CSRF token when logged in with a cookie."""

    url = "/api/auth/me"
    name = "api:auth:me"
    summaries = {"get": "The current user"}

    async def get(self) -> web.Response:
        session = self.request.get(KEY_SESSION)
        return json_response({"user": self.user.public(),
                              "csrf_token": session.csrf_token if session else None})


class TokensView(HubView):
    """Create a long-lived access token for the current user (shown once)."""

    url = "/api/auth/tokens"
    name = "api:auth:tokens"
    summaries = {"post": "Create a long-lived access token"}
    bodies = {"post": {"type": "object", "required": ["name"], "properties": {
        "name": {"type": "string", "minLength": 1, "maxLength": 100},
        "lifetime_days": {"type": "number", "minimum": 0.01, "maximum": 3650}}}}

    async def post(self) -> web.Response:
        data = validate(TOKEN_SCHEMA, await self.json_body(), "token")
        lifetime = data["lifetime_days"] * 86400 if "lifetime_days" in data else None
        secret = await self.hub.async_add_executor_job(
            self.request.app[KEY_AUTH].create_token, self.user.id, data["name"], lifetime)
        return json_response({"token": secret}, 201)


class HealthView(HubView):
    """Is the hub running, which integrations are up."""

    url = "/api/health"
    name = "api:health"
    summaries = {"get": "Hub health: state, version, integrations"}

    async def get(self) -> web.Response:
        loaded = self.hub.data.get("loaded_config")
        wanted = set(loaded.setup_order) if loaded else set()
        return json_response({
            "status": "ok" if self.hub.is_running else self.hub.state.value.lower(),
            "version": __version__,
            "integrations": sorted(self.hub.integrations),
            "failed": sorted(wanted - set(self.hub.integrations)),
        })


class StatesView(HubView):
    """Every entity state."""

    url = "/api/states"
    name = "api:states"
    permission = Permission.READ_STATES
    summaries = {"get": "All entity states"}

    async def get(self) -> web.Response:
        return json_response([state.as_dict() for state in self.hub.states.all()])


class StateView(HubView):
    """One entity state."""

    url = "/api/states/{entity_id}"
    name = "api:state"
    permission = Permission.READ_STATES
    summaries = {"get": "One entity state"}

    async def get(self) -> web.Response:
        state = self.hub.states.get(self.request.match_info["entity_id"])
        if state is None:
            return error_response("no such entity", 404)
        return json_response(state.as_dict())


class ServiceView(HubView):
    """Call a service as the current user (the call's context names them)."""

    url = "/api/services/{domain}/{service}"
    name = "api:service"
    permission = Permission.CALL_SERVICES
    summaries = {"post": "Call a service"}

    async def post(self) -> web.Response:
        body = await self.json_body() if self.request.can_read_body else {}
        domain = self.request.match_info["domain"]
        service = self.request.match_info["service"]
        try:
            result = await self.hub.services.async_call(
                domain, service, body, Context(user_id=self.user.id))
        except ServiceNotFound as err:
            return error_response(str(err), 404)
        except HubError as err:
            return error_response(str(err), 400)
        except vol.Invalid as err:
            return error_response(f"{domain}.{service}: {err}", 400)
        return json_response({"ok": True, "result": result if _jsonable(result) else None})


def _jsonable(value: Any) -> bool:
    return value is None or isinstance(value, str | int | float | bool | list | dict)


CORE_VIEWS: tuple[type[HubView], ...] = (
    LoginView, LogoutView, MeView, TokensView, HealthView, StatesView, StateView, ServiceView,
)
