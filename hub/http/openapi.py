"""An OpenAPI 3.1 description generated from the registered views."""

from __future__ import annotations

import re
from typing import Any

from aiohttp import web

from hub import __version__
from hub.http.server import KEY_SERVER
from hub.http.view import HubView, json_response

_PARAM = re.compile(r"{(\w+)}")
_METHODS = ("get", "post", "put", "patch", "delete")


def build_spec(views: list[type[HubView]]) -> dict[str, Any]:
    """The spec: one path per view, one operation per implemented method."""
    paths: dict[str, Any] = {}
    for view in views:
        operations: dict[str, Any] = {}
        params = [{"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
                  for name in _PARAM.findall(view.url)]
        for method in _METHODS:
            if not hasattr(view, method):
                continue
            operation: dict[str, Any] = {
                "operationId": f"{view.name}:{method}".replace(":", "_"),
                "summary": view.summaries.get(method, view.__doc__ or view.name),
                "parameters": params,
                "responses": {
                    "200": {"description": "OK", "content": {"application/json": {}}},
                    "400": {"description": "Invalid request"},
                    "401": {"description": "Not authenticated"},
                    "403": {"description": "Not allowed for this role"},
                },
            }
            if method in ("post", "put", "patch"):
                operation["requestBody"] = {
                    "required": False,
                    "content": {"application/json": {"schema": {"type": "object"}}},
                }
            if not view.requires_auth:
                operation["security"] = []
            operations[method] = operation
        paths[view.url] = operations
    return {
        "openapi": "3.1.0",
        "info": {"title": "menjin API", "version": __version__},
        "components": {"securitySchemes": {
            "bearer": {"type": "http", "scheme": "bearer"},
        }},
        "security": [{"bearer": []}],
        "paths": paths,
    }


class OpenAPIView(HubView):
    """This API's description."""

    url = "/api/openapi.json"
    name = "api:openapi"
    summaries = {"get": "The OpenAPI description of this API"}

    async def get(self) -> web.Response:
        return json_response(build_spec(self.request.app[KEY_SERVER].views))
