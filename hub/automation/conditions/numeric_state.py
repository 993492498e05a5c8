"""`condition: numeric_state`: a value is above and/or below thresholds."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import voluptuous as vol

import hub.config.validation as cv
from hub.automation.conditions import Check, ConditionBuilder, ConditionResult
from hub.automation.triggers.numeric_state import in_range, numeric_value
from hub.template import Template, TemplateError

if TYPE_CHECKING:
    from hub.core import Hub

_number_or_template = vol.Any(vol.Coerce(float), cv.string)

CONDITION_SCHEMA = vol.All(
    vol.Schema(
        {
            vol.Required("condition"): "numeric_state",
            vol.Optional("entity_id"): cv.entity_ids,
            vol.Optional("value_template"): cv.string,
            vol.Optional("above"): _number_or_template,
            vol.Optional("below"): _number_or_template,
            vol.Optional("attribute"): cv.string,
            vol.Optional("alias"): str,
        }
    ),
    vol.Any(
        vol.Schema({vol.Required("above"): object}, extra=vol.ALLOW_EXTRA),
        vol.Schema({vol.Required("below"): object}, extra=vol.ALLOW_EXTRA),
        msg="numeric_state needs 'above', 'below' or both",
    ),
    vol.Any(
        vol.Schema({vol.Required("entity_id"): object}, extra=vol.ALLOW_EXTRA),
        vol.Schema({vol.Required("value_template"): object}, extra=vol.ALLOW_EXTRA),
        msg="numeric_state needs 'entity_id' or 'value_template'",
    ),
)


def _bound(hub: Hub, value: Any, variables: Mapping[str, Any]) -> float | None:
    if value is None or isinstance(value, float):
        return value
    return float(Template(str(value), hub).render(variables))


def build(hub: Hub, config: dict[str, Any], builder: ConditionBuilder) -> Check:
    """Check each entity's value (or the template's) against the bounds."""

    async def check(variables: Mapping[str, Any]) -> ConditionResult:
        try:
            above = _bound(hub, config.get("above"), variables)
            below = _bound(hub, config.get("below"), variables)
        except (TemplateError, ValueError) as err:
            return ConditionResult(False, f"threshold is not a number: {err}", "numeric_state")
        values: list[tuple[str, float | None]] = []
        if "value_template" in config:
            try:
                rendered = Template(config["value_template"], hub).render(variables)
                values.append(("value", float(rendered)))
            except (TemplateError, ValueError):
                values.append(("value", None))
        for entity_id in config.get("entity_id", []):
            values.append((entity_id, numeric_value(hub.states.get(entity_id),
                                                    config.get("attribute"))))
        for name, value in values:
            if value is None:
                return ConditionResult(False, f"{name} has no numeric value", "numeric_state")
            if not in_range(value, above, below):
                limit = (f"above {above:g}" if above is not None and value <= above
                         else f"below {below:g}" if below is not None else "in range")
                return ConditionResult(False, f"{name} {value:g} is not {limit}", "numeric_state")
        shown = ", ".join(f"{name} {value:g}" for name, value in values if value is not None)
        return ConditionResult(True, f"{shown} in range", "numeric_state")

    return check
