"""trigger: face: a face was recognised (or not) at a gate.

Filters on gate, direction, the person's kind and groups. The face integration
puts those person fields into the event, so this trigger needs no lookup."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import voluptuous as vol

from hub.automation.triggers import TriggerAction, TriggerInfo, Unsubscribe
from hub.automation.triggers.event import attach_event_listener
from hub.automation.triggers.gate_events import GATE_FILTERS, build_filter, string_list
from hub.const import EVENT_FACE_RECOGNIZED, EVENT_FACE_UNKNOWN

if TYPE_CHECKING:
    from hub.core import Hub

TRIGGER_SCHEMA = vol.Schema(
    {
        vol.Optional("event", default="recognized"): vol.In(["recognized", "unknown"]),
        **GATE_FILTERS,
        vol.Optional("kind"): string_list,
        vol.Optional("group"): string_list,
        vol.Optional("person"): string_list,
    },
    extra=vol.ALLOW_EXTRA,
)
FIELDS = {
    "gate": "gate",
    "direction": "direction",
    "kind": "person_kind",
    "group": "person_groups",
    "person": "person_id",
}


def _event_type(config: dict[str, Any]) -> str:
    return EVENT_FACE_RECOGNIZED if config["event"] == "recognized" else EVENT_FACE_UNKNOWN


async def async_attach(
    hub: Hub, config: dict[str, Any], action: TriggerAction, info: TriggerInfo
) -> Unsubscribe:
    """Attach a face trigger."""
    return attach_event_listener(
        hub,
        [_event_type(config)],
        build_filter(config, FIELDS),
        action,
        info,
        "face",
        describe=lambda data: f"{data.get('person_name') or 'unknown face'} at {data.get('gate')}",
    )
