"""The access log: every decision, written durably before the gate moves.

`async_record` returns only after the row is committed (SQLite WAL with
synchronous=FULL fsyncs the commit; PostgreSQL's synchronous_commit does the
same), so the caller may command the actuator knowing the decision survives
a crash. The passage confirmation is appended later as its own row: a
decision is never rewritten.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from hub.people.const import CredentialType, Decision, Direction, PassageOutcome
from hub.people.sites import SiteRepository
from hub.storage import Database, Row
from hub.storage.values import from_epoch, from_json, to_epoch, to_json

_INSERT = (
    "INSERT INTO access_log (ts, decision, person_id, credential_type, credential_id, gate_id, "
    "direction, score, temperature, mask, liveness, rule, reasons, details) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"
)


@dataclass(frozen=True, slots=True)
class AccessRecord:
    """One decision at a gate, with everything it was based on."""

    decision: Decision
    gate_id: str
    direction: Direction
    person_id: str | None = None
    credential_type: CredentialType | None = None
    credential_id: str | None = None
    score: float | None = None
    temperature: float | None = None
    mask: str | None = None
    liveness: float | None = None
    rule: str | None = None
    reasons: Sequence[str] = ()
    details: Mapping[str, Any] = field(default_factory=dict)
    ts: datetime | None = None


@dataclass(frozen=True, slots=True)
class AccessEntry:
    """A stored decision, with its passage outcome once known."""

    id: int
    ts: datetime
    record: AccessRecord
    passage: PassageOutcome | None = None
    passage_ts: datetime | None = None


def _entry(row: Row) -> AccessEntry:
    ts = from_epoch(row["ts"])
    assert ts is not None
    record = AccessRecord(
        decision=Decision(row["decision"]), gate_id=str(row["gate_id"]),
        direction=Direction(row["direction"]), person_id=row["person_id"],
        credential_type=CredentialType(row["credential_type"]) if row["credential_type"] else None,
        credential_id=row["credential_id"], score=row["score"], temperature=row["temperature"],
        mask=row["mask"], liveness=row["liveness"], rule=row["rule"],
        reasons=tuple(from_json(row["reasons"], f"access log {row['id']}")),
        details=from_json(row["details"], f"access log {row['id']}"), ts=ts,
    )
    outcome = PassageOutcome(row["outcome"]) if row.get("outcome") else None
    return AccessEntry(int(row["id"]), ts, record, outcome, from_epoch(row.get("passage_ts")))


class AccessLog:
    """Write decisions and passages; query by person, gate and time range."""

    def __init__(self, db: Database, sites: SiteRepository) -> None:
        self._db = db
        self._sites = sites

    async def async_record(self, record: AccessRecord) -> int:
        """Commit a decision durably and return its id; call before moving the gate."""
        ts = to_epoch(record.ts) if record.ts else time.time()
        params = (
            ts, str(record.decision), record.person_id,
            str(record.credential_type) if record.credential_type else None,
            record.credential_id, record.gate_id, str(record.direction),
            _float(record.score), _float(record.temperature), record.mask,
            _float(record.liveness), record.rule, to_json(list(record.reasons)),
            to_json(dict(record.details)),
        )
        async with self._db.transaction() as tx:
            value = await tx.fetch_value(_INSERT, params)
        return int(value)

    async def async_confirm_passage(
        self, access_id: int, outcome: PassageOutcome = PassageOutcome.passed,
        when: datetime | None = None,
    ) -> None:
        """Append what the passage sensor saw; a person who passed moves in or out."""
        ts = to_epoch(when) if when else time.time()
        row = await self._db.fetch_one(
            "SELECT a.person_id, a.gate_id, a.direction, a.decision, g.zone_id FROM access_log a "
            "LEFT JOIN gates g ON g.id = a.gate_id WHERE a.id = ?", (access_id,))
        if row is None:
            raise KeyError(f"no access decision {access_id}")
        async with self._db.transaction() as tx:
            await tx.execute(
                "INSERT INTO access_passages (access_id, ts, outcome) VALUES (?, ?, ?)",
                (access_id, ts, str(outcome)))
            if (outcome is PassageOutcome.passed and row["person_id"] and row["zone_id"]
                    and row["decision"] == Decision.granted):
                await self._sites.async_record_passage(
                    tx, str(row["person_id"]), str(row["zone_id"]), str(row["gate_id"]),
                    Direction(row["direction"]), from_epoch(ts) or datetime.min)

    async def async_query(
        self,
        person_id: str | None = None,
        gate_id: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int = 1000,
        decision: Decision | None = None,
        person_ids: Sequence[str] | None = None,
    ) -> list[AccessEntry]:
        """Decisions (newest first) by person(s), gate, decision and time range, with passages.

        `person_ids` restricts to a set of persons (a guardian's children); an
        empty set matches nothing.
        """
        clauses: list[str] = []
        params: list[Any] = []
        if person_id is not None:
            clauses.append("a.person_id = ?")
            params.append(person_id)
        if person_ids is not None:
            if not person_ids:
                return []
            clauses.append(f"a.person_id IN ({', '.join('?' for _ in person_ids)})")
            params.extend(person_ids)
        if decision is not None:
            clauses.append("a.decision = ?")
            params.append(str(decision))
        if gate_id is not None:
            clauses.append("a.gate_id = ?")
            params.append(gate_id)
        if since is not None:
            clauses.append("a.ts >= ?")
            params.append(to_epoch(since))
        if until is not None:
            clauses.append("a.ts < ?")
            params.append(to_epoch(until))
        where = f"WHERE {' AND '.join(clauses)} " if clauses else ""
        rows = await self._db.fetch_all(
            "SELECT a.*, p.outcome, p.ts AS passage_ts FROM access_log a "
            "LEFT JOIN access_passages p ON p.access_id = a.id "
            f"{where}ORDER BY a.ts DESC, a.id DESC LIMIT ?", (*params, limit))
        return [_entry(row) for row in rows]

    async def async_get(self, access_id: int) -> AccessEntry | None:
        """One decision by id."""
        row = await self._db.fetch_one(
            "SELECT a.*, p.outcome, p.ts AS passage_ts FROM access_log a "
            "LEFT JOIN access_passages p ON p.access_id = a.id WHERE a.id = ?", (access_id,))
        return None if row is None else _entry(row)


def _float(value: float | None) -> float | None:
    return None if value is None else float(value)
