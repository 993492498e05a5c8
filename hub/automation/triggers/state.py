"""`trigger: state`: an entity's state changes (from/to, optionally held `for:` a while)."""

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

_ANY = object()

TRIGGER_SCHEMA = vol.Schema(
    {
        vol.Required("entity_id"): cv.entity_ids,
        vol.Optional("from"): vol.All(cv.ensure_list, [cv.string]),
        vol.Optional("to"): vol.All(cv.ensure_list, [cv.string]),
        vol.Optional("attribute"): cv.string,
        vol.Optional("for"): cv.positive_duration,
    },
    extra=vol.ALLOW_EXTRA,
)


def _value(state: State | None, attribute: str | None) -> Any:
    if state is None:
        return None
    return state.attributes.get(attribute) if attribute else state.state


async def async_attach(
    hub: Hub, config: dict[str, Any], action: TriggerAction, info: TriggerInfo
) -> Unsubscribe:
    """Attach a state trigger."""
    entity_ids = set(config["entity_id"])
    from_states = config.get("from")
    to_states = config.get("to")
    attribute = config.get("attribute")
    hold = config.get("for")
    timers = HoldTimers(hub)

    @callback
    def on_change(event: Event) -> None:
        entity_id = event.data["entity_id"]
        old: State | None = event.data["old_state"]
        new: State | None = event.data["new_state"]
        old_value, new_value = _value(old, attribute), _value(new, attribute)
        matches = (
            old_value != new_value
            and (from_states is None or str(old_value) in from_states)
            and (to_states is None or str(new_value) in to_states)
        )
        if not matches:
            if hold is not None and (to_states is None or str(new_value) not in to_states):
                timers.cancel(entity_id)
            return
        variables = trigger_variables(
            "state",
            info,
            f"state of {entity_id}",
            entity_id=entity_id,
            from_state=old.as_dict() if old else None,
            to_state=new.as_dict() if new else None,
            **({"for": hold.total_seconds()} if hold else {}),
        )
        timers.fire_or_hold(entity_id, hold, action, variables, event.context)

    remove = hub.bus.async_listen(
        EVENT_STATE_CHANGED,
        on_change,
        event_filter=lambda data: data["entity_id"] in entity_ids,
    )

    def detach() -> None:
        remove()
        timers.cancel_all()

    return detach
