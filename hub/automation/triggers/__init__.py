"""Trigger platforms: each module turns a trigger config into a subscription.

A platform exposes `TRIGGER_SCHEMA` and
`async_attach(hub, config, action, info) -> Unsubscribe`; `action` is called
with the trigger variables (`{"trigger": {...}}`) and the causing context.
Integrations add platforms by naming them in their manifest (`"triggers":
["mqtt"]`) and providing `trigger.py` (see `hub.automation.platforms`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

import voluptuous as vol

from hub.context import Context

if TYPE_CHECKING:
    from hub.core import Hub

TriggerAction = Callable[[dict[str, Any], Context | None], Awaitable[None] | None]
Unsubscribe = Callable[[], None]
DATA_TRIGGER_PLATFORMS = "trigger_platforms"

BUILTIN_PLATFORMS = (
    "event",
    "state",
    "numeric_state",
    "time",
    "time_pattern",
    "template",
    "face",
    "credential",
    "passage",
    "id_card",
)


@dataclass(frozen=True, slots=True)
class TriggerInfo:
    """What a trigger knows about the automation it belongs to."""

    name: str
    index: int
    trigger_id: str


class TriggerPlatform(Protocol):
    """The contract of a trigger platform module."""

    TRIGGER_SCHEMA: vol.Schema

    async def async_attach(
        self, hub: Hub, config: dict[str, Any], action: TriggerAction, info: TriggerInfo
    ) -> Unsubscribe: ...


def trigger_variables(
    platform: str, info: TriggerInfo, description: str, **data: Any
) -> dict[str, Any]:
    """The `trigger` variable every platform hands to the automation."""
    return {
        "trigger": {
            "platform": platform,
            "id": info.trigger_id,
            "idx": str(info.index),
            "description": description,
            **data,
        }
    }
