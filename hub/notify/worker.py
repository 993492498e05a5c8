"""Drain the outbox: deliver due messages concurrently, settle the outcomes in batches.

One worker per hub. Messages being delivered are tracked in memory, not in the
database: after a crash they are simply still pending and go out again, which
is what at-least-once means (the receiver drops the repeat by its key). A
failure is retried with backoff until the budget is spent, then dead-lettered:
logged, announced as `notification_failed`, listed by `menjin outbox`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from hub.notify.backoff import RetryPolicy
from hub.notify.const import EVENT_NOTIFICATION_FAILED, EVENT_NOTIFICATION_SENT
from hub.notify.model import DeliveryError, OutboxMessage
from hub.notify.outbox import Outbox
from hub.notify.redact import describe_address

if TYPE_CHECKING:
    from hub.core import Hub

_LOGGER = logging.getLogger(__name__)

Deliver = Callable[[OutboxMessage], Awaitable[None]]

DEFAULT_CONCURRENCY = 64
# How often the outbox is looked at even without a wake-up (messages queued by
# the CLI from another process, retries whose time has come).
POLL_SECONDS = 2.0
# How long stopping waits for the loop to notice; the flag ends it even if a
# cancellation is lost.
STOP_SECONDS = 5.0
# Errors are stored and announced shortened: a server's whole HTML error page helps nobody.
MAX_ERROR_LENGTH = 300


@dataclass(slots=True)
class _Outcomes:
    sent: list[tuple[str, int]] = field(default_factory=list)
    retry: list[tuple[str, int, float, str]] = field(default_factory=list)
    dead: list[tuple[OutboxMessage, int, str]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.sent or self.retry or self.dead)


class OutboxWorker:
    """The loop that turns pending rows into delivered messages."""

    def __init__(self, hub: Hub, outbox: Outbox, deliver: Deliver,
                 policy: RetryPolicy | None = None,
                 concurrency: int = DEFAULT_CONCURRENCY) -> None:
        self._hub = hub
        self._outbox = outbox
        self._deliver = deliver
        self.policy = policy or RetryPolicy()
        self._concurrency = concurrency
        self._wake = asyncio.Event()
        self._in_flight: dict[str, asyncio.Task[None]] = {}
        self._outcomes = _Outcomes()
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        self.delivered = 0

    def start(self) -> None:
        """Run in the background until the hub stops."""
        self._task = self._hub.async_create_background_task(self._async_run(), "notify outbox")

    def wake(self) -> None:
        """Look at the outbox now (something was queued)."""
        self._wake.set()

    @property
    def in_flight(self) -> int:
        """Messages being delivered right now."""
        return len(self._in_flight)

    async def _async_run(self) -> None:
        try:
            while not self._stopping:
                await self._async_step()
        finally:
            for task in self._in_flight.values():
                task.cancel()

    async def _async_step(self) -> None:
        self._wake.clear()
        await self._async_flush()
        free = self._concurrency - len(self._in_flight)
        started = 0
        if free > 0:
            try:
                due = await self._outbox.async_due(time.time(), free + len(self._in_flight))
            except Exception:
                _LOGGER.exception("Cannot read the notification outbox; retrying")
                await asyncio.sleep(POLL_SECONDS)
                return
            for message in due:
                if message.id in self._in_flight or started >= free:
                    continue
                self._in_flight[message.id] = self._hub.loop.create_task(
                    self._async_deliver(message), name=f"notify {message.id}")
                started += 1
        if started or self._wake.is_set():
            return
        await self._async_sleep()

    async def _async_sleep(self) -> None:
        timeout = POLL_SECONDS
        if not self._in_flight:
            try:
                next_due = await self._outbox.async_next_due()
            except Exception:
                next_due = None
            if next_due is not None:
                timeout = min(timeout, max(0.0, next_due - time.time()))
        # asyncio.timeout, not wait_for: on Python 3.11 wait_for swallows a
        # cancellation that lands as the wake-up fires, and the hub hung on stop.
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(timeout):
                await self._wake.wait()

    async def _async_deliver(self, message: OutboxMessage) -> None:
        attempts = message.attempts + 1
        try:
            await self._deliver(message)
        except asyncio.CancelledError:
            raise
        except DeliveryError as err:
            self._failed(message, attempts, str(err), err.retryable)
        except Exception as err:  # a bug in a channel must not lose the message
            _LOGGER.exception("Channel %s failed on message %s", message.target, message.id)
            self._failed(message, attempts, f"{type(err).__name__}: {err}", True)
        else:
            self._outcomes.sent.append((message.id, attempts))
        self._wake.set()

    def _failed(self, message: OutboxMessage, attempts: int, error: str,
                retryable: bool) -> None:
        error = error[:MAX_ERROR_LENGTH]
        if retryable and not self.policy.exhausted(attempts):
            delay = self.policy.delay(attempts)
            _LOGGER.info("Notification %s to %s failed (attempt %d): %s; retrying in %.0f s",
                         message.id, message.target, attempts, error, delay)
            self._outcomes.retry.append((message.id, attempts, time.time() + delay, error))
        else:
            self._outcomes.dead.append((message, attempts, error))

    async def _async_flush(self) -> None:
        if not self._outcomes:
            return
        outcomes, self._outcomes = self._outcomes, _Outcomes()
        try:
            await self._outbox.async_settle(
                outcomes.sent, outcomes.retry,
                [(message.id, attempts, error) for message, attempts, error in outcomes.dead])
        except Exception:
            # Not written: the rows are still pending and will be sent again (at least once).
            _LOGGER.exception("Cannot record %d notification outcomes",
                              len(outcomes.sent) + len(outcomes.retry) + len(outcomes.dead))
        settled = [key for key, _ in outcomes.sent]
        settled += [key for key, *_ in outcomes.retry]
        settled += [message.id for message, *_ in outcomes.dead]
        for key in settled:
            self._in_flight.pop(key, None)
        self.delivered += len(outcomes.sent)
        for key, _attempts in outcomes.sent:
            self._hub.bus.async_fire(EVENT_NOTIFICATION_SENT, {"id": key})
        for message, attempts, error in outcomes.dead:
            self._dead_lettered(message, attempts, error)

    def _dead_lettered(self, message: OutboxMessage, attempts: int, error: str) -> None:
        _LOGGER.error(
            "Notification %s to %s (%s via %s) was not delivered after %d attempt(s): %s. "
            "It is kept as a dead letter: see `menjin outbox --status dead`, fix the cause, "
            "then `menjin outbox retry`.", message.id, message.recipient,
            describe_address(message.target, message.address), message.target, attempts, error)
        self._hub.bus.async_fire(EVENT_NOTIFICATION_FAILED, {
            "id": message.id, "target": message.target, "recipient": message.recipient,
            "recipient_person_id": message.recipient_person_id, "attempts": attempts,
            "error": error,
        })

    async def async_stop(self) -> None:
        """Stop delivering and record what has finished (the rest stays pending)."""
        self._stopping = True
        if self._task is not None:
            self._task.cancel()
            self._wake.set()
            await asyncio.wait([self._task], timeout=STOP_SECONDS)
        await self._async_flush()
