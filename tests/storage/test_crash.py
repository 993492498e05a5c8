"""kill -9 while decisions are being written: every acknowledged decision survives."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys

from hub.people.config import PeopleConfig
from hub.people.store import PeopleStore
from hub.privacy.keys import SiteKey
from tests.conftest import REPO_ROOT

ACKS_BEFORE_KILL = 150


def test_kill_9_loses_no_acknowledged_decision(
    people_config: PeopleConfig, site_key: SiteKey
) -> None:
    options = people_config.storage
    spec = {"config_dir": str(people_config.config_dir), "backend": options.backend,
            "path": str(options.path or ""), "dsn": options.dsn or "",
            "schema": options.schema or ""}
    # create the schema and key fingerprint first, as a running site would have
    asyncio.run(_reopen_and_read(people_config, site_key, []))
    env = {**os.environ, "MENJIN_TEST_KEY": site_key.as_text(), "PYTHONPATH": str(REPO_ROOT)}
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.storage.access_writer", json.dumps(spec)],
        stdout=subprocess.PIPE, text=True, env=env, cwd=REPO_ROOT)
    assert child.stdout is not None
    acknowledged: list[int] = []
    try:
        assert child.stdout.readline().strip() == "ready"
        while len(acknowledged) < ACKS_BEFORE_KILL:
            line = child.stdout.readline()
            assert line, "writer died before it was killed"
            acknowledged.append(int(line))
        os.kill(child.pid, signal.SIGKILL)
        # ids printed after our last read are acknowledged too
        acknowledged += [int(line) for line in child.stdout.read().split() if line.isdigit()]
    finally:
        child.kill()
        child.wait()
    assert child.returncode == -signal.SIGKILL

    stored, last = asyncio.run(_reopen_and_read(people_config, site_key, acknowledged[-1:]))
    missing = set(acknowledged) - stored
    assert not missing, f"{len(missing)} acknowledged decisions lost: {sorted(missing)[:10]}"
    assert len(acknowledged) >= ACKS_BEFORE_KILL
    assert last == [("ok",)]


async def _reopen_and_read(config: PeopleConfig, key: SiteKey, check: list[int]
                           ) -> tuple[set[int], list[tuple[str, ...]]]:
    """Open the store (as a restarted hub would); return stored ids and some reasons."""
    store = await PeopleStore.async_open(config, key)
    try:
        rows = await store.db.fetch_all("SELECT id FROM access_log")
        reasons = []
        for access_id in check:
            entry = await store.access_log.async_get(access_id)
            assert entry is not None
            reasons.append(tuple(entry.record.reasons))
        return {int(row["id"]) for row in rows}, reasons
    finally:
        await store.async_close()
