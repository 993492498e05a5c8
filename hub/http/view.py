"""Base class of API views: a URL, the permission it needs, JSON in and out.

Every view requires an authenticated user unless it says otherwise, so a new
route cannot be left open by forgetting a check.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, ClassVar

from aiohttp import web

from hub.auth.models import Session, User
from hub.auth.permissions import Permission, has_permission

if TYPE_CHECKING:
    from hub.core import Hub

KEY_HUB: web.AppKey[Hub] = web.AppKey("hub")
KEY_USER: web.RequestKey[User] = web.RequestKey("menjin_user", User)
KEY_SESSION: web.RequestKey[Session] = web.RequestKey("menjin_session", Session)


def json_response(data: Any, status: int = 200) -> web.Response:
    """A JSON response that keeps non-ASCII text (names in Chinese) readable."""
    return web.Response(
        text=json.dumps(data, ensure_ascii=False, default=str), status=status,
        content_type="application/json",
    )


def error_response(message: str, status: int, **extra: Any) -> web.Response:
    """A JSON error with a human message."""
    return json_response({"error": message, **extra}, status)


def http_error(cls: type[web.HTTPException], message: str) -> web.HTTPException:
    """An aiohttp HTTP error whose body is `{"error": message}`."""
    return cls(text=json.dumps({"error": message}, ensure_ascii=False),
               content_type="application/json")


class HubView(web.View):
    """A JSON endpoint. Subclasses set `url`, `name`, and `permission` (or None)."""

    url: ClassVar[str]
    name: ClassVar[str]
    requires_auth: ClassVar[bool] = True
    permission: ClassVar[Permission | None] = None
    # OpenAPI summary per method, e.g. {"get": "List people"}.
    summaries: ClassVar[dict[str, str]] = {}
    # OpenAPI extras: query parameters and JSON body schema per method, path
    # parameter schemas, and other media types a method answers with.
    query: ClassVar[dict[str, list[dict[str, Any]]]] = {}
    bodies: ClassVar[dict[str, dict[str, Any] | None]] = {}  # None: takes no body
    path_schemas: ClassVar[dict[str, dict[str, Any]]] = {}
    produces: ClassVar[dict[str, list[str]]] = {}

    @property
    def hub(self) -> Hub:
        """The hub this API belongs to."""
        return self.request.app[KEY_HUB]

    @property
    def user(self) -> User:
        """The authenticated user (the middleware guarantees one on protected views)."""
        return self.request[KEY_USER]

    async def json_body(self) -> dict[str, Any]:
        """The request body as a JSON object, or a 400 naming the problem."""
        try:
            data = await self.request.json()
        except (json.JSONDecodeError, UnicodeDecodeError) as err:
            raise http_error(web.HTTPBadRequest, f"malformed JSON: {err}") from err
        if not isinstance(data, dict):
            raise http_error(web.HTTPBadRequest, "the body must be a JSON object")
        return data

    def require(self, permission: Permission) -> None:
        """Raise 403 unless the user's role grants `permission`."""
        if not has_permission(self.user.role, permission):
            raise http_error(web.HTTPForbidden, f"role '{self.user.role.value}' may not "
                             f"{permission.value.replace('_', ' ')}")
