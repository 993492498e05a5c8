"""kill -9 of a real hub process halfway through draining: nothing lost, repeats dropped."""

from __future__ import annotations

from pathlib import Path

from hub.bench.notify import async_run


async def test_kill_9_halfway_loses_nothing(tmp_path: Path) -> None:
    results = await async_run(count=400, kill_at=0.5, folder=tmp_path / "site", budget=120)
    assert results["complete"], results
    assert results["killed_after_delivered"] < 400  # the kill really came halfway
    assert results["lost"] == 0 and results["delivered"] == 400
    assert results["unexpected_keys"] == 0 and results["bad_signatures"] == 0
    # Repeats are possible (at-least-once); the receiver recognised each one by its key.
    assert results["outbox_after"] == {"pending": 0, "sent": 400, "dead": 0}
