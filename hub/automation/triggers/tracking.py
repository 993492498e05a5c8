"""Timers shared by triggers: `for:` holds and points in time."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from hub.automation.triggers import TriggerAction
from hub.context import Context

if TYPE_CHECKING:
    from hub.core import Hub


async def run_action(
    action: TriggerAction, variables: dict[str, Any], context: Context | None
) -> None:
    """Call a trigger action whether it is a coroutine or a plain callable."""
    result = action(variables, context)
    if result is not None:
        await result


class HoldTimers:
    """Fire only when a condition has held for a while; cancel when it stops holding."""

    def __init__(self, hub: Hub) -> None:
        self._hub = hub
        self._timers: dict[str, asyncio.TimerHandle] = {}

    def fire_now(
        self, action: TriggerAction, variables: dict[str, Any], context: Context | None
    ) -> None:
        """Run the action at once, as a tracked task."""
        self._hub.async_create_task(run_action(action, variables, context), "trigger action")

    def fire_or_hold(
        self, key: str, hold: timedelta | None, action: TriggerAction,
        variables: dict[str, Any], context: Context | None,
    ) -> None:
        """Fire now, or once the condition has held for `hold` (state and numeric_state)."""
        if hold is None:
            self.fire_now(action, variables, context)
        else:
            self.start(key, hold.total_seconds(), action, variables, context)

    def start(
        self,
        key: str,
        seconds: float,
        action: TriggerAction,
        variables: dict[str, Any],
        context: Context | None,
    ) -> None:
        """Run the action after `seconds` unless cancelled; restarting keeps the first timer."""
        if key in self._timers:
            return

        def fire() -> None:
            self._timers.pop(key, None)
            self.fire_now(action, variables, context)

        self._timers[key] = self._hub.loop.call_later(seconds, fire)

    def cancel(self, key: str) -> None:
        """Stop waiting for `key`."""
        timer = self._timers.pop(key, None)
        if timer is not None:
            timer.cancel()

    def cancel_all(self) -> None:
        """Stop every timer (the automation is being removed)."""
        for timer in self._timers.values():
            timer.cancel()
        self._timers.clear()


def track_point_in_time(
    hub: Hub, when: Callable[[datetime], datetime], fire: Callable[[datetime], None]
) -> Callable[[], None]:
    """Call `fire(moment)` at each moment `when(now)` returns, again and again.

    Wall-clock moments are re-computed after each firing so DST changes and
    clock jumps do not accumulate drift.
    """
    handle: asyncio.TimerHandle | None = None

    def schedule() -> None:
        nonlocal handle
        now = datetime.now(hub.config.tzinfo)
        moment = when(now)
        delay = max(0.0, (moment - now).total_seconds())

        def run() -> None:
            fire(moment)
            schedule()

        handle = hub.loop.call_later(delay, run)

    schedule()

    def cancel() -> None:
        if handle is not None:
            handle.cancel()

    return cancel
