"""A restored backup must not bring back what people asked to have removed.

A backup is older than the database it replaces. Whoever was erased, or
withdrew consent, after the backup was taken would silently come back with it
(and their face would match again at the gate). The replaced database is kept
aside by the restore, and its audit log says exactly what happened since: the
erasures and withdrawals recorded after the backup's moment are done again on
the restored data, each with its own audit entry.
"""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from hub.people.errors import PersonNotFound
from hub.privacy.const import AUDIT_CONSENT_WITHDRAW, AUDIT_PERSON_ERASE, Purpose

if TYPE_CHECKING:
    from hub.people.store import PeopleStore

RESTORE_CHANNEL = "backup restore"


@dataclass(frozen=True, slots=True)
class LaterRemoval:
    """An erasure or a consent withdrawal recorded after the backup was taken."""

    action: str
    person_id: str
    purpose: str | None
    ts: float


def read_later_removals(replaced_database: Path, since: float) -> list[LaterRemoval]:
    """Erasures and withdrawals in the replaced database's audit log after `since` (blocking)."""
    with closing(sqlite3.connect(replaced_database)) as db:
        rows = db.execute(
            "SELECT action, subject, details, ts FROM audit_log WHERE ts >= ? AND action IN "
            "(?, ?) AND subject IS NOT NULL ORDER BY seq",
            (since, AUDIT_PERSON_ERASE, AUDIT_CONSENT_WITHDRAW)).fetchall()
    removals = []
    for action, subject, details, ts in rows:
        purpose = json.loads(details).get("purpose") if action == AUDIT_CONSENT_WITHDRAW else None
        removals.append(LaterRemoval(action, str(subject), purpose, float(ts)))
    return removals


async def async_reapply(store: PeopleStore, removals: list[LaterRemoval],
                        actor: str) -> list[LaterRemoval]:
    """Do each removal again on the restored data; return those that changed something."""
    from hub.privacy.rights import async_erase_person

    done: list[LaterRemoval] = []
    for removal in removals:
        try:
            if removal.action == AUDIT_PERSON_ERASE:
                await async_erase_person(store, removal.person_id, actor,
                                         reason="erased again after a backup was restored")
            elif removal.purpose is not None:
                withdrawal = await store.consents.async_withdraw(
                    removal.person_id, Purpose(removal.purpose), "menjin", RESTORE_CHANNEL,
                    actor=actor)
                if not withdrawal.consents:
                    continue
        except PersonNotFound:
            continue  # not in the backup either, or erased by an earlier entry
        done.append(removal)
    return done
