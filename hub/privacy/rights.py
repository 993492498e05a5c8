"""A person's rights over their data: a copy of everything (export) and erasure.

Both walk the same list of tables, so what export shows is what erasure
removes. Erasure leaves exactly one trace: an audit entry with the person's id
and the number of rows removed, never a name or biometric content.
"""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from hub.privacy.biometrics import encode_vector
from hub.privacy.const import AUDIT_BIOMETRIC_EXPORT, AUDIT_PERSON_ERASE, AUDIT_PERSON_EXPORT
from hub.storage import Executor, Row
from hub.storage.values import from_json

if TYPE_CHECKING:
    from hub.people.store import PeopleStore

EXPORT_FORMAT = "menjin-person-export/1"

# (table, WHERE clause selecting one person's rows); order matters for erasure.
_PERSON_TABLES: tuple[tuple[str, str], ...] = (
    ("biometric_templates",
     "credential_id IN (SELECT id FROM credentials WHERE person_id = ?)"),
    ("access_passages", "access_id IN (SELECT id FROM access_log WHERE person_id = ?)"),
    ("snapshots",
     "person_id = ? OR access_id IN (SELECT id FROM access_log WHERE person_id = ?)"),
    ("access_log", "person_id = ?"),
    ("credentials", "person_id = ?"),
    ("consents", "person_id = ?"),
    ("guardians", "person_id = ? OR guardian_person_id = ?"),
    ("households", "person_id = ?"),
    ("person_groups", "person_id = ?"),
    ("qualifications", "person_id = ?"),
    ("schedule_assignments", "subject_type = 'person' AND subject = ?"),
    ("occupancy", "person_id = ?"),
    ("notify_outbox", "subject_person_id = ? OR recipient_person_id = ?"),
    ("one_key_tokens", "resident_id = ? OR visitor_id = ?"),
    ("persons", "id = ?"),
)
_NEVER_EXPORTED = {"nonce", "ciphertext", "secret", "lookup"}
_JSON_COLUMNS = {"attributes", "targets", "data", "reasons", "details"}


def _params(clause: str, person_id: str) -> tuple[str, ...]:
    return (person_id,) * clause.count("?")


def _clean(row: Row) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for column, value in row.items():
        if column in _NEVER_EXPORTED:
            continue
        if column in _JSON_COLUMNS and isinstance(value, str):
            value = from_json(value, column)
        elif isinstance(value, bytes | bytearray | memoryview):
            value = base64.b64encode(bytes(value)).decode("ascii")
        result[column] = value
    return result


async def async_export_person(
    store: PeopleStore, person_id: str, actor: str, include_biometrics: bool = False
) -> dict[str, Any]:
    """Everything held about one person, as JSON-ready data (PIPL art. 45)."""
    await store.persons.async_require(person_id)
    tables: dict[str, list[dict[str, Any]]] = {}
    for table, clause in _PERSON_TABLES:
        rows = await store.db.fetch_all(f"SELECT * FROM {table} WHERE {clause}",
                                        _params(clause, person_id))
        tables[table] = [_clean(row) for row in rows]
    if include_biometrics:
        templates = await store.biometrics.async_templates_of(person_id, actor, "export")
        vectors = {t.template_id: base64.b64encode(encode_vector(t.vector)).decode("ascii")
                   for t in templates}
        for row in tables["biometric_templates"]:
            row["embedding_float32_le_base64"] = vectors.get(row["id"])
        await store.audit.async_append(actor, AUDIT_BIOMETRIC_EXPORT, "person", person_id,
                                       {"templates": len(templates)})
    audit = await store.audit.async_entries(subject=person_id, limit=100_000)
    await store.audit.async_append(actor, AUDIT_PERSON_EXPORT, "person", person_id,
                                   {"biometrics": include_biometrics})
    return {
        "format": EXPORT_FORMAT,
        "exported_at": datetime.now(UTC).isoformat(),
        "person_id": person_id,
        "biometrics_included": include_biometrics,
        "tables": tables,
        "audit": [
            {"seq": e.seq, "ts": e.ts, "actor": e.actor, "action": e.action,
             "details": e.details} for e in reversed(audit)
        ],
    }


async def _erase_rows(tx: Executor, person_id: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for table, clause in _PERSON_TABLES:
        counts[table] = await tx.execute(f"DELETE FROM {table} WHERE {clause}",
                                         _params(clause, person_id))
    return counts


async def async_erase_person(
    store: PeopleStore, person_id: str, actor: str, reason: str = "request"
) -> dict[str, int]:
    """Delete every row about a person in one transaction; keep one audit entry."""
    await store.persons.async_require(person_id)
    async with store.db.transaction() as tx:
        counts = await _erase_rows(tx, person_id)
        await store.audit.async_append(
            actor, AUDIT_PERSON_ERASE, "person", person_id,
            {"reason": reason, "rows": {k: v for k, v in counts.items() if v}}, tx=tx)
    return counts

