"""Persons, their groups, guardians, households and contractor reviews in the database."""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any

from hub.people.const import PersonKind, PersonStatus, ReviewStatus
from hub.people.errors import DuplicatePersonError, PersonNotFound
from hub.people.model import Guardian, HouseholdMember, Person, Qualification, check_person_id
from hub.storage import CorruptRecordError, Database, Executor, IntegrityViolation, Row
from hub.storage.values import from_epoch, from_json, parse_date, to_epoch, to_json

_PERSON_COLUMNS = (
    "id, name, kind, status, birth_date, valid_from, valid_until, attributes, left_at, "
    "created_at, updated_at"
)


def new_person_id() -> str:
    """A random person id, for when the administrator gives none."""
    return "p_" + secrets.token_hex(5)


def _person_from_row(row: Row, groups: Iterable[str], review: Row | None) -> Person:
    what = f"person {row['id']!r}"
    try:
        kind = PersonKind(row["kind"])
        status = PersonStatus(row["status"])
        qualification = None
        if review is not None:
            qualification = Qualification(
                status=ReviewStatus(review["status"]), reviewer=review["reviewer"],
                reviewed_at=from_epoch(review["reviewed_at"]),
                valid_until=from_epoch(review["valid_until"]), note=review["note"],
            )
    except ValueError as err:
        raise CorruptRecordError(f"The stored {what} is corrupted: {err}") from err
    attributes = from_json(row["attributes"], what)
    if not isinstance(attributes, dict):
        raise CorruptRecordError(f"The stored {what} has attributes that are not a mapping")
    return Person(
        id=str(row["id"]), name=str(row["name"]), kind=kind, status=status,
        groups=frozenset(groups), birth_date=parse_date(row["birth_date"], what),
        valid_from=from_epoch(row["valid_from"]), valid_until=from_epoch(row["valid_until"]),
        attributes=attributes, qualification=qualification, left_at=from_epoch(row["left_at"]),
        created_at=from_epoch(row["created_at"]), updated_at=from_epoch(row["updated_at"]),
    )


class PersonRepository:
    """Read and write persons; every method is a coroutine that never blocks the loop."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def async_add(self, person: Person) -> Person:
        """Store a new person with their groups and review; the id must be unused."""
        check_person_id(person.id)
        now = time.time()
        try:
            async with self._db.transaction() as tx:
                await tx.execute(
                    f"INSERT INTO persons ({_PERSON_COLUMNS}) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (person.id, person.name, str(person.kind), str(person.status),
                     person.birth_date.isoformat() if person.birth_date else None,
                     to_epoch(person.valid_from), to_epoch(person.valid_until),
                     to_json(dict(person.attributes)), to_epoch(person.left_at), now, now),
                )
                await self._write_groups(tx, person.id, person.groups)
                if person.qualification is not None:
                    await self._write_review(tx, person.id, person.qualification)
        except IntegrityViolation as err:
            raise DuplicatePersonError(
                f"A person with id '{person.id}' already exists") from err
        return replace(person, created_at=from_epoch(now), updated_at=from_epoch(now))

    async def _write_groups(self, tx: Executor, person_id: str, groups: Iterable[str]) -> None:
        await tx.execute("DELETE FROM person_groups WHERE person_id = ?", (person_id,))
        rows = [(person_id, group) for group in sorted(set(groups))]
        if rows:
            await tx.executemany(
                "INSERT INTO person_groups (person_id, group_name) VALUES (?, ?)", rows)

    async def _write_review(self, tx: Executor, person_id: str, review: Qualification) -> None:
        await tx.execute("DELETE FROM qualifications WHERE person_id = ?", (person_id,))
        await tx.execute(
            "INSERT INTO qualifications (person_id, status, reviewer, reviewed_at, valid_until, "
            "note) VALUES (?, ?, ?, ?, ?, ?)",
            (person_id, str(review.status), review.reviewer, to_epoch(review.reviewed_at),
             to_epoch(review.valid_until), review.note),
        )

    async def async_get(self, person_id: str, tx: Executor | None = None) -> Person | None:
        """The person, or None; a corrupted row raises CorruptRecordError."""
        ex = tx or self._db
        row = await ex.fetch_one(f"SELECT {_PERSON_COLUMNS} FROM persons WHERE id = ?",
                                 (person_id,))
        if row is None:
            return None
        groups = await ex.fetch_all(
            "SELECT group_name FROM person_groups WHERE person_id = ?", (person_id,))
        review = await ex.fetch_one(
            "SELECT * FROM qualifications WHERE person_id = ?", (person_id,))
        return _person_from_row(row, (g["group_name"] for g in groups), review)

    async def async_require(self, person_id: str, tx: Executor | None = None) -> Person:
        """The person, or PersonNotFound."""
        person = await self.async_get(person_id, tx)
        if person is None:
            raise PersonNotFound(person_id)
        return person

    async def async_list(
        self,
        kind: PersonKind | None = None,
        status: PersonStatus | None = None,
        group: str | None = None,
    ) -> list[Person]:
        """Persons filtered by kind, status and group, ordered by id."""
        clauses: list[str] = []
        params: list[Any] = []
        if kind is not None:
            clauses.append("kind = ?")
            params.append(str(kind))
        if status is not None:
            clauses.append("status = ?")
            params.append(str(status))
        if group is not None:
            clauses.append("id IN (SELECT person_id FROM person_groups WHERE group_name = ?)")
            params.append(group)
        where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
        rows = await self._db.fetch_all(
            f"SELECT {_PERSON_COLUMNS} FROM persons{where} ORDER BY id", params)
        groups: dict[str, list[str]] = {}
        for item in await self._db.fetch_all("SELECT person_id, group_name FROM person_groups"):
            groups.setdefault(item["person_id"], []).append(item["group_name"])
        reviews = {r["person_id"]: r for r in
                   await self._db.fetch_all("SELECT * FROM qualifications")}
        return [_person_from_row(row, groups.get(row["id"], ()), reviews.get(row["id"]))
                for row in rows]

    async def async_count(self) -> dict[str, int]:
        """How many persons of each kind, for reports."""
        rows = await self._db.fetch_all(
            "SELECT kind, COUNT(*) AS n FROM persons GROUP BY kind ORDER BY kind")
        return {str(row["kind"]): int(row["n"]) for row in rows}

    async def async_update(self, person_id: str, **changes: Any) -> Person:
        """Change name, kind, birth date, validity window, attributes or groups."""
        person = await self.async_require(person_id)
        updated = replace(person, **changes)
        async with self._db.transaction() as tx:
            count = await tx.execute(
                "UPDATE persons SET name = ?, kind = ?, birth_date = ?, valid_from = ?, "
                "valid_until = ?, attributes = ?, updated_at = ? WHERE id = ?",
                (updated.name, str(updated.kind),
                 updated.birth_date.isoformat() if updated.birth_date else None,
                 to_epoch(updated.valid_from), to_epoch(updated.valid_until),
                 to_json(dict(updated.attributes)), time.time(), person_id),
            )
            if count != 1:
                raise PersonNotFound(person_id)
            if "groups" in changes:
                await self._write_groups(tx, person_id, updated.groups)
        return await self.async_require(person_id)

    async def async_set_status(
        self, person_id: str, status: PersonStatus, tx: Executor | None = None
    ) -> None:
        """Activate, suspend or mark as left (left starts the leavers' retention clock)."""
        now = time.time()
        left_at = now if status is PersonStatus.left else None
        count = await (tx or self._db).execute(
            "UPDATE persons SET status = ?, left_at = ?, updated_at = ? WHERE id = ?",
            (str(status), left_at, now, person_id),
        )
        if count != 1:
            raise PersonNotFound(person_id)

    async def async_set_qualification(self, person_id: str, review: Qualification) -> None:
        """Record a contractor's qualification review (replacing the previous one)."""
        await self.async_require(person_id)
        async with self._db.transaction() as tx:
            await self._write_review(tx, person_id, review)

    async def async_add_guardian(
        self,
        person_id: str,
        name: str,
        relation: str,
        targets: Iterable[str] = (),
        guardian_person_id: str | None = None,
    ) -> Guardian:
        """Link a guardian to a person (consent for minors, notifications)."""
        await self.async_require(person_id)
        guardian = Guardian("g_" + secrets.token_hex(5), person_id, name, relation,
                            tuple(targets), guardian_person_id)
        await self._db.execute(
            "INSERT INTO guardians (id, person_id, name, relation, targets, guardian_person_id, "
            "created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (guardian.id, person_id, name, relation, to_json(list(guardian.targets)),
             guardian_person_id, time.time()),
        )
        return guardian

    async def async_guardians(self, person_id: str) -> list[Guardian]:
        """The guardians of a person."""
        rows = await self._db.fetch_all(
            "SELECT * FROM guardians WHERE person_id = ? ORDER BY created_at, id", (person_id,))
        return [_guardian(row) for row in rows]

    async def async_get_guardian(self, guardian_id: str) -> Guardian | None:
        """One guardian link by id."""
        row = await self._db.fetch_one("SELECT * FROM guardians WHERE id = ?", (guardian_id,))
        return None if row is None else _guardian(row)

    async def async_add_to_household(self, household: str, person_id: str, role: str) -> None:
        """Put a person into a household (a resident and their family)."""
        await self.async_require(person_id)
        await self._db.execute(
            "INSERT INTO households (household, person_id, role) VALUES (?, ?, ?) "
            "ON CONFLICT (household, person_id) DO UPDATE SET role = excluded.role",
            (household, person_id, role),
        )

    async def async_household(self, household: str) -> list[HouseholdMember]:
        """Members of one household."""
        rows = await self._db.fetch_all(
            "SELECT * FROM households WHERE household = ? ORDER BY person_id", (household,))
        return [HouseholdMember(str(r["household"]), str(r["person_id"]), str(r["role"]))
                for r in rows]

    async def async_households_of(self, person_id: str) -> list[HouseholdMember]:
        """The households a person belongs to."""
        rows = await self._db.fetch_all(
            "SELECT * FROM households WHERE person_id = ? ORDER BY household", (person_id,))
        return [HouseholdMember(str(r["household"]), str(r["person_id"]), str(r["role"]))
                for r in rows]


def _guardian(row: Mapping[str, Any]) -> Guardian:
    targets = from_json(row["targets"], f"guardian {row['id']!r}")
    return Guardian(str(row["id"]), str(row["person_id"]), str(row["name"]),
                    str(row["relation"]), tuple(str(t) for t in targets),
                    row["guardian_person_id"])


def is_expired(person: Person, when: datetime) -> bool:
    """A permit or visit whose window has closed."""
    return person.valid_until is not None and when >= person.valid_until
