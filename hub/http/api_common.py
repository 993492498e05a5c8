"""Shared pieces of the data API: finding the people store, mapping errors, parsing queries."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from aiohttp import web

from hub.http.view import HubView, http_error
from hub.people.const import DATA_STORE
from hub.people.errors import (
    DuplicateCredentialError,
    DuplicatePersonError,
    InvalidCredentialError,
    PersonNotFound,
)
from hub.privacy.errors import BiometricContentError, ConsentRequiredError, ConsentRuleError
from hub.storage import IntegrityViolation

if TYPE_CHECKING:
    from hub.face import AsyncFaceEngine
    from hub.people.store import PeopleStore

DATA_FACE_ENGINE = "face_engine"
DATE_SCHEMA: dict[str, Any] = {"type": "string", "format": "date",
                               "pattern": r"^\d{4}-\d{2}-\d{2}$"}
TIME_SCHEMA: dict[str, Any] = {
    "type": "string", "format": "date-time",
    "pattern": r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})?)?$"}
PERSON_ID_SCHEMA: dict[str, Any] = {"type": "string",
                                    "pattern": "^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"}
ID_SCHEMA: dict[str, Any] = {"type": "string", "pattern": "^[A-Za-z0-9_.:-]{1,128}$"}
MAX_LIMIT = 5000
PERSON_ID_RE = re.compile(PERSON_ID_SCHEMA["pattern"])
SLUG_RE = re.compile(r"^[a-z0-9_]{1,64}$")


def people_store(view: HubView) -> PeopleStore:
    """The site's people store, or a 503 saying the `people:` section is missing."""
    store: PeopleStore | None = view.hub.data.get(DATA_STORE)
    if store is None:
        raise http_error(web.HTTPServiceUnavailable,
                         "the people store is not running: add a `people:` section to "
                         "configuration.yaml and a site key")
    return store


def face_engine(view: HubView) -> AsyncFaceEngine:
    """The face engine, or a 503 saying the `face:` section is missing."""
    engine: AsyncFaceEngine | None = view.hub.data.get(DATA_FACE_ENGINE)
    if engine is None:
        raise http_error(web.HTTPServiceUnavailable,
                         "the face engine is not running: add a `face:` section with the "
                         "model folder; people can still use cards, QR passes and PINs")
    return engine


def actor(view: HubView) -> str:
    """Who to name in the audit log."""
    return f"user:{view.user.username}"


@asynccontextmanager
async def store_errors() -> AsyncIterator[None]:
    """Turn the data layer's errors into HTTP errors whose text is the store's sentence."""
    try:
        yield
    except PersonNotFound as err:
        raise http_error(web.HTTPNotFound, str(err)) from err
    except (DuplicatePersonError, DuplicateCredentialError, IntegrityViolation) as err:
        raise http_error(web.HTTPConflict, str(err)) from err
    except (ConsentRequiredError, ConsentRuleError, InvalidCredentialError) as err:
        raise http_error(web.HTTPUnprocessableEntity, str(err)) from err
    except (ValueError, BiometricContentError) as err:
        raise http_error(web.HTTPBadRequest, str(err)) from err


def query_text(request: web.Request, name: str, max_length: int = 200) -> str | None:
    """An optional query parameter; empty or too long is a 400."""
    value = request.query.get(name)
    if value is None:
        return None
    if value == "":
        raise http_error(web.HTTPBadRequest,
                         f"query parameter '{name}' is empty: leave it out instead")
    if len(value) > max_length:
        raise http_error(web.HTTPBadRequest, f"query parameter '{name}' is too long")
    return value


def query_match(request: web.Request, name: str, pattern: re.Pattern[str]) -> str | None:
    """An optional query parameter that must match `pattern` (ids, slugs)."""
    value = query_text(request, name)
    if value is not None and not pattern.match(value):
        raise http_error(web.HTTPBadRequest, f"query parameter '{name}' is not a valid id")
    return value


def query_choice(request: web.Request, name: str, choices: tuple[str, ...]) -> str | None:
    """An optional query parameter that must be one of `choices`."""
    value = query_text(request, name)
    if value is not None and value not in choices:
        raise http_error(web.HTTPBadRequest,
                         f"query parameter '{name}' must be one of: {', '.join(choices)}")
    return value


def query_int(request: web.Request, name: str, default: int, low: int, high: int) -> int:
    """An integer query parameter within [low, high]."""
    value = query_text(request, name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise http_error(web.HTTPBadRequest, f"query parameter '{name}' must be an integer"
                         ) from None
    if not low <= number <= high:
        raise http_error(web.HTTPBadRequest,
                         f"query parameter '{name}' must be between {low} and {high}")
    return number


def parse_time(value: str, name: str) -> datetime:
    """An ISO 8601 time (a bare date means its midnight UTC); naive times are UTC."""
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise http_error(web.HTTPBadRequest,
                         f"'{name}' must be an ISO 8601 time like 2026-03-02T07:30:00+08:00"
                         ) from None
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


def query_time(request: web.Request, name: str) -> datetime | None:
    """An optional ISO 8601 query parameter."""
    value = query_text(request, name)
    return None if value is None else parse_time(value, name)


def q(name: str, description: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    """An OpenAPI query parameter."""
    return {"name": name, "in": "query", "required": False, "description": description,
            "schema": schema or {"type": "string", "minLength": 1, "maxLength": 200}}
