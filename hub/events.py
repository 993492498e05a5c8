"""The event bus: typed events delivered to callback and coroutine listeners.

Callback listeners (marked `@callback`) run inline while the event is fired:
that is what makes the bus fast, and why they must never block. Coroutine
listeners each get their own task, so a slow one delays nobody else. A listener
that raises is logged with its name and the others still run.
"""

from __future__ import annotations

import asyncio
import enum
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from hub.callback import callback, is_callback
from hub.const import MATCH_ALL
from hub.context import Context

_LOGGER = logging.getLogger(__name__)

# A coroutine listener still running after this long is reported as slow.
SLOW_LISTENER_SECONDS = 10.0

_EMPTY: Mapping[str, Any] = {}


class EventOrigin(enum.Enum):
    """Where an event came from: this hub, or a remote source such as the API."""

    local = "LOCAL"
    remote = "REMOTE"


class Event:
    """One thing that happened, with who caused it and when."""

    __slots__ = ("context", "data", "event_type", "origin", "time_fired")

    def __init__(
        self,
        event_type: str,
        data: Mapping[str, Any] | None = None,
        origin: EventOrigin = EventOrigin.local,
        time_fired: float | None = None,
        context: Context | None = None,
    ) -> None:
        self.event_type = event_type
        self.data: Mapping[str, Any] = data if data is not None else _EMPTY
        self.origin = origin
        self.time_fired = time.time() if time_fired is None else time_fired
        self.context = context if context is not None else Context()

    @property
    def time_fired_dt(self) -> datetime:
        """The firing time as an aware UTC datetime."""
        return datetime.fromtimestamp(self.time_fired, UTC)

    def as_dict(self) -> dict[str, Any]:
        """Serialisable form for the API, traces and history."""
        return {
            "event_type": self.event_type,
            "data": dict(self.data),
            "origin": self.origin.value,
            "time_fired": self.time_fired_dt.isoformat(),
            "context": self.context.as_dict(),
        }

    def __repr__(self) -> str:
        return f"<Event {self.event_type}[{self.origin.value[0]}]: {dict(self.data)}>"


EventListener = Callable[[Event], Awaitable[None] | None]
EventFilter = Callable[[Mapping[str, Any]], bool]
Unsubscribe = Callable[[], None]
TaskFactory = Callable[[Awaitable[Any], str | None], "asyncio.Task[Any]"]


class _Listener:
    __slots__ = ("event_filter", "func", "is_coroutine", "name", "run_once")

    def __init__(
        self, func: EventListener, event_filter: EventFilter | None, run_once: bool
    ) -> None:
        self.func = func
        self.event_filter = event_filter
        self.run_once = run_once
        self.name = getattr(func, "__qualname__", repr(func))
        if is_callback(func):
            self.is_coroutine = False
        elif asyncio.iscoroutinefunction(func):
            self.is_coroutine = True
        else:
            raise TypeError(
                f"Listener {self.name} must be a coroutine function or marked @callback; "
                "run blocking work in an executor instead"
            )


class EventBus:
    """Deliver events to the listeners registered for their type or for `*`."""

    def __init__(self, loop: asyncio.AbstractEventLoop, task_factory: TaskFactory) -> None:
        self._loop = loop
        self._create_task = task_factory
        self._listeners: dict[str, list[_Listener]] = {}
        self._match_all: list[_Listener] = []

    @property
    def listeners(self) -> dict[str, int]:
        """Number of listeners per event type, for diagnostics."""
        counts = {etype: len(items) for etype, items in self._listeners.items()}
        if self._match_all:
            counts[MATCH_ALL] = len(self._match_all)
        return counts

    def async_fire(
        self,
        event_type: str,
        event_data: Mapping[str, Any] | None = None,
        origin: EventOrigin = EventOrigin.local,
        context: Context | None = None,
        time_fired: float | None = None,
    ) -> Event | None:
        """Fire an event; must be called from the event loop.

        Returns the event, or None when nobody listens (nothing was built).
        """
        listeners = self._listeners.get(event_type)
        match_all = self._match_all
        if not listeners and not match_all:
            return None
        event = Event(event_type, event_data, origin, time_fired, context)
        if listeners:
            self._deliver(event, listeners)
        if match_all:
            self._deliver(event, match_all)
        return event

    def _deliver(self, event: Event, listeners: list[_Listener]) -> None:
        # Iterate over a copy only when a run-once listener may remove itself.
        for listener in tuple(listeners) if len(listeners) > 1 else listeners:
            if listener.event_filter is not None:
                try:
                    if not listener.event_filter(event.data):
                        continue
                except Exception:
                    _LOGGER.exception("Event filter of %s failed", listener.name)
                    continue
            if listener.run_once:
                self._remove(event.event_type, listener)
            if listener.is_coroutine:
                self._create_task(self._run_coroutine(listener, event), None)
                continue
            try:
                listener.func(event)
            except Exception:
                _LOGGER.exception(
                    "Listener %s failed on event %s", listener.name, event.event_type
                )

    async def _run_coroutine(self, listener: _Listener, event: Event) -> None:
        started = self._loop.time()
        try:
            await listener.func(event)  # type: ignore[misc]
        except asyncio.CancelledError:
            raise
        except Exception:
            _LOGGER.exception("Listener %s failed on event %s", listener.name, event.event_type)
        else:
            took = self._loop.time() - started
            if took > SLOW_LISTENER_SECONDS:
                _LOGGER.warning(
                    "Listener %s took %.1f s on event %s", listener.name, took, event.event_type
                )

    def async_listen(
        self,
        event_type: str,
        listener: EventListener,
        event_filter: EventFilter | None = None,
        run_once: bool = False,
    ) -> Unsubscribe:
        """Call `listener` for every event of `event_type` (or `*` for all).

        `event_filter` is a non-blocking predicate on the event data, checked
        before any task is created. The returned function unsubscribes.
        """
        entry = _Listener(listener, event_filter, run_once)
        bucket = (
            self._match_all
            if event_type == MATCH_ALL
            else self._listeners.setdefault(event_type, [])
        )
        bucket.append(entry)

        def remove() -> None:
            self._remove(event_type, entry)

        return remove

    def async_listen_once(self, event_type: str, listener: EventListener) -> Unsubscribe:
        """Call `listener` for the next event of `event_type` only."""
        return self.async_listen(event_type, listener, run_once=True)

    def _remove(self, event_type: str, entry: _Listener) -> None:
        bucket = self._match_all if event_type == MATCH_ALL else self._listeners.get(event_type)
        if bucket is None:
            return
        try:
            bucket.remove(entry)
        except ValueError:
            return  # already removed: unsubscribing twice is harmless
        if not bucket and event_type != MATCH_ALL:
            del self._listeners[event_type]

    async def async_wait_for(
        self,
        event_type: str,
        event_filter: EventFilter | None = None,
        timeout: float | None = None,  # noqa: ASYNC109 - callers think in "wait at most"
    ) -> Event:
        """Wait for the next matching event; raise TimeoutError after `timeout`."""
        future: asyncio.Future[Event] = self._loop.create_future()

        @callback
        def _on_event(event: Event) -> None:
            if not future.done():
                future.set_result(event)

        remove = self.async_listen(event_type, _on_event, event_filter)
        try:
            async with asyncio.timeout(timeout):
                return await future
        finally:
            remove()

