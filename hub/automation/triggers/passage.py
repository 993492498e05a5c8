"""trigger: passage: a turnstile confirmed that someone actually went through."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import voluptuous as vol

from hub.automation.triggers import TriggerAction, TriggerInfo, Unsubscribe
from hub.automation.triggers.event import attach_event_listener
from hub.automation.triggers.gate_events import GATE_FILTERS, build_filter, string_list
from hub.const import EVENT_GATE_PASSAGE

if TYPE_CHECKING:
    from hub.core import Hub

TRIGGER_SCHEMA = vol.Schema(
    {**GATE_FILTERS, vol.Optional("kind"): string_list, vol.Optional("group"): string_list},
    extra=vol.ALLOW_EXTRA,
)
FIELDS = {"gate": "gate", "direction": "direction", "kind": "person_kind", "group": "person_groups"}


async def async_attach(
    hub: Hub, config: dict[str, Any], action: TriggerAction, info: TriggerInfo
) -> Unsubscribe:
    """Attach a passage trigger."""
    return attach_event_listener(
        hub,
        [EVENT_GATE_PASSAGE],
        build_filter(config, FIELDS),
        action,
        info,
        "passage",
        describe=lambda data: f"{data.get('person_name') or 'someone'} passed {data.get('gate')}",
    )
