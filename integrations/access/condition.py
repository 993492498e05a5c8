"""Automation conditions backed by the people store.

- `access_policy`: everything at once (status, permit, qualification, consent,
  schedule, anti-passback), with every reason;
- `person`: kind, group, status, validity window, qualification;
- `schedule`, `anti_passback`: just that part of the policy;
- `consent`: a valid consent for a purpose.

Each takes `person_id`, `gate`, `direction` and `credential`, defaulting to the
trigger's fields, so blueprints rarely need to spell them out.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import voluptuous as vol

import hub.config.validation as cv
from hub.automation.conditions import Check, ConditionBuilder, ConditionResult
from hub.people.const import (
    DATA_STORE,
    CredentialType,
    Direction,
    PersonKind,
    PersonStatus,
)
from hub.privacy.const import Purpose
from hub.template import Template, TemplateError

if TYPE_CHECKING:
    from hub.core import Hub

NAMES = ("access_policy", "person", "schedule", "consent", "anti_passback")
_SUBJECT: dict[Any, Any] = {
    vol.Optional("person_id", default="{{ trigger.person_id }}"): cv.string,
    vol.Optional("gate", default="{{ trigger.gate }}"): cv.string,
    vol.Optional("direction", default="{{ trigger.direction | default('in') }}"): cv.string,
    vol.Optional("credential", default="{{ trigger.credential | default('face') }}"): cv.string,
    vol.Optional("alias"): cv.string,
}
_strings = vol.All(cv.ensure_list, [cv.string])

SCHEMAS = {
    "access_policy": vol.Schema({vol.Required("condition"): "access_policy", **_SUBJECT,
                                 vol.Optional("ignore", default=[]): _strings}),
    "person": vol.Schema({
        vol.Required("condition"): "person", **_SUBJECT,
        vol.Optional("kind"): vol.All(cv.ensure_list, [vol.In([k.value for k in PersonKind])]),
        vol.Optional("group"): _strings,
        vol.Optional("status", default=["active"]): vol.All(
            cv.ensure_list, [vol.In([s.value for s in PersonStatus])]),
        vol.Optional("valid"): cv.boolean,
        vol.Optional("qualification_approved"): cv.boolean,
    }),
    "schedule": vol.Schema({vol.Required("condition"): "schedule", **_SUBJECT}),
    "anti_passback": vol.Schema({vol.Required("condition"): "anti_passback", **_SUBJECT}),
    "consent": vol.Schema({
        vol.Required("condition"): "consent", **_SUBJECT,
        vol.Optional("purpose", default="gate_entry"): vol.In([p.value for p in Purpose]),
    }),
}
_POLICY_FILTERS: dict[str, Callable[[str], bool]] = {
    "access_policy": lambda reason: True,
    "schedule": lambda reason: reason in ("outside_schedule", "holiday"),
    "anti_passback": lambda reason: reason.startswith("anti_passback"),
}


def CONDITION_SCHEMA(config: dict[str, Any]) -> dict[str, Any]:
    """Validate whichever of this integration's conditions `config` names."""
    name = config.get("condition")
    if name not in SCHEMAS:
        raise vol.Invalid(f"unknown condition '{name}'")
    validated: dict[str, Any] = SCHEMAS[name](config)
    return validated


def _render(hub: Hub, text: str, variables: Mapping[str, Any]) -> str:
    return Template(text, hub).render(variables).strip() if Template.is_template(text) else text


def build(hub: Hub, config: dict[str, Any], builder: ConditionBuilder) -> Check:
    """The check for one of this integration's conditions."""
    name = config["condition"]

    async def check(variables: Mapping[str, Any]) -> ConditionResult:
        store = hub.data.get(DATA_STORE)
        if store is None:
            return ConditionResult(False, "people store unavailable", name)
        try:
            person_id = _render(hub, config["person_id"], variables)
            gate = _render(hub, config["gate"], variables)
            direction = Direction(_render(hub, config["direction"], variables) or "in")
            credential = CredentialType(_render(hub, config["credential"], variables) or "face")
        except (TemplateError, ValueError) as err:
            return ConditionResult(False, f"{name}: {err}", name)
        if not person_id or person_id == "None":
            return ConditionResult(False, "unknown_person", name)
        if name in _POLICY_FILTERS:
            verdict = await store.policy.async_check(person_id, gate, credential, direction)
            keep = _POLICY_FILTERS[name]
            ignored = set(config.get("ignore", ()))
            reasons = [r for r in verdict.reasons if keep(r) and r not in ignored]
            if reasons:
                return ConditionResult(False, "; ".join(reasons), name)
            return ConditionResult(True, f"{name} allows {person_id} at {gate}", name)
        if name == "consent":
            consent = await store.consents.async_active(person_id, Purpose(config["purpose"]))
            if consent is None:
                return ConditionResult(False, f"no_{config['purpose']}_consent", name)
            return ConditionResult(True, f"{config['purpose']} consent {consent.id}", name)
        return await _check_person(store, person_id, config)

    return check


async def _check_person(store: Any, person_id: str, config: dict[str, Any]) -> ConditionResult:
    person = await store.persons.async_get(person_id)
    if person is None:
        return ConditionResult(False, "unknown_person", "person")
    now = datetime.now(UTC)
    reasons = []
    if "kind" in config and person.kind.value not in config["kind"]:
        reasons.append(f"kind_{person.kind.value}_not_allowed")
    if "group" in config and not set(config["group"]) & set(person.groups):
        reasons.append("not_in_group")
    if person.status.value not in config["status"]:
        reasons.append(f"status_{person.status.value}")
    if config.get("valid") and not person.in_validity_window(now):
        reasons.append("permit_expired" if person.valid_until and now >= person.valid_until
                       else "permit_not_started")
    if config.get("qualification_approved") and (
            person.qualification is None or not person.qualification.is_valid_at(now)):
        reasons.append("qualification_not_approved")
    if reasons:
        return ConditionResult(False, "; ".join(reasons), "person")
    return ConditionResult(True, f"{person.name} is a valid {person.kind.value}", "person")
