"""trigger: credential: a card, QR pass or PIN was presented at a gate.

The same rules then work for people who declined face capture."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import voluptuous as vol

from hub.automation.triggers import TriggerAction, TriggerInfo, Unsubscribe
from hub.automation.triggers.event import attach_event_listener
from hub.automation.triggers.gate_events import GATE_FILTERS, build_filter, string_list
from hub.const import EVENT_CREDENTIAL_PRESENTED

if TYPE_CHECKING:
    from hub.core import Hub

TRIGGER_SCHEMA = vol.Schema(
    {vol.Optional("type"): vol.All(string_list, [vol.In(["card", "qr", "pin"])]), **GATE_FILTERS},
    extra=vol.ALLOW_EXTRA,
)
FIELDS = {"type": "type", "gate": "gate", "direction": "direction"}


async def async_attach(
    hub: Hub, config: dict[str, Any], action: TriggerAction, info: TriggerInfo
) -> Unsubscribe:
    """Attach a credential trigger."""
    return attach_event_listener(
        hub,
        [EVENT_CREDENTIAL_PRESENTED],
        build_filter(config, FIELDS),
        action,
        info,
        "credential",
        describe=lambda data: f"{data.get('type')} at {data.get('gate')}",
    )
