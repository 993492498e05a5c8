"""The base of every notify target: a `notify.*` entity in front of one channel.

`notify.send_message` on the entity does not send: it queues through the
outbox like `notify.send`, so a message sent from the UI or an automation is
exactly as durable. The outbox worker calls `async_deliver`, which is where a
channel actually talks to the outside world.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from hub.entities.notify import NotifyEntity
from hub.notify.model import OutboxMessage

if TYPE_CHECKING:
    from integrations.notify.manager import NotifyManager


class NotifyTarget(NotifyEntity):
    """One configured channel (`notify: targets: NAME:`)."""

    platform_name: str = ""
    # True when an outbox row may name its own address (an e-mail, a topic suffix).
    accepts_address: bool = True

    def __init__(self, name: str) -> None:
        self.target_name = name
        self._attr_name = name
        self._attr_unique_id = f"notify_{name}"
        self.entity_id = f"notify.{name}"
        self.manager: NotifyManager | None = None

    @property
    def extra_state_attributes(self) -> dict[str, Any]:
        return {"platform": self.platform_name}

    async def async_send_message(
        self, message: str, title: str | None = None, data: dict[str, Any] | None = None
    ) -> None:
        """Queue a message to this target's default recipients (durable, returns at once)."""
        assert self.manager is not None
        await self.manager.async_send_to_target(self.target_name, message, title, data or {},
                                                self._context)

    async def async_deliver(self, message: OutboxMessage) -> None:
        """Deliver one stored message; raise DeliveryError (retryable or not) on failure."""
        raise NotImplementedError

    def mark_sent(self) -> None:
        """Record the last successful send as the entity's state."""
        self._last_sent = datetime.fromtimestamp(time.time(), UTC).isoformat()
        if self.hub is not None and self.entity_id is not None:
            self.async_write_state()

    async def async_close(self) -> None:
        """Release connections on shutdown."""
