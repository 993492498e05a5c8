"""`condition: time`: after/before a time of day and on given weekdays (site time zone)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

import voluptuous as vol

import hub.config.validation as cv
from hub.automation.conditions import Check, ConditionBuilder, ConditionResult
from hub.automation.triggers.time import time_of_day

if TYPE_CHECKING:
    from hub.core import Hub

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

CONDITION_SCHEMA = vol.Schema(
    {
        vol.Required("condition"): "time",
        vol.Optional("after"): time_of_day,
        vol.Optional("before"): time_of_day,
        vol.Optional("weekday"): vol.All(cv.ensure_list, [vol.In(WEEKDAYS)]),
        vol.Optional("alias"): str,
    }
)


def build(hub: Hub, config: dict[str, Any], builder: ConditionBuilder) -> Check:
    """Check the site's local time; a window with after > before spans midnight."""
    after, before = config.get("after"), config.get("before")
    weekdays = config.get("weekday")

    async def check(variables: Mapping[str, Any]) -> ConditionResult:
        now = variables.get("now") or datetime.now(hub.config.tzinfo)
        if isinstance(now, str):
            now = datetime.fromisoformat(now)
        day = WEEKDAYS[now.weekday()]
        if weekdays and day not in weekdays:
            return ConditionResult(False, f"{day} is not one of {', '.join(weekdays)}", "time")
        clock = now.time().replace(tzinfo=None)
        if after and before and after > before:
            inside = clock >= after or clock < before
        else:
            inside = (after is None or clock >= after) and (before is None or clock < before)
        window = f"{after or '00:00'} to {before or '24:00'}"
        if not inside:
            return ConditionResult(False, f"{clock:%H:%M} is outside {window}", "time")
        return ConditionResult(True, f"{clock:%H:%M} is within {window}", "time")

    return check
