"""The running notify integration: targets, the outbox worker, and queueing messages."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from hub.context import Context
from hub.notify.compose import ComposeSettings, Composition, SendRequest, async_compose
from hub.notify.const import EVENT_NOTIFICATION_FAILED
from hub.notify.model import DeliveryError, NewMessage, OutboxMessage
from hub.notify.outbox import Outbox
from hub.notify.worker import OutboxWorker
from integrations.notify.entity import NotifyTarget

if TYPE_CHECKING:
    from hub.core import Hub
    from hub.people.store import PeopleStore

_LOGGER = logging.getLogger(__name__)


class NotifyManager:
    """Queue through the outbox; deliver through the target a row names."""

    def __init__(self, hub: Hub, store: PeopleStore, settings: ComposeSettings,
                 targets: Mapping[str, NotifyTarget], public_url: str | None) -> None:
        self.hub = hub
        self.store = store
        self.settings = settings
        self.targets = dict(targets)
        self.outbox = Outbox(store.db)
        self.worker: OutboxWorker | None = None
        self._public_url = public_url

    @property
    def public_url(self) -> str:
        """The base of links in messages: `notify: public_url:`, else the web server's URL."""
        if self._public_url:
            return self._public_url.rstrip("/")
        server = self.hub.data.get("http")
        url = getattr(server, "url", None)
        return str(url).rstrip("/") if url else "http://127.0.0.1:8123"

    async def async_deliver(self, message: OutboxMessage) -> None:
        """Hand one row to its target (called by the worker)."""
        target = self.targets.get(message.target)
        if target is None:
            raise DeliveryError(f"no notify target named '{message.target}' any more "
                                "(was it removed from configuration.yaml?)", retryable=False)
        await target.async_deliver(message)
        target.mark_sent()

    async def async_send(self, request: SendRequest) -> dict[str, Any]:
        """Compose and queue; return ids, errors and skips (never waits for delivery)."""
        composition = await async_compose(self.store, self.settings, request,
                                          self.targets.keys(), self.hub)
        return await self.async_queue(composition)

    async def async_queue(self, composition: Composition) -> dict[str, Any]:
        """Commit composed rows (good ones pending, bad ones dead) and wake the worker."""
        queued = await self.outbox.async_enqueue(composition.messages)
        for message, error in composition.dead:
            await self.outbox.async_record_dead(message, error)
            self._announce_dead(message, error)
        for reason in composition.skipped:
            _LOGGER.info("Notification not sent: %s", reason)
        if self.worker is not None and queued:
            self.worker.wake()
        return {"queued": queued, "errors": composition.errors, "skipped": composition.skipped}

    def _announce_dead(self, message: NewMessage, error: str) -> None:
        _LOGGER.error("Notification %s cannot be sent: %s (kept as a dead letter, see "
                      "`menjin outbox --status dead`)", message.id, error)
        self.hub.bus.async_fire(EVENT_NOTIFICATION_FAILED, {
            "id": message.id, "target": message.target, "recipient": message.recipient,
            "recipient_person_id": message.recipient_person_id, "attempts": 0, "error": error,
        })

    async def async_send_to_target(self, name: str, message: str, title: str | None,
                                   data: dict[str, Any], context: Context | None) -> None:
        """`notify.send_message` on a target entity: same durable path as `notify.send`."""
        await self.async_send(SendRequest(
            targets=(name,), message=message, title=title, data=data,
            context_id=context.id if context else None))

    async def async_close(self) -> None:
        """Stop the worker (recording finished deliveries) and close channels."""
        if self.worker is not None:
            await self.worker.async_stop()
        for target in self.targets.values():
            try:
                await target.async_close()
            except Exception:
                _LOGGER.exception("Closing notify target %s failed", target.target_name)
