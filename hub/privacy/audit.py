"""The audit log: append-only, hash-chained record of who touched what.

Every read or change of biometric data, consents, rules and thresholds is one
entry. Each entry's hash is an HMAC (keyed from the site key) over the previous
hash and the entry, so editing, removing or reordering any entry, or rewriting
the chain without the key, is found by `menjin audit verify`. The database
also refuses UPDATE and DELETE on the table. Entries never carry biometric
content: `details` holding bytes or long number lists is refused.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from hub.privacy.errors import BiometricContentError
from hub.storage import Database, Executor
from hub.storage.values import from_json, to_json

GENESIS_HASH = "0" * 64
HEAD_KEY = "audit_head"
_PAGE = 5000
# A list of more numbers than this in audit details looks like a vector.
_MAX_NUMBER_LIST = 16


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One audited action."""

    seq: int
    ts: float
    actor: str
    action: str
    subject_type: str
    subject: str | None
    details: dict[str, Any]
    prev_hash: str
    hash: str


@dataclass(frozen=True, slots=True)
class AuditVerification:
    """The result of checking the whole chain."""

    ok: bool
    entries: int
    problem: str | None = None
    bad_seq: int | None = None


def _check_no_biometrics(value: Any, path: str = "details") -> None:
    if isinstance(value, bytes | bytearray | memoryview) or hasattr(value, "__array__"):
        raise BiometricContentError(f"{path} holds binary or array data; audit entries must not")
    if isinstance(value, Mapping):
        for key, item in value.items():
            _check_no_biometrics(item, f"{path}.{key}")
    elif isinstance(value, list | tuple):
        numbers = sum(isinstance(item, float) for item in value)
        if numbers > _MAX_NUMBER_LIST:
            raise BiometricContentError(f"{path} looks like a vector; audit entries must not")
        for index, item in enumerate(value):
            _check_no_biometrics(item, f"{path}[{index}]")


def _digest(key: bytes, prev_hash: str, seq: int, ts: float, actor: str, action: str,
            subject_type: str, subject: str | None, details_json: str) -> str:
    body = to_json([seq, repr(float(ts)), actor, action, subject_type, subject, details_json])
    return hmac.new(key, f"{prev_hash}\n{body}".encode(), hashlib.sha256).hexdigest()


class AuditLog:
    """Append entries and verify the chain."""

    def __init__(self, db: Database, key: bytes) -> None:
        self._db = db
        self._key = key

    async def async_append(
        self,
        actor: str,
        action: str,
        subject_type: str,
        subject: str | None = None,
        details: Mapping[str, Any] | None = None,
        tx: Executor | None = None,
    ) -> AuditEntry:
        """Append one entry; inside `tx` when given, so it commits with the change."""
        payload = dict(details or {})
        _check_no_biometrics(payload)
        if tx is not None:
            return await self._append(tx, actor, action, subject_type, subject, payload)
        async with self._db.transaction() as own:
            return await self._append(own, actor, action, subject_type, subject, payload)

    async def _append(self, tx: Executor, actor: str, action: str, subject_type: str,
                      subject: str | None, details: dict[str, Any]) -> AuditEntry:
        head = await tx.fetch_value(
            "SELECT value FROM meta WHERE key = ?" + tx.dialect.for_update, (HEAD_KEY,)
        )
        if head is None:
            last_seq, prev_hash = 0, GENESIS_HASH
            await tx.execute("INSERT INTO meta (key, value) VALUES (?, ?)",
                             (HEAD_KEY, f"0:{GENESIS_HASH}"))
        else:
            seq_text, prev_hash = str(head).split(":", 1)
            last_seq = int(seq_text)
        seq = last_seq + 1
        ts = time.time()
        details_json = to_json(details)
        digest = _digest(self._key, prev_hash, seq, ts, actor, action, subject_type, subject,
                         details_json)
        await tx.execute(
            "INSERT INTO audit_log (seq, ts, actor, action, subject_type, subject, details, "
            "prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (seq, ts, actor, action, subject_type, subject, details_json, prev_hash, digest),
        )
        await tx.execute("UPDATE meta SET value = ? WHERE key = ?", (f"{seq}:{digest}", HEAD_KEY))
        return AuditEntry(seq, ts, actor, action, subject_type, subject, details, prev_hash,
                          digest)

    async def async_entries(
        self, subject: str | None = None, action_prefix: str | None = None, limit: int = 1000
    ) -> list[AuditEntry]:
        """Entries, newest first, optionally about one subject or one kind of action."""
        clauses, params = [], []
        if subject is not None:
            clauses.append("subject = ?")
            params.append(subject)
        if action_prefix is not None:
            clauses.append("action LIKE ?")
            params.append(action_prefix + "%")
        where = f"WHERE {' AND '.join(clauses)} " if clauses else ""
        rows = await self._db.fetch_all(
            f"SELECT * FROM audit_log {where}ORDER BY seq DESC LIMIT ?", (*params, limit)
        )
        return [_entry(row) for row in rows]

    async def async_verify(self) -> AuditVerification:
        """Recompute the whole chain; report the first entry that does not fit."""
        prev_hash, expected_seq, count = GENESIS_HASH, 1, 0
        while True:
            rows = await self._db.fetch_all(
                "SELECT * FROM audit_log WHERE seq >= ? ORDER BY seq LIMIT ?",
                (expected_seq, _PAGE),
            )
            for row in rows:
                seq = int(row["seq"])
                if seq != expected_seq:
                    return AuditVerification(False, count, f"entry {expected_seq} is missing",
                                             expected_seq)
                if row["prev_hash"] != prev_hash:
                    return AuditVerification(
                        False, count, f"entry {seq} does not follow entry {seq - 1}", seq)
                digest = _digest(self._key, prev_hash, seq, float(row["ts"]), row["actor"],
                                 row["action"], row["subject_type"], row["subject"],
                                 row["details"])
                if not hmac.compare_digest(digest, str(row["hash"])):
                    return AuditVerification(
                        False, count, f"entry {seq} was changed after it was written", seq)
                prev_hash, expected_seq, count = digest, seq + 1, count + 1
            if len(rows) < _PAGE:
                break
        missing_before = await self._db.fetch_value(
            "SELECT COUNT(*) FROM audit_log WHERE seq < 1")
        if missing_before:
            return AuditVerification(False, count, "entries with invalid numbers were added")
        head = await self._db.fetch_value("SELECT value FROM meta WHERE key = ?", (HEAD_KEY,))
        expected_head = f"{count}:{prev_hash}"
        if count and head != expected_head:
            return AuditVerification(
                False, count, "the chain's head does not match its last entry: entries after "
                f"{count} were removed", count + 1)
        return AuditVerification(True, count)


def _entry(row: Mapping[str, Any]) -> AuditEntry:
    return AuditEntry(
        seq=int(row["seq"]), ts=float(row["ts"]), actor=str(row["actor"]),
        action=str(row["action"]), subject_type=str(row["subject_type"]),
        subject=row["subject"], details=from_json(row["details"], f"audit entry {row['seq']}"),
        prev_hash=str(row["prev_hash"]), hash=str(row["hash"]),
    )
