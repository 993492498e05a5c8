"""Gates, the zones they lead into, and who is inside each zone.

Occupancy follows confirmed passages only (a granted decision nobody walked
through changes nothing); anti-passback reads it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from hub.people.const import AntiPassback, Direction
from hub.storage import CorruptRecordError, Database, Executor, Row
from hub.storage.values import from_epoch, to_epoch


@dataclass(frozen=True, slots=True)
class Zone:
    """An area behind gates, with its anti-passback rule."""

    id: str
    name: str
    anti_passback: AntiPassback = AntiPassback.off
    passback_seconds: int = 0


@dataclass(frozen=True, slots=True)
class Gate:
    """A gate into a zone; `direction` is 'in', 'out' or 'both'."""

    id: str
    name: str
    zone_id: str | None = None
    direction: str = "both"


@dataclass(frozen=True, slots=True)
class Presence:
    """Where a person last was in a zone, and since when."""

    person_id: str
    zone_id: str
    inside: bool
    gate_id: str | None
    since: datetime


def _zone(row: Row) -> Zone:
    try:
        return Zone(str(row["id"]), str(row["name"]), AntiPassback(row["anti_passback"]),
                    int(row["passback_seconds"]))
    except ValueError as err:
        raise CorruptRecordError(f"Zone {row['id']!r} is corrupted: {err}") from err


class SiteRepository:
    """Zones, gates and occupancy."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def async_put_zone(self, zone: Zone) -> None:
        """Create or replace a zone."""
        await self._db.execute(
            "INSERT INTO zones (id, name, anti_passback, passback_seconds) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (id) DO UPDATE SET name = excluded.name, "
            "anti_passback = excluded.anti_passback, passback_seconds = excluded.passback_seconds",
            (zone.id, zone.name, str(zone.anti_passback), zone.passback_seconds))

    async def async_put_gate(self, gate: Gate) -> None:
        """Create or replace a gate."""
        if gate.direction not in ("in", "out", "both"):
            raise ValueError("a gate's direction is 'in', 'out' or 'both'")
        await self._db.execute(
            "INSERT INTO gates (id, name, zone_id, direction) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (id) DO UPDATE SET name = excluded.name, zone_id = excluded.zone_id, "
            "direction = excluded.direction",
            (gate.id, gate.name, gate.zone_id, gate.direction))

    async def async_gate(self, gate_id: str) -> Gate | None:
        """A gate by id."""
        row = await self._db.fetch_one("SELECT * FROM gates WHERE id = ?", (gate_id,))
        if row is None:
            return None
        return Gate(str(row["id"]), str(row["name"]), row["zone_id"], str(row["direction"]))

    async def async_zone(self, zone_id: str) -> Zone | None:
        """A zone by id."""
        row = await self._db.fetch_one("SELECT * FROM zones WHERE id = ?", (zone_id,))
        return None if row is None else _zone(row)

    async def async_zones(self) -> list[Zone]:
        """Every zone, ordered by id."""
        return [_zone(row) for row in await self._db.fetch_all("SELECT * FROM zones ORDER BY id")]

    async def async_gates(self) -> list[Gate]:
        """Every gate, ordered by id."""
        rows = await self._db.fetch_all("SELECT * FROM gates ORDER BY id")
        return [Gate(str(r["id"]), str(r["name"]), r["zone_id"], str(r["direction"]))
                for r in rows]

    async def async_occupancy(self, zone_id: str | None = None) -> list[Presence]:
        """Last known presence of everyone (in one zone, or all), ordered by zone and person."""
        where, params = ("WHERE zone_id = ? ", (zone_id,)) if zone_id else ("", ())
        rows = await self._db.fetch_all(
            f"SELECT * FROM occupancy {where}ORDER BY zone_id, person_id", params)
        return [Presence(str(r["person_id"]), str(r["zone_id"]), bool(r["inside"]),
                         r["gate_id"], from_epoch(r["since"]) or datetime.min) for r in rows]

    async def async_presence(self, person_id: str, zone_id: str) -> Presence | None:
        """The last confirmed passage of a person in a zone."""
        row = await self._db.fetch_one(
            "SELECT * FROM occupancy WHERE person_id = ? AND zone_id = ?", (person_id, zone_id))
        if row is None:
            return None
        return Presence(str(row["person_id"]), str(row["zone_id"]), bool(row["inside"]),
                        row["gate_id"], from_epoch(row["since"]) or datetime.min)

    async def async_inside(self, zone_id: str) -> list[str]:
        """Ids of the persons inside a zone now."""
        rows = await self._db.fetch_all(
            "SELECT person_id FROM occupancy WHERE zone_id = ? AND inside = 1 ORDER BY person_id",
            (zone_id,))
        return [str(row["person_id"]) for row in rows]

    async def async_record_passage(self, tx: Executor, person_id: str, zone_id: str,
                                   gate_id: str, direction: Direction, when: datetime) -> None:
        """Update occupancy after a confirmed passage."""
        inside = 1 if direction is Direction.entry else 0
        await tx.execute(
            "INSERT INTO occupancy (person_id, zone_id, inside, gate_id, since) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (person_id, zone_id) DO UPDATE SET "
            "inside = excluded.inside, gate_id = excluded.gate_id, since = excluded.since",
            (person_id, zone_id, inside, gate_id, to_epoch(when)))
