"""`trigger: credential`: a card, QR pass or PIN was presented at a gate.

Listens to the resolved events (`credential_recognized` / `credential_unknown`),
so the same rules work for people who declined face capture, and the raw
credential value never reaches an automation.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import voluptuous as vol

from hub.automation.triggers import TriggerAction, TriggerInfo, Unsubscribe
from hub.automation.triggers.event import attach_event_listener
from hub.automation.triggers.gate_events import GATE_FILTERS, build_filter, string_list
from hub.const import EVENT_CREDENTIAL_RECOGNIZED, EVENT_CREDENTIAL_UNKNOWN

if TYPE_CHECKING:
    from hub.core import Hub

TRIGGER_SCHEMA = vol.Schema(
    {
        vol.Optional("event", default="recognized"): vol.In(["recognized", "unknown"]),
        vol.Optional("type"): vol.All(string_list, [vol.In(["card", "qr", "pin"])]),
        **GATE_FILTERS,
        vol.Optional("kind"): string_list,
        vol.Optional("group"): string_list,
    },
    extra=vol.ALLOW_EXTRA,
)
FIELDS = {
    "type": "credential", "gate": "gate", "direction": "direction", "kind": "person_kind",
    "group": "person_groups",
}


async def async_attach(
    hub: Hub, config: dict[str, Any], action: TriggerAction, info: TriggerInfo
) -> Unsubscribe:
    """Attach a credential trigger."""
    event_type = (
        EVENT_CREDENTIAL_RECOGNIZED if config["event"] == "recognized"
        else EVENT_CREDENTIAL_UNKNOWN
    )
    return attach_event_listener(
        hub, [event_type], build_filter(config, FIELDS), action, info, "credential",
        describe=lambda data: f"{data.get('credential')} at {data.get('gate')}",
    )
