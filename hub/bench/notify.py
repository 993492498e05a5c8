"""`menjin bench notify`: drain a queued outbox to a webhook, with a kill -9 halfway.

The benchmark plays a real site: it queues N notifications in a fresh site
database, starts `menjin run` as a separate process with a webhook target
pointed at a receiver in this process, kills the hub with SIGKILL once half
have arrived, starts it again and waits until the outbox is empty. The
receiver counts every delivery by idempotency key, so the report says how
many arrived, how many were repeats a real receiver would drop, and how many
were lost (the number that must be 0).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import hmac
import json
import os
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web

from hub.notify.model import NewMessage
from hub.notify.outbox import Outbox
from hub.people.store import PeopleStore
from hub.privacy.keys import SiteKey

SECRET = "bench-webhook-secret-0123456789"
ENQUEUE_BATCH = 1000


def register_bench(targets: Any) -> None:
    """Add the `notify` benchmark target."""
    parser: argparse.ArgumentParser = targets.add_parser(
        "notify", help="drain N queued notifications to a webhook, kill -9 halfway")
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--kill-at", type=float, default=0.5,
                        help="fraction delivered before SIGKILL (0 = no kill)")
    parser.add_argument("--timeout", type=float, default=300.0)
    parser.add_argument("--workdir", type=Path, help="keep the site here (default: temp)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(func=run_bench)


@dataclass
class _Receiver:
    """A webhook endpoint that checks signatures and counts deliveries per key."""

    keys: Counter[str] = field(default_factory=Counter)
    first_seen: list[float] = field(default_factory=list)
    bad_signatures: int = 0
    changed: asyncio.Event = field(default_factory=asyncio.Event)

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        expected = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(request.headers.get("X-Menjin-Signature", ""), expected):
            self.bad_signatures += 1
            return web.Response(status=401)
        key = request.headers.get("Idempotency-Key", "")
        self.keys[key] += 1
        if self.keys[key] == 1:
            self.first_seen.append(time.monotonic())
        self.changed.set()
        return web.Response(status=204)

    @property
    def unique(self) -> int:
        return len(self.keys)

    async def wait_for(self, unique: int, deadline: float) -> bool:
        while self.unique < unique:
            if time.monotonic() > deadline:
                return False
            self.changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.changed.wait(), 0.5)
        return True


def _write_site(folder: Path, url: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "secrets.yaml").write_text(
        f"site_key: {SiteKey.generate().as_text()}\nbench_secret: {SECRET}\n")
    (folder / "configuration.yaml").write_text(textwrap.dedent(f"""\
        menjin: {{name: notify bench, time_zone: Asia/Shanghai}}
        logger: {{default: warning}}
        people: {{}}
        notify:
          retry: {{attempts: 20, base_delay: 0.2, max_delay: 2}}
          targets:
            bench:
              platform: webhook
              url: {url}
              secret: !secret bench_secret
        """))


async def _enqueue(folder: Path, count: int) -> list[str]:
    store = await PeopleStore.async_from_config_dir(folder)
    try:
        outbox = Outbox(store.db)
        ids: list[str] = []
        for start in range(0, count, ENQUEUE_BATCH):
            batch = [NewMessage(target="bench", recipient=f"bench:{n}",
                                message=f"Bench message {n}", data={"n": n})
                     for n in range(start, min(count, start + ENQUEUE_BATCH))]
            ids += await outbox.async_enqueue(batch)
        return ids
    finally:
        await store.async_close()


async def _outbox_counts(folder: Path) -> dict[str, int]:
    store = await PeopleStore.async_from_config_dir(folder)
    try:
        return await Outbox(store.db).async_counts()
    finally:
        await store.async_close()


def _start_hub(folder: Path, log: Any) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "hub", "run", "-c", str(folder)],
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


async def async_run(count: int, kill_at: float, folder: Path,
                    budget: float = 300.0) -> dict[str, Any]:
    """Run the benchmark in `folder` (giving up after `budget` seconds); return the numbers."""
    receiver = _Receiver()
    app = web.Application()
    app.router.add_post("/hook", receiver.handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    _write_site(folder, f"http://127.0.0.1:{port}/hook")
    queued_at = time.monotonic()
    ids = await _enqueue(folder, count)
    enqueue_seconds = time.monotonic() - queued_at
    deadline = time.monotonic() + budget
    log = (folder / "hub.log").open("ab")
    results: dict[str, Any] = {"count": count, "enqueue_seconds": round(enqueue_seconds, 3)}
    hub: subprocess.Popen[bytes] | None = None
    try:
        hub = _start_hub(folder, log)
        started = time.monotonic()
        killed_after: int | None = None
        if kill_at > 0:
            await receiver.wait_for(max(1, int(count * kill_at)), deadline)
            os.kill(hub.pid, signal.SIGKILL)
            killed_at = time.monotonic()
            await asyncio.to_thread(hub.wait)
            killed_after = receiver.unique
            first = receiver.first_seen[0] if receiver.first_seen else killed_at
            results["rate_before_kill_per_s"] = round(killed_after / max(1e-6,
                                                                         killed_at - first), 1)
            results["killed_after_delivered"] = killed_after
            hub = _start_hub(folder, log)
            restarted = time.monotonic()
        else:
            restarted = started
        complete = await receiver.wait_for(count, deadline)
        done_at = time.monotonic()
        after = [t for t in receiver.first_seen if t >= restarted]
        if after:
            results["rate_after_restart_per_s"] = round(
                len(after) / max(1e-6, done_at - after[0]), 1)
            results["restart_to_first_delivery_s"] = round(after[0] - restarted, 2)
        first = receiver.first_seen[0] if receiver.first_seen else done_at
        results["rate_overall_per_s"] = round(receiver.unique / max(1e-6, done_at - first), 1)
        # Let the hub record the last outcomes, then stop it gracefully.
        await asyncio.sleep(1.0)
        hub.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(asyncio.to_thread(hub.wait), 30)
        except TimeoutError:
            hub.kill()
        results["outbox_after"] = await _outbox_counts(folder)
        results["complete"] = complete
    finally:
        if hub is not None and hub.poll() is None:  # never leave a hub running behind us
            hub.kill()
            await asyncio.to_thread(hub.wait)
        log.close()
        await runner.cleanup()
    delivered = sum(1 for key in ids if receiver.keys.get(key))
    results.update(
        delivered=delivered, duplicates_by_key=sum(n - 1 for n in receiver.keys.values()),
        lost=count - delivered, unexpected_keys=len(set(receiver.keys) - set(ids)),
        bad_signatures=receiver.bad_signatures)
    return results


def run_bench(args: argparse.Namespace) -> int:
    """Run and print; exit 1 when any notification was lost."""
    if args.workdir is not None:
        results = asyncio.run(async_run(args.count, args.kill_at, args.workdir, args.timeout))
    else:
        with tempfile.TemporaryDirectory(prefix="menjin-bench-notify-") as folder:
            results = asyncio.run(async_run(args.count, args.kill_at, Path(folder),
                                            args.timeout))
    if args.json:
        print(json.dumps(results))
    else:
        for key, value in results.items():
            print(f"{key:32} {value}")
    return 0 if results["lost"] == 0 else 1
