"""Weekly time windows and holiday calendars: when a schedule lets people through.

Pure functions on local (site time zone) datetimes, so the rules can be tested
without a database and reused by automation conditions.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_WINDOW = re.compile(
    r"^\s*(?P<days>[a-z]{3}(?:\s*-\s*[a-z]{3})?(?:\s*,\s*[a-z]{3}(?:\s*-\s*[a-z]{3})?)*)\s+"
    r"(?P<start>\d{1,2}:\d{2})\s*-\s*(?P<end>\d{1,2}:\d{2})\s*$"
)


@dataclass(frozen=True, slots=True)
class WeeklyWindow:
    """Days of the week (0 = Monday) and a time range; `end` 24:00 is written 00:00."""

    days: frozenset[int]
    start: time
    end: time

    def contains(self, local: datetime) -> bool:
        """Whether a local datetime falls inside the window (end excluded)."""
        if local.weekday() not in self.days:
            return False
        moment = local.time().replace(tzinfo=None)
        if self.end == time(0, 0):
            return moment >= self.start
        return self.start <= moment < self.end

    def __str__(self) -> str:
        days = ",".join(DAY_NAMES[day] for day in sorted(self.days))
        return f"{days} {self.start:%H:%M}-{self.end:%H:%M}"


def _day(name: str) -> int:
    try:
        return DAY_NAMES.index(name.strip())
    except ValueError as err:
        raise ValueError(f"unknown day {name!r}: use {', '.join(DAY_NAMES)}") from err


def _clock(text: str) -> time:
    hours, minutes = (int(part) for part in text.split(":"))
    if hours == 24 and minutes == 0:
        return time(0, 0)
    return time(hours, minutes)


def parse_window(text: str) -> WeeklyWindow:
    """Parse `mon-fri 07:00-18:00` or `sat,sun 08:00-12:00` (24:00 allowed as an end)."""
    match = _WINDOW.match(text.lower())
    if not match:
        raise ValueError(f"invalid time window {text!r}: write e.g. 'mon-fri 07:00-18:00'")
    days: set[int] = set()
    for part in match["days"].split(","):
        if "-" in part:
            first, last = (_day(name) for name in part.split("-"))
            days.update(range(first, last + 1) if first <= last else
                        [*range(first, 7), *range(0, last + 1)])
        else:
            days.add(_day(part))
    start, end = _clock(match["start"]), _clock(match["end"])
    if end != time(0, 0) and end <= start:
        raise ValueError(f"invalid time window {text!r}: the end must be after the start")
    return WeeklyWindow(frozenset(days), start, end)


@dataclass(frozen=True, slots=True)
class Schedule:
    """Named weekly windows, closed on the days of its holiday calendars."""

    id: str
    name: str
    windows: tuple[WeeklyWindow, ...]
    calendars: tuple[str, ...] = ()

    @classmethod
    def parse(cls, schedule_id: str, windows: Iterable[str], calendars: Iterable[str] = (),
              name: str | None = None) -> Schedule:
        """Build a schedule from window strings."""
        return cls(schedule_id, name or schedule_id, tuple(parse_window(w) for w in windows),
                   tuple(calendars))

    def is_open(self, local: datetime, holidays: Collection[date] = ()) -> bool:
        """Open at a local time, unless that day is a holiday of its calendars."""
        if local.date() in holidays:
            return False
        return any(window.contains(local) for window in self.windows)
