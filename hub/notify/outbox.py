"""The outbox table: every notification is committed here before any channel sees it.

Delivery is at-least-once: a row leaves `pending` only after its channel has
accepted it, so a crash between sending and marking repeats the send, and the
id (the idempotency key the channels carry) lets the receiver drop the repeat.
Writes are batched (one transaction per batch of results) so a busy site does
not pay one fsync per message.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from hub.notify.const import OutboxStatus
from hub.notify.model import NewMessage, OutboxMessage
from hub.storage import CorruptRecordError, Database, Row
from hub.storage.values import from_json, to_json

_COLUMNS = (
    "id, target, address, recipient, recipient_person_id, subject_person_id, language, title, "
    "message, data, status, attempts, next_attempt_at, created_at, updated_at, sent_at, "
    "last_error, context_id"
)
_INSERT = (
    f"INSERT INTO notify_outbox ({_COLUMNS}) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING"
)


def _message(row: Row) -> OutboxMessage:
    try:
        status = OutboxStatus(row["status"])
    except ValueError as err:
        raise CorruptRecordError(f"Outbox row {row['id']!r} has an unknown status") from err
    data = from_json(row["data"], f"outbox row {row['id']!r}")
    return OutboxMessage(
        id=str(row["id"]), target=str(row["target"]), address=row["address"],
        recipient=str(row["recipient"]), message=str(row["message"]), title=row["title"],
        data=data if isinstance(data, dict) else {}, language=row["language"], status=status,
        attempts=int(row["attempts"]), next_attempt_at=float(row["next_attempt_at"]),
        created_at=float(row["created_at"]),
        sent_at=None if row["sent_at"] is None else float(row["sent_at"]),
        last_error=row["last_error"], recipient_person_id=row["recipient_person_id"],
        subject_person_id=row["subject_person_id"], context_id=row["context_id"],
    )


def _row(message: NewMessage, status: OutboxStatus, now: float,
         error: str | None) -> tuple[Any, ...]:
    due = max(now, message.not_before or now)
    return (message.id, message.target, message.address, message.recipient,
            message.recipient_person_id, message.subject_person_id, message.language,
            message.title, message.message, to_json(dict(message.data)), str(status), 0, due,
            now, now, None, error, message.context_id)


class Outbox:
    """Queue, claim and settle notifications in the site database."""

    def __init__(self, db: Database) -> None:
        self.db = db
        # Called when dead letters become due again, so the worker sends them now.
        self.on_requeued: Callable[[], None] | None = None

    async def async_enqueue(self, messages: Sequence[NewMessage]) -> list[str]:
        """Commit messages as pending (one transaction); a repeated id is ignored."""
        now = time.time()
        rows = [_row(message, OutboxStatus.pending, now, None) for message in messages]
        if rows:
            async with self.db.transaction() as tx:
                await tx.executemany(_INSERT, rows)
        return [message.id for message in messages]

    async def async_record_dead(self, message: NewMessage, error: str) -> str:
        """Store a message that can never be sent (bad template, no such target), visibly."""
        await self.db.execute(_INSERT, _row(message, OutboxStatus.dead, time.time(), error))
        return message.id

    async def async_due(self, now: float, limit: int) -> list[OutboxMessage]:
        """Pending messages whose time has come, oldest first."""
        rows = await self.db.fetch_all(
            f"SELECT {_COLUMNS} FROM notify_outbox WHERE status = 'pending' "
            "AND next_attempt_at <= ? ORDER BY next_attempt_at LIMIT ?",
            (now, limit))
        return [_message(row) for row in rows]

    async def async_next_due(self) -> float | None:
        """When the earliest pending message is due, or None when nothing is pending."""
        value = await self.db.fetch_value(
            "SELECT MIN(next_attempt_at) FROM notify_outbox WHERE status = 'pending'")
        return None if value is None else float(value)

    async def async_settle(
        self,
        sent: Iterable[tuple[str, int]],
        retry: Iterable[tuple[str, int, float, str]],
        dead: Iterable[tuple[str, int, str]],
    ) -> None:
        """Write a batch of outcomes in one transaction.

        `sent`: (id, attempts); `retry`: (id, attempts, next_attempt_at, error);
        `dead`: (id, attempts, error). Only pending rows change, so a message
        requeued by hand meanwhile is not overwritten.
        """
        now = time.time()
        sent_rows = [("sent", attempts, now, now, None, key) for key, attempts in sent]
        retry_rows = [(attempts, due, now, error, key) for key, attempts, due, error in retry]
        dead_rows = [(attempts, now, error, key) for key, attempts, error in dead]
        if not (sent_rows or retry_rows or dead_rows):
            return
        async with self.db.transaction() as tx:
            if sent_rows:
                await tx.executemany(
                    "UPDATE notify_outbox SET status = ?, attempts = ?, sent_at = ?, "
                    "updated_at = ?, last_error = ? WHERE id = ? AND status = 'pending'",
                    sent_rows)
            if retry_rows:
                await tx.executemany(
                    "UPDATE notify_outbox SET attempts = ?, next_attempt_at = ?, updated_at = ?, "
                    "last_error = ? WHERE id = ? AND status = 'pending'", retry_rows)
            if dead_rows:
                await tx.executemany(
                    "UPDATE notify_outbox SET status = 'dead', attempts = ?, updated_at = ?, "
                    "last_error = ? WHERE id = ? AND status = 'pending'", dead_rows)

    async def async_get(self, message_id: str) -> OutboxMessage | None:
        """One message by id."""
        row = await self.db.fetch_one(
            f"SELECT {_COLUMNS} FROM notify_outbox WHERE id = ?", (message_id,))
        return None if row is None else _message(row)

    async def async_list(self, status: OutboxStatus | None = None,
                         limit: int = 100) -> list[OutboxMessage]:
        """Messages, newest first, optionally of one status."""
        where, params = ("WHERE status = ? ", [str(status)]) if status else ("", [])
        rows = await self.db.fetch_all(
            f"SELECT {_COLUMNS} FROM notify_outbox {where}ORDER BY created_at DESC, id LIMIT ?",
            [*params, limit])
        return [_message(row) for row in rows]

    async def async_counts(self) -> dict[str, int]:
        """How many messages are pending, sent and dead."""
        rows = await self.db.fetch_all(
            "SELECT status, COUNT(*) AS n FROM notify_outbox GROUP BY status")
        counts = {str(status): 0 for status in OutboxStatus}
        counts.update({str(row["status"]): int(row["n"]) for row in rows})
        return counts

    async def async_requeue(self, message_id: str | None = None) -> int:
        """Give dead letters (one, or all) a fresh retry budget, due now."""
        now = time.time()
        if message_id is None:
            count = await self.db.execute(
                "UPDATE notify_outbox SET status = 'pending', attempts = 0, next_attempt_at = ?, "
                "updated_at = ? WHERE status = 'dead'", (now, now))
        else:
            count = await self.db.execute(
                "UPDATE notify_outbox SET status = 'pending', attempts = 0, next_attempt_at = ?, "
                "updated_at = ? WHERE status = 'dead' AND id = ?", (now, now, message_id))
        if count and self.on_requeued is not None:
            self.on_requeued()
        return count

    async def async_prune(self, older_than: float) -> int:
        """Delete sent messages settled before `older_than` (they hold personal data)."""
        return await self.db.execute(
            "DELETE FROM notify_outbox WHERE status = 'sent' AND updated_at < ?", (older_than,))
