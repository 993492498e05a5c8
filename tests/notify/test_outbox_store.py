"""The outbox and one-key tables on both back-ends (SQLite and PostgreSQL)."""

from __future__ import annotations

import time

from hub.notify.const import OutboxStatus
from hub.notify.model import NewMessage
from hub.notify.outbox import Outbox
from hub.people.store import PeopleStore


async def test_enqueue_claim_settle_requeue_prune(store: PeopleStore) -> None:
    outbox = Outbox(store.db)
    later = time.time() + 3600
    ids = await outbox.async_enqueue([
        NewMessage(target="desk", recipient="r", message="one"),
        NewMessage(target="desk", recipient="r", message="two", data={"n": 2}),
        NewMessage(target="desk", recipient="r", message="quiet", not_before=later),
    ])
    again = NewMessage(id=ids[0], target="desk", recipient="r", message="one again")
    await outbox.async_enqueue([again])  # same key: ignored
    due = await outbox.async_due(time.time(), 10)
    assert [m.message for m in due] == ["one", "two"]
    await outbox.async_settle([(ids[0], 1)], [(ids[1], 1, time.time() + 60, "HTTP 503")], [])
    assert (await outbox.async_counts()) == {"pending": 2, "sent": 1, "dead": 0}
    assert await outbox.async_due(time.time(), 10) == []
    assert abs((await outbox.async_next_due() or 0) - time.time() - 60) < 5
    await outbox.async_settle([], [], [(ids[1], 2, "gone")])
    dead = await outbox.async_get(ids[1])
    assert dead is not None and dead.status is OutboxStatus.dead and dead.data == {"n": 2}
    assert await outbox.async_requeue() == 1
    assert await outbox.async_prune(time.time() + 1) == 1  # the sent one


async def test_one_key_use_is_single_and_per_event(store: PeopleStore) -> None:
    now = time.time()
    for nonce in ("a", "b"):
        await store.db.execute(
            "INSERT INTO one_key_tokens (nonce, gate_id, resident_id, visitor_id, event_id, "
            "issued_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (nonce, "gate_3", "r1", None, "event-1", now, now + 120))
    consume = ("UPDATE one_key_tokens SET used_at = ? WHERE nonce = ? AND used_at IS NULL "
               "AND expires_at > ? AND NOT EXISTS (SELECT 1 FROM one_key_tokens other WHERE "
               "other.event_id = ? AND other.used_at IS NOT NULL)")
    assert await store.db.execute(consume, (now, "a", now, "event-1")) == 1
    assert await store.db.execute(consume, (now, "a", now, "event-1")) == 0
    assert await store.db.execute(consume, (now, "b", now, "event-1")) == 0
