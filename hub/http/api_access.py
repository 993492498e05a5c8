"""Gates, zones, occupancy, schedules and the access log (JSON or CSV).

A guardian reading the access log sees only their own children's rows,
whatever filters they send; an installer sees gates but never who passed.
"""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING, Any

import voluptuous as vol
from aiohttp import web

from hub.auth.models import Role
from hub.auth.permissions import Permission, has_permission
from hub.http.api_common import (
    MAX_LIMIT,
    PERSON_ID_RE,
    PERSON_ID_SCHEMA,
    SLUG_RE,
    TIME_SCHEMA,
    people_store,
    q,
    query_choice,
    query_int,
    query_match,
    query_time,
    store_errors,
)
from hub.http.api_core import validate
from hub.http.serialize import (
    ACCESS_CSV_COLUMNS,
    access_csv_row,
    access_json,
    gate_json,
    presence_json,
    schedule_json,
    zone_json,
)
from hub.http.view import HubView, error_response, http_error, json_response
from hub.people.const import Decision
from hub.people.schedule import Schedule, parse_window
from hub.people.schedules import ANY_TARGET

if TYPE_CHECKING:
    from hub.people.store import PeopleStore

DATA_GATES = "access_gates"
SLUG: dict[str, Any] = {"type": "string", "pattern": "^[a-z0-9_]{1,64}$"}


class GatesView(HubView):
    """Gates with their actuator and its live state: the dashboard's tiles."""

    url = "/api/gates"
    name = "api:gates"
    permission = Permission.READ_STATES
    summaries = {"get": "Gates with their zone, actuator and its state"}

    async def get(self) -> web.Response:
        runtimes: dict[str, Any] = self.hub.data.get(DATA_GATES, {})
        store = people_store(self)
        gates = []
        for gate in await store.sites.async_gates():
            item = gate_json(gate)
            runtime = runtimes.get(gate.id)
            actuator = None
            if runtime is not None:
                actuator = runtime.turnstile or runtime.relay
            state = self.hub.states.get(actuator) if actuator else None
            item.update(configured=runtime is not None, actuator=actuator,
                        actuator_state=state.state if state else None,
                        waiting=len(runtime.pending) if runtime is not None else 0)
            gates.append(item)
        return json_response(gates)


class ZonesView(HubView):
    """Zones and how many people are inside each."""

    url = "/api/zones"
    name = "api:zones"
    permission = Permission.READ_STATES
    summaries = {"get": "Zones with anti-passback rule and head count"}

    async def get(self) -> web.Response:
        store = people_store(self)
        zones = await store.sites.async_zones()
        counts = {z.id: len(await store.sites.async_inside(z.id)) for z in zones}
        return json_response([zone_json(z, counts[z.id]) for z in zones])


class OccupancyView(HubView):
    """Who is inside which zone now (from confirmed passages)."""

    url = "/api/occupancy"
    name = "api:occupancy"
    permission = Permission.READ_PEOPLE
    summaries = {"get": "Who is inside each zone (confirmed passages)"}
    query = {"get": [q("zone", "only this zone", SLUG),
                     q("inside", "only people inside (true) or outside (false)",
                       {"enum": ["true", "false"]})]}

    async def get(self) -> web.Response:
        inside = query_choice(self.request, "inside", ("true", "false"))
        presence = await people_store(self).sites.async_occupancy(
            query_match(self.request, "zone", SLUG_RE))
        if inside is not None:
            presence = [p for p in presence if p.inside == (inside == "true")]
        return json_response([presence_json(p) for p in presence])


class AccessLogView(HubView):
    """The access log, filtered; `format=csv` downloads it."""

    url = "/api/access-log"
    name = "api:access-log"
    summaries = {"get": "Access decisions (filters: person, gate, since/until, decision; "
                        "format=csv exports). Guardians see only their children"}
    query = {"get": [q("person", "person id", PERSON_ID_SCHEMA), q("gate", "gate id", SLUG),
                     q("since", "from this time (ISO 8601)", TIME_SCHEMA),
                     q("until", "before this time (ISO 8601; empty range if not after "
                       "since)", TIME_SCHEMA),
                     q("decision", "granted or denied", {"enum": ["granted", "denied"]}),
                     q("limit", "at most this many rows (newest first)",
                       {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT}),
                     q("format", "json (default) or csv", {"enum": ["json", "csv"]})]}
    produces = {"get": ["text/csv"]}

    async def get(self) -> web.StreamResponse:
        role = self.user.role
        children: list[str] | None = None
        if role is Role.GUARDIAN:
            children = list(self.user.person_ids)
        elif not has_permission(role, Permission.READ_ACCESS_LOG):
            self.require(Permission.READ_ACCESS_LOG)
        decision = query_choice(self.request, "decision", ("granted", "denied"))
        fmt = query_choice(self.request, "format", ("json", "csv")) or "json"
        since, until = query_time(self.request, "since"), query_time(self.request, "until")
        entries = await people_store(self).access_log.async_query(
            person_id=query_match(self.request, "person", PERSON_ID_RE),
            gate_id=query_match(self.request, "gate", SLUG_RE),
            since=since, until=until, limit=query_int(self.request, "limit", 200, 1, MAX_LIMIT),
            decision=Decision(decision) if decision else None, person_ids=children)
        names = {gate.id: gate.name for gate in await people_store(self).sites.async_gates()}
        items = [{**access_json(e), "gate_name": names.get(e.record.gate_id)} for e in entries]
        if fmt == "json":
            return json_response(items)
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(ACCESS_CSV_COLUMNS)
        writer.writerows(access_csv_row(item) for item in items)
        return web.Response(
            text=buffer.getvalue(), content_type="text/csv", charset="utf-8",
            headers={"Content-Disposition": 'attachment; filename="access-log.csv"'})


_DAY = "(mon|tue|wed|thu|fri|sat|sun)"
WINDOW_SCHEMA: dict[str, Any] = {
    "type": "string", "example": "mon-fri 07:00-18:00",
    "pattern": f"^{_DAY}(-{_DAY})?(,{_DAY}(-{_DAY})?)* ([01][0-9]|2[0-3]):[0-5][0-9]-"
               "([01][0-9]|2[0-3]):[0-5][0-9]$"}


def _window(value: Any) -> str:
    if not isinstance(value, str):
        raise vol.Invalid("a window is text like 'mon-fri 07:00-18:00'")
    try:
        return str(parse_window(value))
    except ValueError as err:
        raise vol.Invalid(str(err)) from err


SCHEDULE_SCHEMA = vol.Schema({
    vol.Optional("name"): vol.All(str, vol.Length(min=1, max=100)),
    vol.Required("windows"): vol.All([_window], vol.Length(min=1, max=50)),
    vol.Optional("calendars", default=[]): vol.All([vol.All(str, vol.Length(min=1, max=64))],
                                                   vol.Length(max=10)),
})
ASSIGN_SCHEMA = vol.Schema({
    vol.Required("subject_type"): vol.In(["person", "group"]),
    vol.Required("subject"): vol.All(str, vol.Length(min=1, max=64)),
    vol.Optional("target", default=ANY_TARGET): vol.All(str, vol.Length(min=1, max=64)),
})


async def _schedule_item(store: PeopleStore, schedule: Schedule) -> dict[str, Any]:
    holidays = {calendar: sorted(await store.schedules.async_holidays([calendar]))
                for calendar in schedule.calendars}
    return schedule_json(schedule, await store.schedules.async_assignments(schedule.id),
                         holidays)


class SchedulesView(HubView):
    """Schedules and who has them."""

    url = "/api/schedules"
    name = "api:schedules"
    permission = Permission.READ_PEOPLE
    summaries = {"get": "Schedules with their windows, holiday calendars (and their closed "
                        "days) and assignments"}

    async def get(self) -> web.Response:
        store = people_store(self)
        return json_response([await _schedule_item(store, s)
                              for s in await store.schedules.async_list()])


class ScheduleView(HubView):
    """Create or replace one schedule."""

    url = "/api/schedules/{schedule_id}"
    name = "api:schedule"
    summaries = {"get": "One schedule", "put": "Create or replace a schedule (admin)"}
    path_schemas = {"schedule_id": SLUG}
    bodies = {"put": {"type": "object", "required": ["windows"], "properties": {
        "name": {"type": "string", "minLength": 1, "maxLength": 100},
        "windows": {"type": "array", "minItems": 1, "maxItems": 50,
                    "items": WINDOW_SCHEMA},
        "calendars": {"type": "array", "maxItems": 10,
                      "items": {"type": "string", "minLength": 1, "maxLength": 64}}}}}

    def _id(self) -> str:
        schedule_id = self.request.match_info["schedule_id"]
        if not SLUG_RE.match(schedule_id):
            raise http_error(web.HTTPBadRequest,
                             "a schedule id is lower-case letters, digits and '_'")
        return schedule_id

    async def get(self) -> web.Response:
        self.require(Permission.READ_PEOPLE)
        store = people_store(self)
        schedule = await store.schedules.async_get(self._id())
        if schedule is None:
            return error_response("no such schedule", 404)
        return json_response(await _schedule_item(store, schedule))

    async def put(self) -> web.Response:
        self.require(Permission.MANAGE_PEOPLE)
        schedule_id = self._id()
        data = validate(SCHEDULE_SCHEMA, await self.json_body(), "schedule")
        schedule = Schedule.parse(schedule_id, data["windows"], data["calendars"],
                                  data.get("name"))
        store = people_store(self)
        async with store_errors():
            await store.schedules.async_put(schedule)
        return json_response(await _schedule_item(store, schedule))


class ScheduleAssignView(HubView):
    """Give a person or group a schedule at a gate, a zone or everywhere."""

    url = "/api/schedules/{schedule_id}/assign"
    name = "api:schedule:assign"
    permission = Permission.MANAGE_PEOPLE
    summaries = {"post": "Assign a schedule to a person or group (admin)"}
    path_schemas = {"schedule_id": SLUG}
    bodies = {"post": {"type": "object", "required": ["subject_type", "subject"],
                       "properties": {"subject_type": {"enum": ["person", "group"]},
                                      "subject": {"type": "string", "minLength": 1,
                                                  "maxLength": 64},
                                      "target": {"type": "string", "minLength": 1,
                                                 "maxLength": 64}}}}

    async def post(self) -> web.Response:
        data = validate(ASSIGN_SCHEMA, await self.json_body(), "assignment")
        store = people_store(self)
        schedule = await store.schedules.async_get(self.request.match_info["schedule_id"])
        if schedule is None:
            return error_response("no such schedule", 404)
        async with store_errors():
            await store.schedules.async_assign(data["subject_type"], data["subject"],
                                               schedule.id, data["target"])
        return json_response(await _schedule_item(store, schedule), 201)


ACCESS_VIEWS: tuple[type[HubView], ...] = (
    GatesView, ZonesView, OccupancyView, AccessLogView, SchedulesView, ScheduleView,
    ScheduleAssignView,
)
