"""`condition: state`: an entity is (one of) the given states, optionally for a while."""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import voluptuous as vol

import hub.config.validation as cv
from hub.automation.conditions import Check, ConditionBuilder, ConditionResult

if TYPE_CHECKING:
    from hub.core import Hub

CONDITION_SCHEMA = vol.Schema(
    {
        vol.Required("condition"): "state",
        vol.Required("entity_id"): cv.entity_ids,
        vol.Required("state"): vol.All(cv.ensure_list, [cv.string]),
        vol.Optional("attribute"): cv.string,
        vol.Optional("for"): cv.positive_duration,
        vol.Optional("alias"): str,
    }
)


def build(hub: Hub, config: dict[str, Any], builder: ConditionBuilder) -> Check:
    """Check that every listed entity is in one of the wanted states."""
    wanted = set(config["state"])
    attribute = config.get("attribute")
    hold = config.get("for")

    async def check(variables: Mapping[str, Any]) -> ConditionResult:
        for entity_id in config["entity_id"]:
            state = hub.states.get(entity_id)
            if state is None:
                return ConditionResult(False, f"{entity_id} has no state", "state")
            value = state.attributes.get(attribute) if attribute else state.state
            if str(value) not in wanted:
                return ConditionResult(
                    False, f"{entity_id} is {value}, not {' or '.join(sorted(wanted))}", "state"
                )
            if hold is not None and time.time() - state.last_changed < hold.total_seconds():
                return ConditionResult(False, f"{entity_id} is {value} for too short", "state")
        return ConditionResult(True, f"{', '.join(config['entity_id'])} is {value}", "state")

    return check
