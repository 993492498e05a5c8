"""`condition: and | or | not` over nested conditions."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import voluptuous as vol

from hub.automation.conditions import Check, ConditionBuilder, ConditionResult

if TYPE_CHECKING:
    from hub.core import Hub

CONDITION_SCHEMA = vol.Schema(
    {vol.Required("condition"): vol.In(["and", "or", "not"]), vol.Required("conditions"): object},
    extra=vol.ALLOW_EXTRA,
)


def schema_for(builder: ConditionBuilder) -> Any:
    """Validate the nested conditions with the same builder."""
    return vol.Schema(
        {
            vol.Required("condition"): vol.In(["and", "or", "not"]),
            vol.Required("conditions"): builder.validate_list,
            vol.Optional("alias"): str,
        }
    )


def build(hub: Hub, config: dict[str, Any], builder: ConditionBuilder) -> Check:
    """Combine nested checks with and/or/not."""
    kind = config["condition"]
    checks = [builder.build(hub, item) for item in config["conditions"]]

    async def check(variables: Mapping[str, Any]) -> ConditionResult:
        details: list[ConditionResult] = []
        for nested in checks:
            result = await nested(variables)
            details.append(result)
            if kind == "and" and not result.ok:
                return ConditionResult(False, result.reason, kind, details)
            if kind == "or" and result.ok:
                return ConditionResult(True, result.reason, kind, details)
            if kind == "not" and result.ok:
                return ConditionResult(False, f"not: {result.reason}", kind, details)
        if kind == "or":
            reasons = "; ".join(item.reason for item in details)
            return ConditionResult(False, f"none held: {reasons}", kind, details)
        if kind == "not":
            return ConditionResult(True, "none of the negated conditions held", kind, details)
        return ConditionResult(True, "all conditions passed", kind, details)

    return check
