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
_ERRORS = {
    "400": "Invalid request (the body names the problem)",
    "401": "Not authenticated",
    "403": "Not allowed for this role (or missing CSRF token)",
    "404": "Not found",
    "409": "Conflict with existing data",
    "413": "Body too large",
    "415": "Unsupported media type",
    "422": "Refused by a rule (consent, photo quality)",
    "429": "Too many attempts",
    "503": "A part of the hub this needs is not running",
}
_ERROR_SCHEMA = {"type": "object", "properties": {"error": {"type": "string"}},
                 "required": ["error"]}


def build_spec(views: list[type[HubView]]) -> dict[str, Any]:
    """The spec: one path per view, one operation per implemented method."""
    paths: dict[str, Any] = {}
    for view in views:
        operations: dict[str, Any] = {}
        params = [{"name": name, "in": "path", "required": True,
                   "schema": view.path_schemas.get(name, {"type": "string"})}
                  for name in _PARAM.findall(view.url)]
        for method in _METHODS:
            if not hasattr(view, method):
                continue
            content: dict[str, Any] = {"application/json": {}}
            for media in view.produces.get(method, []):
                content[media] = {"schema": {"type": "string"}}
            responses: dict[str, Any] = {"200": {"description": "OK", "content": content}}
            if method == "post":
                responses["201"] = {"description": "Created", "content": content}
            for status, text in _ERRORS.items():
                responses[status] = {"description": text, "content": {
                    "application/json": {"schema": _ERROR_SCHEMA}}}
            operation: dict[str, Any] = {
                "operationId": f"{view.name}:{method}".replace(":", "_"),
                "summary": view.summaries.get(method, view.__doc__ or view.name),
                "parameters": params + view.query.get(method, []),
                "responses": responses,
            }
            if method in ("post", "put", "patch") and \
                    not (method in view.bodies and view.bodies[method] is None):
                body = _closed(view.bodies.get(method))
                operation["requestBody"] = {
                    "required": body is not None,
                    "content": {"application/json": {"schema": body or {"type": "object"}}},
                }
                if isinstance(body, dict) and "multipart" in body:
                    operation["requestBody"]["content"] = {
                        "multipart/form-data": {"schema": body["multipart"]},
                        "application/json": {"schema": body["json"]},
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


def _closed(schema: dict[str, Any] | None) -> dict[str, Any] | None:
    """Bodies are validated strictly: unknown keys are refused, so say so."""
    if schema is None:
        return None
    if "multipart" in schema:
        return {**schema, "json": _closed(schema["json"])}
    if "properties" in schema and "additionalProperties" not in schema:
        return {**schema, "additionalProperties": False}
    return schema


class OpenAPIView(HubView):
    """This API's description."""

    url = "/api/openapi.json"
    name = "api:openapi"
    summaries = {"get": "The OpenAPI description of this API"}

    async def get(self) -> web.Response:
        return json_response(build_spec(self.request.app[KEY_SERVER].views))
