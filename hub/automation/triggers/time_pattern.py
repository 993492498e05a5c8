"""`trigger: time_pattern`: e.g. `minutes: "/5"` fires every five minutes."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import voluptuous as vol

from hub.automation.triggers import TriggerAction, TriggerInfo, Unsubscribe, trigger_variables
from hub.automation.triggers.tracking import HoldTimers, track_point_in_time
from hub.context import Context

if TYPE_CHECKING:
    from hub.core import Hub

_LIMITS = {"hours": 23, "minutes": 59, "seconds": 59}


def _pattern(field: str) -> Any:
    def validate(value: Any) -> tuple[str, int] | None:
        if value is None or value == "*":
            return None
        text = str(value).strip()
        step = text.startswith("/")
        try:
            number = int(text[1:] if step else text)
        except ValueError as err:
            raise vol.Invalid(f"{field} must be a number, '/N' or '*', got {value!r}") from err
        if not 0 <= number <= _LIMITS[field] or (step and number == 0):
            raise vol.Invalid(f"{field} out of range: {value!r}")
        return ("every" if step else "at", number)

    return validate


TRIGGER_SCHEMA = vol.All(
    vol.Schema({vol.Optional(field): _pattern(field) for field in _LIMITS}, extra=vol.ALLOW_EXTRA),
    vol.Any(
        *(vol.Schema({vol.Required(field): object}, extra=vol.ALLOW_EXTRA) for field in _LIMITS),
        msg="time_pattern needs hours, minutes or seconds",
    ),
)


def _matches(value: int, rule: tuple[str, int] | None) -> bool:
    if rule is None:
        return True
    kind, number = rule
    return value % number == 0 if kind == "every" else value == number


def next_match(now: datetime, config: dict[str, Any]) -> datetime:
    """The first whole second after `now` that matches the pattern (searching ≤ 1 day)."""
    hours, minutes, seconds = config.get("hours"), config.get("minutes"), config.get("seconds")
    # Fields left out below the most specific given one default to 0, as in HA.
    if seconds is None and (minutes is not None or hours is not None):
        seconds = ("at", 0)
    if minutes is None and hours is not None:
        minutes = ("at", 0)
    candidate = now.replace(microsecond=0) + timedelta(seconds=1)
    end = candidate + timedelta(days=1, seconds=1)
    while candidate < end:
        if not _matches(candidate.hour, hours):
            candidate = (candidate + timedelta(hours=1)).replace(minute=0, second=0)
        elif not _matches(candidate.minute, minutes):
            candidate = (candidate + timedelta(minutes=1)).replace(second=0)
        elif not _matches(candidate.second, seconds):
            candidate += timedelta(seconds=1)
        else:
            return candidate
    raise ValueError("time pattern never matches")


async def async_attach(
    hub: Hub, config: dict[str, Any], action: TriggerAction, info: TriggerInfo
) -> Unsubscribe:
    """Attach a time pattern trigger."""
    runner = HoldTimers(hub)

    def fire(moment: datetime) -> None:
        variables = trigger_variables("time_pattern", info, "time pattern", now=moment.isoformat())
        runner.fire_now(action, variables, Context())

    return track_point_in_time(hub, lambda now: next_match(now, config), fire)
