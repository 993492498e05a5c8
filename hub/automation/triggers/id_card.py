"""trigger: id_card: an ID card was read at a gate (with its chip photo)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import voluptuous as vol

from hub.automation.triggers import TriggerAction, TriggerInfo, Unsubscribe
from hub.automation.triggers.event import attach_event_listener
from hub.automation.triggers.gate_events import GATE_FILTERS, build_filter
from hub.const import EVENT_ID_CARD_READ

if TYPE_CHECKING:
    from hub.core import Hub

TRIGGER_SCHEMA = vol.Schema({**GATE_FILTERS}, extra=vol.ALLOW_EXTRA)
FIELDS = {"gate": "gate", "direction": "direction"}


async def async_attach(
    hub: Hub, config: dict[str, Any], action: TriggerAction, info: TriggerInfo
) -> Unsubscribe:
    """Attach a id_card trigger."""
    return attach_event_listener(
        hub,
        [EVENT_ID_CARD_READ],
        build_filter(config, FIELDS),
        action,
        info,
        "id_card",
        describe=lambda data: f"ID card at {data.get('gate')}",
    )
