"""`trigger: event`: an event of a type, optionally with matching data."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import voluptuous as vol

import hub.config.validation as cv
from hub.automation.triggers import TriggerAction, TriggerInfo, Unsubscribe, trigger_variables
from hub.automation.triggers.tracking import run_action
from hub.callback import callback
from hub.events import Event

if TYPE_CHECKING:
    from hub.core import Hub

TRIGGER_SCHEMA = vol.Schema(
    {
        vol.Required("event_type"): vol.All(cv.ensure_list, [cv.string]),
        vol.Optional("event_data", default={}): dict,
    },
    extra=vol.ALLOW_EXTRA,
)


def data_matches(expected: dict[str, Any], data: Any) -> bool:
    """True when every expected key is in the data with an equal value (lists: any of)."""
    for key, wanted in expected.items():
        value = data.get(key)
        if isinstance(wanted, list):
            if value not in wanted and not (isinstance(value, list) and set(value) & set(wanted)):
                return False
        elif isinstance(value, list):
            if wanted not in value:
                return False
        elif value != wanted:
            return False
    return True


def attach_event_listener(
    hub: Hub,
    event_types: list[str],
    event_filter: Callable[[Mapping[str, Any]], bool] | None,
    action: TriggerAction,
    info: TriggerInfo,
    platform: str,
    describe: Callable[[Mapping[str, Any]], str] | None = None,
) -> Unsubscribe:
    """Run the action for every matching event; its data becomes trigger variables.

    The gate triggers (face, credential, passage, id_card) are this with a
    filter built from their config.
    """

    @callback
    def on_event(event: Event) -> None:
        description = describe(event.data) if describe else f"event '{event.event_type}'"
        variables = trigger_variables(
            platform, info, description, event=event.as_dict(), **dict(event.data)
        )
        hub.async_create_task(run_action(action, variables, event.context), info.name)

    removers = [
        hub.bus.async_listen(event_type, on_event, event_filter=event_filter)
        for event_type in event_types
    ]

    def remove_all() -> None:
        for remove in removers:
            remove()

    return remove_all


async def async_attach(
    hub: Hub, config: dict[str, Any], action: TriggerAction, info: TriggerInfo
) -> Unsubscribe:
    """Attach an event trigger."""
    expected = config["event_data"]
    return attach_event_listener(
        hub,
        config["event_type"],
        (lambda data: data_matches(expected, data)) if expected else None,
        action,
        info,
        "event",
    )
