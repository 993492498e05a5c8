"""`access.grant` and `access.deny`: write the decision durably, then move the gate.

The order is the point: the access log row is committed before any actuator
is commanded, so a crash can never leave a door opened without a record.
"""

from __future__ import annotations

import logging
from typing import Any

import voluptuous as vol

import hub.config.validation as cv
from hub.const import EVENT_ACCESS_DECISION, STATE_UNAVAILABLE
from hub.context import Context
from hub.core import Hub
from hub.exceptions import HubError
from hub.people.access_log import AccessRecord
from hub.people.const import DATA_STORE, CredentialType, Decision, Direction
from hub.people.fields import async_person_fields as people_fields
from hub.services import ServiceCall
from integrations.access.const import EVENT_ACTUATOR_FAILED
from integrations.access.gates import GateRuntime

_LOGGER = logging.getLogger(__name__)


def _reasons(value: Any) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        # Templates render lists as text; accept "a; b" as well as a single reason.
        text = value.strip()
        if text.startswith("[") and text.endswith("]"):
            text = text[1:-1]
            return [part.strip().strip("'\"") for part in text.split(",") if part.strip()]
        return [part.strip() for part in text.split(";") if part.strip()]
    return [str(item) for item in value]


def _optional_float(value: Any) -> float | None:
    if value is None or value in ("", "None", "none", "unknown", "unavailable"):
        return None
    return float(value)


DECISION_SCHEMA = vol.Schema({
    vol.Required("gate"): cv.slug,
    vol.Optional("direction", default="in"): vol.In(["in", "out"]),
    vol.Optional("person_id"): vol.Any(None, cv.string),
    vol.Optional("credential", default="face"): vol.In([t.value for t in CredentialType]),
    vol.Optional("credential_id"): vol.Any(None, cv.string),
    vol.Optional("score"): vol.Any(None, _optional_float),
    vol.Optional("temperature"): vol.Any(None, _optional_float),
    vol.Optional("mask"): vol.Any(None, cv.string),
    vol.Optional("liveness"): vol.Any(None, _optional_float),
    vol.Optional("rule", default="manual"): cv.string,
    vol.Optional("reasons", default=[]): _reasons,
    vol.Optional("open", default=True): cv.boolean,
})


async def async_person_fields(hub: Hub, person_id: str | None) -> dict[str, Any]:
    """Name, kind and groups for events and notifications."""
    return await people_fields(hub.data.get(DATA_STORE), person_id)


async def async_decide(
    hub: Hub, gates: dict[str, GateRuntime], data: dict[str, Any], granted: bool,
    context: Context,
) -> dict[str, Any]:
    """Log the decision (committed), announce it, and on a grant open the gate."""
    gate = gates.get(data["gate"])
    if gate is None:
        raise HubError(f"unknown gate '{data['gate']}' (gates: {', '.join(sorted(gates))})")
    store = hub.data[DATA_STORE]
    fire = hub.data.get("access_fire_release")
    if fire is not None and fire.active:
        # The gate is already released for the fire: record, never command it.
        data = {**data, "open": False, "reasons": [*data["reasons"], "fire_release_active"]}
    actuator = gate.turnstile or gate.relay
    if granted and data["open"] and actuator:
        state = hub.states.get(actuator)
        if state is None or state.state == STATE_UNAVAILABLE:
            # Nobody is let in on a gate we cannot command: say so in the log.
            granted = False
            data = {**data, "reasons": [*data["reasons"], f"{actuator} is unavailable"]}
    record = AccessRecord(
        decision=Decision.granted if granted else Decision.denied,
        gate_id=gate.gate_id, direction=Direction(data["direction"]),
        person_id=data.get("person_id") or None,
        credential_type=CredentialType(data["credential"]),
        credential_id=data.get("credential_id"),
        score=data.get("score"), temperature=data.get("temperature"), mask=data.get("mask"),
        liveness=data.get("liveness"), rule=data["rule"], reasons=tuple(data["reasons"]),
        details={"user_id": context.user_id} if context.user_id else {},
    )
    access_id = await store.access_log.async_record(record)
    # The decision is committed: move the gate first, describe it after, so the
    # person waits for one fsync and one Modbus write, not for name look-ups.
    try:
        if granted and data["open"]:
            gate.add_grant(access_id, data["direction"],
                           {"person_id": record.person_id})
            await _async_open(hub, gate, data["direction"], context, access_id)
    finally:
        person = await async_person_fields(hub, record.person_id)
        if granted and data["open"] and gate.pending and \
                gate.pending[-1].access_id == access_id:
            gate.pending[-1].person = person
        decision = {
            "access_id": access_id, "granted": granted, "gate": gate.gate_id,
            "gate_name": gate.name, "direction": data["direction"],
            "credential": data["credential"], "rule": data["rule"],
            "reasons": data["reasons"], "score": data.get("score"),
            "temperature": data.get("temperature"), "mask": data.get("mask"),
            "liveness": data.get("liveness"), **person,
        }
        hub.bus.async_fire(EVENT_ACCESS_DECISION, decision, context=context)
    return decision


async def _async_open(hub: Hub, gate: GateRuntime, direction: str, context: Context,
                      access_id: int) -> None:
    try:
        if gate.turnstile:
            await hub.services.async_call("turnstile", "open", {
                "entity_id": gate.turnstile, "direction": direction}, context.child())
        elif gate.relay:
            await hub.services.async_call("relay", "pulse", {
                "entity_id": gate.relay, "duration": gate.pulse.total_seconds()},
                context.child())
    except HubError as err:
        hub.bus.async_fire(EVENT_ACTUATOR_FAILED, {
            "gate": gate.gate_id, "access_id": access_id, "error": str(err)}, context=context)
        raise HubError(f"access {access_id} was granted and logged, but the gate did not "
                       f"open: {err}") from err


def register_services(hub: Hub, gates: dict[str, GateRuntime]) -> None:
    """Register `access.grant` and `access.deny`."""

    async def grant(call: ServiceCall) -> dict[str, Any]:
        return await async_decide(hub, gates, dict(call.data), True, call.context)

    async def deny(call: ServiceCall) -> dict[str, Any]:
        return await async_decide(hub, gates, dict(call.data), False, call.context)

    hub.services.async_register("access", "grant", grant, DECISION_SCHEMA)
    hub.services.async_register("access", "deny", deny, DECISION_SCHEMA)

