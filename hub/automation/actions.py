"""Validation of action sequences (the `actions:` of an automation).

Each action is recognised by its key, as in Home Assistant: `action:` (a
service call; `service:` is accepted too), `delay`, `wait_for_trigger`,
`choose`, `if`, `variables`, `parallel`, `sequence`, `stop`, `event`,
`condition` (stop quietly unless it holds).
"""

from __future__ import annotations

from typing import Any

import voluptuous as vol

import hub.config.validation as cv
from hub.automation.conditions import ConditionBuilder
from hub.template import Template

ACTION_KEYS = (
    "action", "delay", "wait_for_trigger", "choose", "if", "variables", "parallel",
    "sequence", "stop", "event", "condition",
)

_COMMON = {
    vol.Optional("alias"): cv.string,
    vol.Optional("enabled", default=True): cv.boolean,
    vol.Optional("continue_on_error", default=False): cv.boolean,
}

_SERVICE_NAME = vol.All(cv.string, vol.Match(
    r"^[a-z0-9_]+\.[a-z0-9_]+$", msg="service must look like 'domain.service'"
))


def duration_or_template(value: Any) -> Any:
    """A duration, or a template that renders to one at run time."""
    if isinstance(value, str) and Template.is_template(value):
        return value
    return cv.positive_duration(value)


def action_kind(config: Any) -> str:
    """Which kind of action a config is, or vol.Invalid listing the kinds."""
    if not isinstance(config, dict):
        raise vol.Invalid("an action must be a mapping such as 'action: turnstile.open'")
    if "service" in config and "action" not in config:
        return "action"
    for key in ACTION_KEYS:
        if key in config:
            return key
    raise vol.Invalid(f"unknown action; an action needs one of: {', '.join(ACTION_KEYS)}")


class ActionValidator:
    """Validates action sequences, with nested conditions and triggers."""

    def __init__(self, conditions: ConditionBuilder, validate_triggers: Any) -> None:
        self.conditions = conditions
        self.validate_triggers = validate_triggers

    def sequence(self, value: Any) -> list[dict[str, Any]]:
        """A list of actions (a single action is accepted too)."""
        items = value if isinstance(value, list) else [value]
        errors: list[vol.Invalid] = []
        result: list[dict[str, Any]] = []
        for index, item in enumerate(items):
            try:
                result.append(self.action(item))
            except vol.MultipleInvalid as err:
                errors.extend(vol.Invalid(e.msg, path=[index, *e.path]) for e in err.errors)
            except vol.Invalid as err:
                errors.append(vol.Invalid(err.msg, path=[index, *err.path]))
        if errors:
            raise vol.MultipleInvalid(errors)
        return result

    def action(self, config: Any) -> dict[str, Any]:
        """One action, validated by the schema of its kind."""
        kind = action_kind(config)
        config = dict(config)
        if kind == "action" and "service" in config:
            config["action"] = config.pop("service")
        validated: dict[str, Any] = self._schema(kind)(config)
        validated["_kind"] = kind
        return validated

    def _schema(self, kind: str) -> vol.Schema:
        sequence = self.sequence
        conditions = self.conditions.validate_list
        schemas: dict[str, dict[Any, Any]] = {
            "action": {
                vol.Required("action"): _SERVICE_NAME,
                vol.Optional("target", default={}): {
                    vol.Optional("entity_id"): vol.Any(cv.string, [cv.string]),
                },
                vol.Optional("data", default={}): vol.Any(dict, cv.string),
            },
            "delay": {vol.Required("delay"): duration_or_template},
            "wait_for_trigger": {
                vol.Required("wait_for_trigger"): self.validate_triggers,
                vol.Optional("timeout"): duration_or_template,
                vol.Optional("continue_on_timeout", default=True): cv.boolean,
            },
            "choose": {
                vol.Required("choose"): vol.All(cv.ensure_list, [{
                    vol.Optional("alias"): cv.string,
                    vol.Required("conditions"): conditions,
                    vol.Required("sequence"): sequence,
                }]),
                vol.Optional("default"): sequence,
            },
            "if": {
                vol.Required("if"): conditions,
                vol.Required("then"): sequence,
                vol.Optional("else"): sequence,
            },
            "variables": {vol.Required("variables"): dict},
            "parallel": {vol.Required("parallel"): vol.All(cv.ensure_list, [
                vol.Any(vol.Schema({vol.Required("sequence"): sequence},
                                   extra=vol.ALLOW_EXTRA), self.action),
            ])},
            "sequence": {vol.Required("sequence"): sequence},
            "stop": {vol.Required("stop"): cv.string, vol.Optional("error", default=False):
                     cv.boolean},
            "event": {vol.Required("event"): cv.string,
                      vol.Optional("event_data", default={}): dict},
            "condition": {vol.Required("condition"): object},
        }
        if kind == "condition":
            return vol.Schema(self._inline_condition)
        return vol.Schema({**schemas[kind], **_COMMON})

    def _inline_condition(self, config: dict[str, Any]) -> dict[str, Any]:
        extra = {key: config.pop(key) for key in list(config) if key in _COMMON_KEYS}
        validated = self.conditions.validate(config)
        return {"condition_config": validated, **vol.Schema(_COMMON)(extra)}


_COMMON_KEYS = ("alias", "enabled", "continue_on_error")
