"""Notification targets: where messages to guardians, residents and staff go."""

from __future__ import annotations

from typing import Any

import voluptuous as vol

import hub.config.validation as cv
from hub.entities.component import EntityService
from hub.entities.entity import Entity

DOMAIN = "notify"

SERVICES = (
    EntityService(
        "send_message",
        "async_send_message",
        {
            vol.Required("message"): cv.string,
            vol.Optional("title"): cv.string,
            vol.Optional("data"): dict,
        },
    ),
)


class NotifyEntity(Entity):
    """A channel that can deliver a text message; state is the last send time."""

    domain = DOMAIN
    _last_sent: str | None = None

    @property
    def state(self) -> str | None:
        return self._last_sent

    async def async_send_message(
        self, message: str, title: str | None = None, data: dict[str, Any] | None = None
    ) -> None:
        """Deliver one message; raise on failure so the outbox can retry."""
        raise NotImplementedError
