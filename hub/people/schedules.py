"""Schedules, holiday calendars and who has which schedule at which gate or zone."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from hub.people.model import Person
from hub.people.schedule import Schedule, parse_window
from hub.storage import CorruptRecordError, Database, Row
from hub.storage.values import from_json, to_json

ANY_TARGET = "*"
SUBJECT_PERSON = "person"
SUBJECT_GROUP = "group"


def _schedule(row: Row) -> Schedule:
    what = f"schedule {row['id']!r}"
    windows = from_json(row["windows"], what)
    calendars = from_json(row["calendars"], what)
    try:
        return Schedule(str(row["id"]), str(row["name"]),
                        tuple(parse_window(str(w)) for w in windows),
                        tuple(str(c) for c in calendars))
    except (TypeError, ValueError) as err:
        raise CorruptRecordError(f"The stored {what} is corrupted: {err}") from err


class ScheduleRepository:
    """Store schedules and assignments; find the ones that apply to a person at a gate."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def async_put(self, schedule: Schedule) -> None:
        """Create or replace a schedule."""
        await self._db.execute(
            "INSERT INTO schedules (id, name, windows, calendars) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (id) DO UPDATE SET name = excluded.name, windows = excluded.windows, "
            "calendars = excluded.calendars",
            (schedule.id, schedule.name, to_json([str(w) for w in schedule.windows]),
             to_json(list(schedule.calendars))),
        )

    async def async_list(self) -> list[Schedule]:
        """Every schedule, ordered by id."""
        return [_schedule(row) for row in
                await self._db.fetch_all("SELECT * FROM schedules ORDER BY id")]

    async def async_get(self, schedule_id: str) -> Schedule | None:
        """One schedule by id."""
        row = await self._db.fetch_one("SELECT * FROM schedules WHERE id = ?", (schedule_id,))
        return None if row is None else _schedule(row)

    async def async_assignments(self, schedule_id: str) -> list[tuple[str, str, str]]:
        """(subject_type, subject, target) of everyone given this schedule."""
        rows = await self._db.fetch_all(
            "SELECT subject_type, subject, target FROM schedule_assignments "
            "WHERE schedule_id = ? ORDER BY subject_type, subject, target", (schedule_id,))
        return [(str(r["subject_type"]), str(r["subject"]), str(r["target"])) for r in rows]

    async def async_add_holiday(self, calendar: str, day: date, name: str = "") -> None:
        """Mark a day closed in a holiday calendar."""
        await self._db.execute(
            "INSERT INTO holidays (calendar, day, name) VALUES (?, ?, ?) "
            "ON CONFLICT (calendar, day) DO UPDATE SET name = excluded.name",
            (calendar, day.isoformat(), name))

    async def async_holidays(self, calendars: Iterable[str]) -> set[date]:
        """The closed days of some calendars."""
        names = sorted(set(calendars))
        if not names:
            return set()
        marks = ", ".join("?" for _ in names)
        rows = await self._db.fetch_all(
            f"SELECT day FROM holidays WHERE calendar IN ({marks})", names)
        return {date.fromisoformat(str(row["day"])) for row in rows}

    async def async_assign(self, subject_type: str, subject: str, schedule_id: str,
                           target: str = ANY_TARGET) -> None:
        """Give a person or a group a schedule at a gate, a zone, or everywhere (`*`)."""
        if subject_type not in (SUBJECT_PERSON, SUBJECT_GROUP):
            raise ValueError("a schedule is assigned to a 'person' or a 'group'")
        await self._db.execute(
            "INSERT INTO schedule_assignments (subject_type, subject, schedule_id, target) "
            "VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (subject_type, subject, schedule_id, target))

    async def async_for(self, person: Person, gate_id: str, zone_id: str | None
                        ) -> list[Schedule]:
        """Schedules of the person and their groups that cover this gate or its zone."""
        targets = [ANY_TARGET, gate_id] + ([zone_id] if zone_id else [])
        groups = sorted(person.groups)
        subject_clause = "(subject_type = 'person' AND subject = ?)"
        params: list[str] = [person.id]
        if groups:
            subject_clause = (f"({subject_clause} OR (subject_type = 'group' AND subject IN "
                              f"({', '.join('?' for _ in groups)})))")
            params += groups
        rows = await self._db.fetch_all(
            "SELECT DISTINCT s.* FROM schedules s JOIN schedule_assignments a "
            f"ON a.schedule_id = s.id WHERE {subject_clause} AND a.target IN "
            f"({', '.join('?' for _ in targets)}) ORDER BY s.id", [*params, *targets])
        return [_schedule(row) for row in rows]
