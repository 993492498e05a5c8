"""The site as the UI needs it: site facts, devices, automations and traces, and a
guardian's own page (children, preferences). Users and the outbox: `api_users`, `api_outbox`."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from hub.auth.permissions import Permission
from hub.devices.const import DATA_DEVICE_MANAGER, STATUS_PENDING
from hub.exceptions import HubError
from hub.http.api_common import people_store, q, query_int, query_text
from hub.http.api_core import validate
from hub.http.api_outbox import OUTBOX_VIEWS
from hub.http.api_users import USER_VIEWS
from hub.http.preferences import DATA_PREFERENCES as DATA_PREFERENCES  # the integration's key
from hub.http.preferences import JSON_SCHEMA as PREFS_JSON_SCHEMA
from hub.http.preferences import SCHEMA as PREFS_SCHEMA
from hub.http.preferences import PreferenceStore
from hub.http.view import HubView, error_response, http_error, json_response
from hub.people.config import DEFAULT_CAPTURE_NOTICE
from hub.people.const import DATA_STORE
from hub.privacy.const import Purpose

DATA_AUTOMATIONS = "automations"


class SiteView(HubView):
    """Facts every page needs: the site's name, time zone, capture notice."""

    url = "/api/site"
    name = "api:site"
    summaries = {"get": "Site name, time zone and the face-capture notice"}

    async def get(self) -> web.Response:
        store = self.hub.data.get(DATA_STORE)
        notice = store.config.capture_notice if store is not None else DEFAULT_CAPTURE_NOTICE
        return json_response({
            "name": self.hub.config.name, "time_zone": self.hub.config.time_zone,
            "capture_notice": notice, "face_engine": "face_engine" in self.hub.data,
            "people": store is not None, "purposes": [p.value for p in Purpose],
        })


class DevicesView(HubView):
    """Discovered and adopted devices; pending ones wait for an installer."""

    url = "/api/devices"
    name = "api:devices"
    permission = Permission.MANAGE_DEVICES
    summaries = {"get": "Devices: pending discoveries first, then adopted and ignored"}

    async def get(self) -> web.Response:
        manager = self.hub.data.get(DATA_DEVICE_MANAGER)
        entries = list(manager.entries.values()) if manager is not None else []
        entries.sort(key=lambda e: (e.status != STATUS_PENDING, e.name.lower(), e.id))
        return json_response([{**e.summary(), "first_seen": e.first_seen,
                               "last_seen": e.last_seen} for e in entries])


class DeviceActionView(HubView):
    """Confirm or ignore a pending device."""

    url = "/api/devices/{device_id}/{action}"
    name = "api:device:action"
    permission = Permission.MANAGE_DEVICES
    summaries = {"post": "Confirm or ignore a pending discovery (installer)"}
    path_schemas = {"device_id": {"type": "string", "minLength": 1, "maxLength": 200},
                    "action": {"enum": ["confirm", "ignore"]}}

    async def post(self) -> web.Response:
        action = self.request.match_info["action"]
        if action not in ("confirm", "ignore"):
            return error_response("action must be 'confirm' or 'ignore'", 404)
        manager = self.hub.data.get(DATA_DEVICE_MANAGER)
        if manager is None:
            return error_response("no discovery is running on this hub", 404)
        device_id = self.request.match_info["device_id"]
        if device_id not in manager.entries:
            return error_response(f"no discovered device '{device_id}'", 404)
        try:
            if action == "confirm":
                entry = await manager.async_confirm(device_id)
            else:
                entry = await manager.async_ignore(device_id)
        except HubError as err:
            return error_response(str(err), 409)
        return json_response(entry.summary())


def _automations(view: HubView) -> dict[str, Any]:
    found: dict[str, Any] = view.hub.data.get(DATA_AUTOMATIONS, {})
    return found


class AutomationsView(HubView):
    """Automations, on or off, and when they last ran."""

    url = "/api/automations"
    name = "api:automations"
    permission = Permission.READ_AUTOMATIONS
    summaries = {"get": "Automations with state, mode and last run"}

    async def get(self) -> web.Response:
        items = []
        for entity_id, automation in sorted(_automations(self).items()):
            blueprint = automation.config.get("blueprint")
            items.append({
                "id": automation.automation_id, "entity_id": entity_id,
                "alias": automation.config.get("alias") or automation.automation_id,
                "enabled": automation.enabled, "mode": automation.mode,
                "last_triggered": automation.last_triggered,
                "blueprint": blueprint["path"] if blueprint else None,
                "traces": len(automation.traces.traces),
            })
        return json_response(items)


class TracesView(HubView):
    """Recent runs of every automation, newest first."""

    url = "/api/traces"
    name = "api:traces"
    permission = Permission.READ_AUTOMATIONS
    summaries = {"get": "Recent automation traces, newest first"}
    query = {"get": [q("automation", "only this automation id"),
                     q("limit", "at most this many", {"type": "integer", "minimum": 1,
                                                      "maximum": 500})]}

    async def get(self) -> web.Response:
        wanted = query_text(self.request, "automation")
        limit = query_int(self.request, "limit", 50, 1, 500)
        traces: list[dict[str, Any]] = []
        for automation in _automations(self).values():
            if wanted and automation.automation_id != wanted:
                continue
            traces.extend(automation.traces.snapshot())
        traces.sort(key=lambda t: t["started"], reverse=True)
        return json_response(traces[:limit])


class MyChildrenView(HubView):
    """A guardian's children: name, group and where they are now."""

    url = "/api/me/children"
    name = "api:me:children"
    summaries = {"get": "The current guardian's children and where they are now"}

    async def get(self) -> web.Response:
        store = people_store(self)
        children = []
        for person_id in self.user.person_ids:
            person = await store.persons.async_get(person_id)
            if person is None:
                continue
            presence = [p for p in await store.sites.async_occupancy() if p.person_id == person_id]
            children.append({
                "id": person.id, "name": person.name, "kind": person.kind.value,
                "groups": sorted(person.groups), "status": person.status.value,
                "presence": [{"zone": p.zone_id, "inside": p.inside, "gate": p.gate_id,
                              "since": p.since.isoformat()} for p in presence],
            })
        return json_response(children)


def preference_store(view: HubView) -> PreferenceStore:
    """The preferences store the http integration opened."""
    store: PreferenceStore | None = view.hub.data.get(DATA_PREFERENCES)
    if store is None:
        raise http_error(web.HTTPServiceUnavailable, "preferences are not available")
    return store


class PreferencesView(HubView):
    """The current user's UI language and notification preferences."""

    url = "/api/me/preferences"
    name = "api:me:preferences"
    summaries = {"get": "My preferences (language, which passages to be told about)",
                 "put": "Change my preferences"}
    bodies = {"put": PREFS_JSON_SCHEMA}

    async def get(self) -> web.Response:
        return json_response(preference_store(self).get(self.user.id))

    async def put(self) -> web.Response:
        data = validate(PREFS_SCHEMA, await self.json_body(), "preferences")
        result = await self.hub.async_add_executor_job(
            preference_store(self).update, self.user.id, data)
        return json_response(result)


# The http integration registers these; users and the outbox have their own modules.
SITE_VIEWS: tuple[type[HubView], ...] = (
    *OUTBOX_VIEWS, SiteView, DevicesView, DeviceActionView, AutomationsView, TracesView,
    *USER_VIEWS, MyChildrenView, PreferencesView,
)
