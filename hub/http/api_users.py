"""Users of the hub (admin only): create, edit, disable, delete, reset passwords, tokens.

No answer ever carries a password hash or a token's secret, except a token
just created, once. An admin cannot disable or delete their own account, so a
site always keeps an admin who can log in.
"""

from __future__ import annotations

import logging
import time
from functools import partial
from typing import Any

import voluptuous as vol
from aiohttp import web

from hub.auth.models import AccessToken, Role, User, hash_secret
from hub.auth.permissions import Permission
from hub.auth.store import AuthError, AuthStore
from hub.http.api_common import PERSON_ID_RE, PERSON_ID_SCHEMA
from hub.http.api_core import TOKEN_SCHEMA, validate
from hub.http.middleware import KEY_AUTH
from hub.http.preferences import DATA_PREFERENCES, PreferenceStore
from hub.http.view import HubView, error_response, http_error, json_response
from hub.people.const import DATA_STORE

_LOGGER = logging.getLogger(__name__)

_PERSON_IDS = vol.All([vol.All(str, vol.Match(PERSON_ID_RE, msg="not a valid person id"))],
                      vol.Length(max=20))
USER_SCHEMA = vol.Schema({
    vol.Required("username"): vol.All(str, vol.Length(min=2, max=64),
                                      vol.Match(r"^[A-Za-z0-9_.@-]+$")),
    vol.Required("password"): vol.All(str, vol.Length(max=256)),
    vol.Required("role"): vol.In([r.value for r in Role]),
    vol.Optional("name", default=""): vol.All(str, vol.Length(max=100)),
    vol.Optional("person_ids", default=[]): _PERSON_IDS,
})
UPDATE_SCHEMA = vol.Schema({
    vol.Optional("name"): vol.All(str, vol.Length(max=100)),
    vol.Optional("active"): bool,
    vol.Optional("person_ids"): _PERSON_IDS,
})
PASSWORD_SCHEMA = vol.Schema({vol.Required("password"): vol.All(str, vol.Length(max=256))})
USER_ID: dict[str, Any] = {"type": "string", "pattern": "^[A-Za-z0-9_-]{1,64}$"}
TOKEN_ID: dict[str, Any] = {"type": "string", "pattern": "^[A-Za-z0-9_-]{1,64}$"}
PASSWORD: dict[str, Any] = {"type": "string", "minLength": 10, "maxLength": 256}
PERSON_IDS: dict[str, Any] = {"type": "array", "maxItems": 20, "items": PERSON_ID_SCHEMA}


def _token_json(token: AccessToken) -> dict[str, Any]:
    """A token's metadata: never its hash."""
    expired = token.expires_at is not None and token.expires_at < time.time()
    return {"id": token.id, "name": token.name, "created_at": token.created_at,
            "expires_at": token.expires_at, "expired": expired}


class _UserViewBase(HubView):
    permission = Permission.MANAGE_USERS

    @property
    def auth(self) -> AuthStore:
        """The hub's users, tokens and sessions."""
        return self.request.app[KEY_AUTH]

    def target(self) -> User:
        """The user named in the URL, or a 404."""
        user = self.auth.users.get(self.request.match_info["user_id"])
        if user is None:
            raise http_error(web.HTTPNotFound, "no such user (it may have been deleted)")
        return user

    def not_myself(self, user: User, what: str) -> None:
        """Refuse to lock the acting admin out of the hub."""
        if user.id == self.user.id:
            raise http_error(web.HTTPConflict,
                             f"you cannot {what} your own account: ask another admin")

    async def check_people(self, person_ids: list[str]) -> None:
        """A guardian linked to a mistyped id would silently see nothing: refuse it."""
        store = self.hub.data.get(DATA_STORE)
        if store is None:
            return
        for person_id in person_ids:
            if await store.persons.async_get(person_id) is None:
                raise http_error(web.HTTPBadRequest, f"there is no person '{person_id}': "
                                 "pick the child from the People page")


class UsersView(_UserViewBase):
    """Users of the hub (admin): list and create, e.g. a guardian linked to a child."""

    url = "/api/users"
    name = "api:users"
    summaries = {"get": "Users (admin)", "post": "Create a user (admin; no default passwords)"}
    bodies = {"post": {"type": "object", "required": ["username", "password", "role"],
                       "properties": {
                           "username": {"type": "string", "minLength": 2, "maxLength": 64,
                                        "pattern": "^[A-Za-z0-9_.@-]+$"},
                           "password": PASSWORD,
                           "role": {"enum": [r.value for r in Role]},
                           "name": {"type": "string", "maxLength": 100},
                           "person_ids": PERSON_IDS}}}

    async def get(self) -> web.Response:
        return json_response(sorted((u.public() for u in self.auth.users.values()),
                                    key=lambda u: str(u["username"]).lower()))

    async def post(self) -> web.Response:
        data = validate(USER_SCHEMA, await self.json_body(), "user")
        await self.check_people(data["person_ids"])
        try:
            user = await self.hub.async_add_executor_job(
                self.auth.add_user, data["username"], data["password"], Role(data["role"]),
                data["name"], data["person_ids"])
        except AuthError as err:
            status = 409 if "already exists" in str(err) else 400
            return error_response(str(err), status)
        _LOGGER.info("%s created %s user %s", self.user.username, user.role.value,
                     user.username)
        return json_response(user.public(), 201)


class UserView(_UserViewBase):
    """One user: rename, disable or enable, change a guardian's children, delete."""

    url = "/api/users/{user_id}"
    name = "api:user"
    summaries = {"patch": "Change a user's name, children or whether they may log in (admin)",
                 "delete": "Delete a user with their tokens and sessions (admin)"}
    path_schemas = {"user_id": USER_ID}
    bodies = {"patch": {"type": "object", "properties": {
        "name": {"type": "string", "maxLength": 100}, "active": {"type": "boolean"},
        "person_ids": PERSON_IDS}}}

    async def patch(self) -> web.Response:
        user = self.target()
        data = validate(UPDATE_SCHEMA, await self.json_body(), "user")
        if data.get("active") is False:
            self.not_myself(user, "disable")
        if "person_ids" in data:
            await self.check_people(data["person_ids"])
        user = await self.hub.async_add_executor_job(partial(
            self.auth.update_user, user.id, name=data.get("name"),
            person_ids=data.get("person_ids"), active=data.get("active")))
        _LOGGER.info("%s changed user %s: %s", self.user.username, user.username,
                     ", ".join(sorted(data)))
        return json_response(user.public())

    async def delete(self) -> web.Response:
        user = self.target()
        self.not_myself(user, "delete")
        await self.hub.async_add_executor_job(self.auth.delete_user, user.id)
        preferences: PreferenceStore | None = self.hub.data.get(DATA_PREFERENCES)
        if preferences is not None:
            await self.hub.async_add_executor_job(preferences.remove, user.id)
        _LOGGER.info("%s deleted user %s", self.user.username, user.username)
        return json_response({"ok": True})


class UserPasswordView(_UserViewBase):
    """Set a new password for someone who forgot theirs; their sessions end."""

    url = "/api/users/{user_id}/password"
    name = "api:user:password"
    summaries = {"post": "Reset a user's password; logs them out everywhere (admin)"}
    path_schemas = {"user_id": USER_ID}
    bodies = {"post": {"type": "object", "required": ["password"],
                       "properties": {"password": PASSWORD}}}

    async def post(self) -> web.Response:
        user = self.target()
        data = validate(PASSWORD_SCHEMA, await self.json_body(), "password")
        try:
            await self.hub.async_add_executor_job(self.auth.set_password, user.id,
                                                  data["password"])
        except AuthError as err:
            return error_response(str(err), 400)
        _LOGGER.info("%s reset the password of %s", self.user.username, user.username)
        return json_response({"ok": True})


class UserTokensView(_UserViewBase):
    """A user's long-lived access tokens: list them, or create one (its secret shown once)."""

    url = "/api/users/{user_id}/tokens"
    name = "api:user:tokens"
    summaries = {"get": "A user's access tokens, without their secrets (admin)",
                 "post": "Create an access token for a user; the secret is answered once "
                         "(admin)"}
    path_schemas = {"user_id": USER_ID}
    bodies = {"post": {"type": "object", "required": ["name"], "properties": {
        "name": {"type": "string", "minLength": 1, "maxLength": 100},
        "lifetime_days": {"type": "number", "minimum": 0.01, "maximum": 3650}}}}

    async def get(self) -> web.Response:
        user = self.target()
        tokens = sorted((t for t in self.auth.tokens.values() if t.user_id == user.id),
                        key=lambda t: t.created_at)
        return json_response([_token_json(t) for t in tokens])

    async def post(self) -> web.Response:
        user = self.target()
        data = validate(TOKEN_SCHEMA, await self.json_body(), "token")
        lifetime = data["lifetime_days"] * 86400 if "lifetime_days" in data else None
        secret = await self.hub.async_add_executor_job(
            self.auth.create_token, user.id, data["name"], lifetime)
        token = self.auth.tokens[hash_secret(secret)]
        _LOGGER.info("%s created token '%s' for %s", self.user.username, token.name,
                     user.username)
        return json_response({**_token_json(token), "token": secret}, 201)


class UserTokenView(_UserViewBase):
    """Revoke one of a user's tokens."""

    url = "/api/users/{user_id}/tokens/{token_id}"
    name = "api:user:token"
    summaries = {"delete": "Revoke a user's access token (admin)"}
    path_schemas = {"user_id": USER_ID, "token_id": TOKEN_ID}

    async def delete(self) -> web.Response:
        user = self.target()
        token_id = self.request.match_info["token_id"]
        if not any(t.id == token_id and t.user_id == user.id for t in self.auth.tokens.values()):
            return error_response("this user has no such token", 404)
        await self.hub.async_add_executor_job(self.auth.revoke_token, token_id)
        _LOGGER.info("%s revoked a token of %s", self.user.username, user.username)
        return json_response({"ok": True})


USER_VIEWS: tuple[type[HubView], ...] = (
    UsersView, UserView, UserPasswordView, UserTokensView, UserTokenView,
)
