"""Relays: door strikes, barrier arms and anything else opened by closing a contact."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import voluptuous as vol

import hub.config.validation as cv
from hub.const import ATTR_DURATION, STATE_OFF, STATE_ON
from hub.entities.component import EntityService
from hub.entities.entity import Entity

DOMAIN = "relay"
MAX_PULSE = timedelta(seconds=60)

SERVICES = (
    EntityService(
        "pulse",
        "async_pulse",
        {vol.Optional(ATTR_DURATION, default=timedelta(seconds=1)): vol.All(
            cv.positive_duration, vol.Range(max=MAX_PULSE, msg="pulse must be at most 60 s"))},
    ),
    EntityService("turn_on", "async_turn_on", {}),
    EntityService("turn_off", "async_turn_off", {}),
)


class RelayEntity(Entity):
    """One relay channel. Pulse is on-wait-off unless the device pulses by itself."""

    domain = DOMAIN
    _attr_is_on: bool | None = None

    @property
    def is_on(self) -> bool | None:
        """Whether the contact is closed; None if unknown."""
        return self._attr_is_on

    @property
    def state(self) -> str | None:
        return None if self.is_on is None else (STATE_ON if self.is_on else STATE_OFF)

    async def async_turn_on(self) -> None:
        """Close the contact."""
        raise NotImplementedError

    async def async_turn_off(self) -> None:
        """Open the contact."""
        raise NotImplementedError

    async def async_pulse(self, duration: timedelta) -> None:
        """Close the contact for `duration`, then open it even if cancelled."""
        await self.async_turn_on()
        try:
            await asyncio.sleep(duration.total_seconds())
        finally:
            await self.async_turn_off()
