"""`trigger: numeric_state`: a value crosses above/below a threshold, optionally `for:` a while.

Fires on the crossing only (not on every update while it stays out of range),
as an installer expects from "temperature above 37.3".
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import voluptuous as vol

import hub.config.validation as cv
from hub.automation.triggers import TriggerAction, TriggerInfo, Unsubscribe, trigger_variables
from hub.automation.triggers.tracking import HoldTimers
from hub.callback import callback
from hub.const import EVENT_STATE_CHANGED
from hub.events import Event
from hub.states import State

if TYPE_CHECKING:
    from hub.core import Hub

TRIGGER_SCHEMA = vol.All(
    vol.Schema(
        {
            vol.Required("entity_id"): cv.entity_ids,
            vol.Optional("above"): vol.Coerce(float),
            vol.Optional("below"): vol.Coerce(float),
            vol.Optional("attribute"): cv.string,
            vol.Optional("for"): cv.positive_duration,
        },
        extra=vol.ALLOW_EXTRA,
    ),
    vol.Any(
        vol.Schema({vol.Required("above"): object}, extra=vol.ALLOW_EXTRA),
        vol.Schema({vol.Required("below"): object}, extra=vol.ALLOW_EXTRA),
        msg="numeric_state needs 'above', 'below' or both",
    ),
)


def numeric_value(state: State | None, attribute: str | None) -> float | None:
    """The state (or attribute) as a number, or None when it is not one."""
    if state is None:
        return None
    raw: Any = state.attributes.get(attribute) if attribute else state.state
    try:
        return float(raw)
    except (TypeError, ValueError):
        return None


def in_range(value: float | None, above: float | None, below: float | None) -> bool:
    """True when the value is strictly above `above` and strictly below `below`."""
    if value is None:
        return False
    return (above is None or value > above) and (below is None or value < below)


async def async_attach(
    hub: Hub, config: dict[str, Any], action: TriggerAction, info: TriggerInfo
) -> Unsubscribe:
    """Attach a numeric_state trigger."""
    entity_ids = set(config["entity_id"])
    above, below = config.get("above"), config.get("below")
    attribute = config.get("attribute")
    hold = config.get("for")
    timers = HoldTimers(hub)

    @callback
    def on_change(event: Event) -> None:
        entity_id = event.data["entity_id"]
        new: State | None = event.data["new_state"]
        old: State | None = event.data["old_state"]
        now_in = in_range(numeric_value(new, attribute), above, below)
        was_in = in_range(numeric_value(old, attribute), above, below)
        if not now_in:
            timers.cancel(entity_id)
            return
        if was_in:
            return  # still in range: not a crossing
        variables = trigger_variables(
            "numeric_state",
            info,
            f"numeric state of {entity_id}",
            entity_id=entity_id,
            above=above,
            below=below,
            from_state=old.as_dict() if old else None,
            to_state=new.as_dict() if new else None,
        )
        timers.fire_or_hold(entity_id, hold, action, variables, event.context)

    remove = hub.bus.async_listen(
        EVENT_STATE_CHANGED, on_change, event_filter=lambda data: data["entity_id"] in entity_ids
    )

    def detach() -> None:
        remove()
        timers.cancel_all()

    return detach
