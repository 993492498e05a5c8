"""Turnstiles and speed gates: open one way, lock, or release for a fire."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

import voluptuous as vol

from hub.const import ATTR_DIRECTION, ATTR_MODE
from hub.entities.component import EntityService
from hub.entities.entity import Entity

DOMAIN = "turnstile"


class Direction(StrEnum):
    """Which way a person passes: into the zone or out of it."""

    IN = "in"
    OUT = "out"


class TurnstileMode(StrEnum):
    """Operating mode; `free` is fire release and must never be fought by the hub."""

    NORMAL = "normal"
    LOCKED = "locked"
    FREE = "free"


SERVICES = (
    EntityService(
        "open",
        "async_open",
        {vol.Optional(ATTR_DIRECTION, default=Direction.IN.value): vol.All(
            vol.Lower, vol.Coerce(Direction))},
    ),
    EntityService("lock", "async_lock", {}),
    EntityService("unlock", "async_unlock", {}),
    EntityService(
        "set_mode", "async_set_mode",
        {vol.Required(ATTR_MODE): vol.All(vol.Lower, vol.Coerce(TurnstileMode))},
    ),
)


class TurnstileEntity(Entity):
    """A gate that lets one person through in one direction per open command.

    State is the mode (`normal`, `locked`, `free`). Passages are counted by
    the device and reported as `passage_in` / `passage_out` attributes.
    """

    domain = DOMAIN
    _attr_mode: TurnstileMode = TurnstileMode.NORMAL
    _attr_passages_in: int | None = None
    _attr_passages_out: int | None = None

    @property
    def mode(self) -> TurnstileMode:
        """The current operating mode."""
        return self._attr_mode

    @property
    def state(self) -> str:
        return self.mode.value

    @property
    def state_attributes(self) -> dict[str, Any]:
        return {"passages_in": self._attr_passages_in, "passages_out": self._attr_passages_out}

    async def async_open(self, direction: Direction) -> None:
        """Let one person pass in `direction`."""
        raise NotImplementedError

    async def async_lock(self) -> None:
        """Refuse all passages until unlocked."""
        await self.async_set_mode(TurnstileMode.LOCKED)

    async def async_unlock(self) -> None:
        """Return to normal operation."""
        await self.async_set_mode(TurnstileMode.NORMAL)

    async def async_set_mode(self, mode: TurnstileMode) -> None:
        """Switch the operating mode."""
        raise NotImplementedError
