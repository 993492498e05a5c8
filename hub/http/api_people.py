"""People and their guardians: operators read, administrators write."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import voluptuous as vol
from aiohttp import web

from hub.auth.permissions import Permission
from hub.http.api_common import (
    DATE_SCHEMA,
    PERSON_ID_SCHEMA,
    TIME_SCHEMA,
    actor,
    parse_time,
    people_store,
    q,
    query_choice,
    query_text,
    store_errors,
)
from hub.http.api_core import validate
from hub.http.serialize import guardian_json, person_json
from hub.http.view import HubView, json_response
from hub.people.const import PersonKind, PersonStatus
from hub.people.model import Person, check_person_id
from hub.people.persons import new_person_id
from hub.privacy.rights import async_export_person

KINDS = tuple(k.value for k in PersonKind)
STATUSES = tuple(s.value for s in PersonStatus)
_TEXT = vol.All(str, vol.Length(min=1, max=200))


def _date(value: Any) -> date:
    if not isinstance(value, str):
        raise vol.Invalid("expected a date like 2015-09-01")
    try:
        return date.fromisoformat(value)
    except ValueError as err:
        raise vol.Invalid("expected a date like 2015-09-01") from err


def _time(value: Any) -> datetime:
    if not isinstance(value, str):
        raise vol.Invalid("expected an ISO 8601 time")
    try:
        return parse_time(value, "time")
    except web.HTTPBadRequest as err:
        raise vol.Invalid("expected an ISO 8601 time like 2026-03-02T07:30:00+08:00") from err


def _person_id(value: Any) -> str:
    if not isinstance(value, str):
        raise vol.Invalid("expected a text id")
    try:
        return check_person_id(value)
    except ValueError as err:
        raise vol.Invalid(str(err)) from err


_GROUPS = vol.All([vol.All(str, vol.Length(min=1, max=64))], vol.Length(max=50))
_FIELDS: dict[Any, Any] = {
    vol.Optional("kind"): vol.In(KINDS),
    vol.Optional("groups"): _GROUPS,
    vol.Optional("birth_date"): vol.Any(None, _date),
    vol.Optional("valid_from"): vol.Any(None, _time),
    vol.Optional("valid_until"): vol.Any(None, _time),
    vol.Optional("attributes"): vol.Schema({vol.All(str, vol.Length(max=64)): vol.Any(
        None, str, int, float, bool)}),
}
CREATE_SCHEMA = vol.Schema({vol.Optional("id"): _person_id, vol.Required("name"): _TEXT,
                            **_FIELDS})
UPDATE_SCHEMA = vol.Schema({vol.Optional("name"): _TEXT, **_FIELDS})
STATUS_SCHEMA = vol.Schema({vol.Required("status"): vol.In(STATUSES)})
GUARDIAN_SCHEMA = vol.Schema({
    vol.Required("name"): _TEXT,
    vol.Required("relation"): vol.All(str, vol.Length(min=1, max=50)),
    vol.Optional("targets", default=[]): vol.All([vol.All(str, vol.Length(min=1, max=200))],
                                                 vol.Length(max=10)),
    vol.Optional("guardian_person_id"): vol.Any(None, _person_id),
})

_DATE = {"anyOf": [DATE_SCHEMA, {"type": "null"}]}
_TIME = {"anyOf": [TIME_SCHEMA, {"type": "null"}]}
_PERSON_PROPS: dict[str, Any] = {
    "name": {"type": "string", "minLength": 1, "maxLength": 200},
    "kind": {"enum": list(KINDS)},
    "groups": {"type": "array", "items": {"type": "string", "minLength": 1, "maxLength": 64},
               "maxItems": 50},
    "birth_date": _DATE, "valid_from": _TIME, "valid_until": _TIME,
    "attributes": {"type": "object", "additionalProperties": {
        "type": ["string", "integer", "number", "boolean", "null"]}},
}


def _validity(data: dict[str, Any]) -> None:
    start, end = data.get("valid_from"), data.get("valid_until")
    if start is not None and end is not None and end <= start:
        raise vol.Invalid("valid_until must be after valid_from")


class PeopleView(HubView):
    """All persons, filtered; and enrolling a new person record."""

    url = "/api/people"
    name = "api:people"
    summaries = {"get": "List people (filter by kind, status, group)",
                 "post": "Create a person (admin)"}
    query = {"get": [q("kind", "student, staff, resident, visitor or contractor",
                       {"enum": list(KINDS)}),
                     q("status", "active, suspended or left", {"enum": list(STATUSES)}),
                     q("group", "only members of this group"),
                     q("search", "part of the name or id")]}
    bodies = {"post": {"type": "object", "required": ["name"], "properties": {
        "id": PERSON_ID_SCHEMA, **_PERSON_PROPS}}}

    async def get(self) -> web.Response:
        self.require(Permission.READ_PEOPLE)
        kind = query_choice(self.request, "kind", KINDS)
        status = query_choice(self.request, "status", STATUSES)
        search = (query_text(self.request, "search") or "").lower()
        people = await people_store(self).persons.async_list(
            PersonKind(kind) if kind else None, PersonStatus(status) if status else None,
            query_text(self.request, "group"))
        if search:
            people = [p for p in people if search in p.name.lower() or search in p.id.lower()]
        return json_response([person_json(p) for p in people])

    async def post(self) -> web.Response:
        self.require(Permission.MANAGE_PEOPLE)
        data = validate(CREATE_SCHEMA, await self.json_body(), "person")
        try:
            _validity(data)
        except vol.Invalid as err:
            return json_response({"error": str(err)}, 400)
        person = Person(
            id=data.get("id") or new_person_id(), name=data["name"],
            kind=PersonKind(data.get("kind", PersonKind.student.value)),
            groups=frozenset(data.get("groups", ())), birth_date=data.get("birth_date"),
            valid_from=data.get("valid_from"), valid_until=data.get("valid_until"),
            attributes=data.get("attributes", {}))
        async with store_errors():
            added = await people_store(self).persons.async_add(person)
        return json_response(person_json(added), 201)


class PersonView(HubView):
    """One person."""

    url = "/api/people/{person_id}"
    name = "api:person"
    summaries = {"get": "One person", "patch": "Change a person's details (admin)"}
    path_schemas = {"person_id": PERSON_ID_SCHEMA}
    bodies = {"patch": {"type": "object", "properties": _PERSON_PROPS}}

    async def get(self) -> web.Response:
        self.require(Permission.READ_PEOPLE)
        async with store_errors():
            person = await people_store(self).persons.async_require(
                self.request.match_info["person_id"])
        return json_response(person_json(person))

    async def patch(self) -> web.Response:
        self.require(Permission.MANAGE_PEOPLE)
        data = validate(UPDATE_SCHEMA, await self.json_body(), "person")
        changes: dict[str, Any] = {k: v for k, v in data.items() if k != "kind"}
        if "kind" in data:
            changes["kind"] = PersonKind(data["kind"])
        if "groups" in data:
            changes["groups"] = frozenset(data["groups"])
        store = people_store(self)
        async with store_errors():
            current = await store.persons.async_require(self.request.match_info["person_id"])
            try:
                _validity({"valid_from": changes.get("valid_from", current.valid_from),
                           "valid_until": changes.get("valid_until", current.valid_until)})
            except vol.Invalid as err:
                return json_response({"error": str(err)}, 400)
            person = await store.persons.async_update(current.id, **changes)
        return json_response(person_json(person))


class PersonStatusView(HubView):
    """Suspend, reactivate or mark a person as left."""

    url = "/api/people/{person_id}/status"
    name = "api:person:status"
    permission = Permission.MANAGE_PEOPLE
    summaries = {"post": "Suspend, reactivate or mark a person as left (admin)"}
    path_schemas = {"person_id": PERSON_ID_SCHEMA}
    bodies = {"post": {"type": "object", "required": ["status"],
                       "properties": {"status": {"enum": list(STATUSES)}}}}

    async def post(self) -> web.Response:
        data = validate(STATUS_SCHEMA, await self.json_body(), "status")
        store = people_store(self)
        person_id = self.request.match_info["person_id"]
        async with store_errors():
            await store.persons.async_set_status(person_id, PersonStatus(data["status"]))
            person = await store.persons.async_require(person_id)
        return json_response(person_json(person))


class GuardiansView(HubView):
    """A person's guardians (who consents for a child and who is notified)."""

    url = "/api/people/{person_id}/guardians"
    name = "api:person:guardians"
    summaries = {"get": "A person's guardians", "post": "Link a guardian to a person (admin)"}
    path_schemas = {"person_id": PERSON_ID_SCHEMA}
    bodies = {"post": {"type": "object", "required": ["name", "relation"], "properties": {
        "name": {"type": "string", "minLength": 1, "maxLength": 200},
        "relation": {"type": "string", "minLength": 1, "maxLength": 50},
        "targets": {"type": "array", "items": {"type": "string", "minLength": 1,
                                               "maxLength": 200}, "maxItems": 10},
        "guardian_person_id": {"anyOf": [PERSON_ID_SCHEMA, {"type": "null"}]}}}}

    async def get(self) -> web.Response:
        self.require(Permission.READ_PEOPLE)
        store = people_store(self)
        person_id = self.request.match_info["person_id"]
        async with store_errors():
            await store.persons.async_require(person_id)
            guardians = await store.persons.async_guardians(person_id)
        return json_response([guardian_json(g) for g in guardians])

    async def post(self) -> web.Response:
        self.require(Permission.MANAGE_PEOPLE)
        data = validate(GUARDIAN_SCHEMA, await self.json_body(), "guardian")
        async with store_errors():
            guardian = await people_store(self).persons.async_add_guardian(
                self.request.match_info["person_id"], data["name"], data["relation"],
                data["targets"], data.get("guardian_person_id"))
        return json_response(guardian_json(guardian), 201)


class PersonExportView(HubView):
    """Everything held about one person (PIPL art. 45); templates only on request."""

    url = "/api/people/{person_id}/export"
    name = "api:person:export"
    permission = Permission.MANAGE_PEOPLE
    summaries = {"get": "Export everything held about a person (admin; audited)"}
    path_schemas = {"person_id": PERSON_ID_SCHEMA}
    query = {"get": [q("biometrics", "include the face templates (audited as a biometric "
                       "read)", {"enum": ["true", "false"]})]}

    async def get(self) -> web.Response:
        biometrics = query_choice(self.request, "biometrics", ("true", "false")) == "true"
        if biometrics:
            self.require(Permission.READ_BIOMETRICS)
        async with store_errors():
            data = await async_export_person(people_store(self),
                                             self.request.match_info["person_id"],
                                             actor(self), include_biometrics=biometrics)
        return json_response(data)


PEOPLE_VIEWS: tuple[type[HubView], ...] = (
    PeopleView, PersonView, PersonStatusView, GuardiansView, PersonExportView,
)
