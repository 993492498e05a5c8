"""`trigger: time`: every day at one or more wall-clock times in the site's time zone."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING, Any

import voluptuous as vol

import hub.config.validation as cv
from hub.automation.triggers import TriggerAction, TriggerInfo, Unsubscribe, trigger_variables
from hub.automation.triggers.tracking import HoldTimers, track_point_in_time
from hub.context import Context

if TYPE_CHECKING:
    from hub.core import Hub


def time_of_day(value: Any) -> time:
    """`HH:MM` or `HH:MM:SS`."""
    if isinstance(value, time):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        # YAML 1.1 reads an unquoted 07:30 as a base-60 integer.
        return time(value // 3600 % 24, value // 60 % 60, value % 60)
    try:
        return time.fromisoformat(cv.string(value))
    except ValueError as err:
        raise vol.Invalid(f"invalid time {value!r}, use HH:MM or HH:MM:SS") from err


TRIGGER_SCHEMA = vol.Schema(
    {vol.Required("at"): vol.All(cv.ensure_list, [time_of_day])}, extra=vol.ALLOW_EXTRA
)


def next_occurrence(now: datetime, at: time) -> datetime:
    """The next moment strictly after `now` when the wall clock shows `at`."""
    candidate = now.replace(hour=at.hour, minute=at.minute, second=at.second, microsecond=0)
    if candidate <= now:
        candidate = (candidate + timedelta(days=1)).replace(
            hour=at.hour, minute=at.minute, second=at.second
        )
    return candidate


def _track_daily(
    hub: Hub, at: time, action: TriggerAction, info: TriggerInfo, runner: HoldTimers
) -> Callable[[], None]:
    def fire(moment: datetime) -> None:
        variables = trigger_variables("time", info, f"time {at.isoformat()}",
                                      now=moment.isoformat())
        runner.fire_now(action, variables, Context())

    def when(now: datetime) -> datetime:
        return next_occurrence(now, at)

    return track_point_in_time(hub, when, fire)


async def async_attach(
    hub: Hub, config: dict[str, Any], action: TriggerAction, info: TriggerInfo
) -> Unsubscribe:
    """Attach a time trigger."""
    runner = HoldTimers(hub)
    cancels = []
    for at in config["at"]:
        cancels.append(_track_daily(hub, at, action, info, runner))

    def detach() -> None:
        for cancel in cancels:
            cancel()

    return detach
