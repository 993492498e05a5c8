"""Retention: delete each class of data when its time is up.

Run daily by the `people` integration and on demand by `menjin retention run`.
Leavers are erased completely (one audit entry each); old access-log rows,
expired snapshots and long-expired QR passes are deleted. The audit log is
never pruned here: it is the record of processing the law asks to keep.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from hub.privacy.const import AUDIT_RETENTION_RUN
from hub.privacy.rights import async_erase_person
from hub.storage.values import to_epoch

if TYPE_CHECKING:
    from hub.people.store import PeopleStore


async def async_run_retention(
    store: PeopleStore, actor: str = "retention", now: datetime | None = None
) -> dict[str, int]:
    """Apply the configured retention; return how many of each class were removed."""
    now = now or datetime.now(UTC)
    policy = store.config.retention
    log_cutoff = to_epoch(now - policy.access_log)
    snap_cutoff = to_epoch(now - policy.snapshots)
    pass_cutoff = to_epoch(now - policy.expired_passes)
    leaver_cutoff = to_epoch(now - policy.leavers)
    counts: dict[str, int] = {}
    async with store.db.transaction() as tx:
        await tx.execute(
            "DELETE FROM access_passages WHERE access_id IN "
            "(SELECT id FROM access_log WHERE ts < ?)", (log_cutoff,))
        counts["access_log"] = await tx.execute(
            "DELETE FROM access_log WHERE ts < ?", (log_cutoff,))
        counts["snapshots"] = await tx.execute(
            "DELETE FROM snapshots WHERE expires_at <= ? OR ts < ?", (to_epoch(now), snap_cutoff))
        counts["expired_passes"] = await tx.execute(
            "DELETE FROM credentials WHERE type = 'qr' AND valid_until < ?", (pass_cutoff,))
    leavers = await store.db.fetch_all(
        "SELECT id FROM persons WHERE status = 'left' AND left_at < ? ORDER BY id",
        (leaver_cutoff,))
    for row in leavers:
        await async_erase_person(store, str(row["id"]), actor, reason="retention: left the site")
    counts["leavers"] = len(leavers)
    await store.audit.async_append(actor, AUDIT_RETENTION_RUN, "site", None, counts)
    return counts
