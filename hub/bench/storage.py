"""`menjin bench storage`: access-log write latency, query time on 1M rows, enrolment rate.

Each write is measured to the moment `async_record` returns, i.e. after the
commit is durable (what a gate waits for before it opens). Rows for the query
test are bulk-loaded, then one person's day is fetched through the same
`AccessLog.async_query` automations use.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from hub.bench.report import print_results
from hub.people.access_log import AccessRecord
from hub.people.config import PeopleConfig
from hub.people.const import CredentialType, Decision, Direction
from hub.people.store import PeopleStore
from hub.privacy.keys import SiteKey
from hub.storage import StorageOptions

DEFAULT_PHOTOS = Path(__file__).resolve().parents[2].parent / "shared/data/faces/lfw"


def register_bench(targets: Any) -> None:
    """Add the `storage` benchmark target."""
    parser: argparse.ArgumentParser = targets.add_parser(
        "storage", help="access-log writes, queries over 1M rows, bulk enrolment")
    parser.add_argument("--writes", type=int, default=300)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--dsn", help="PostgreSQL DSN (a scratch schema is created and dropped)")
    parser.add_argument("--photos", type=Path, default=DEFAULT_PHOTOS,
                        help="folder with one sub-folder of photos per person")
    parser.add_argument("--people", type=int, default=40, help="persons to enrol")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(func=run_bench)


def run_bench(args: argparse.Namespace) -> int:
    """Run every measurement and print the numbers."""
    print_results(asyncio.run(_measure(args)), args.json)
    return 0


def _config(folder: Path, args: argparse.Namespace, synchronous: str) -> PeopleConfig:
    if args.backend == "postgresql":
        options = StorageOptions(backend="postgresql", dsn=args.dsn,
                                 schema=f"bench_{os.getpid()}_{synchronous.lower()}")
    else:
        options = StorageOptions(path=folder / "bench.db", synchronous=synchronous)  # type: ignore[arg-type]
    return PeopleConfig(config_dir=folder, storage=options)


async def _drop_schema(store: PeopleStore) -> None:
    if store.db.dialect.name == "postgresql":
        schema = store.config.storage.schema
        await store.db.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


async def _measure(args: argparse.Namespace) -> dict[str, Any]:
    results: dict[str, Any] = {"backend": args.backend}
    key = SiteKey.generate()
    with tempfile.TemporaryDirectory(dir=os.environ.get("MENJIN_BENCH_DIR")) as tmp:
        for synchronous in ("FULL", "NORMAL"):
            folder = Path(tmp) / synchronous
            folder.mkdir()
            store = await PeopleStore.async_open(_config(folder, args, synchronous), key)
            try:
                latencies = await _writes(store, args.writes)
                label = "durable" if synchronous == "FULL" else "normal_sync"
                results[f"access_log_write_{label}_median_ms"] = round(
                    statistics.median(latencies), 3)
                results[f"access_log_write_{label}_p95_ms"] = round(
                    statistics.quantiles(latencies, n=20)[-1], 3)
                if synchronous == "FULL":
                    results.update(await _queries(store, args.rows, args.queries))
                    results.update(await _enrolment(store, args.photos, args.people))
            finally:
                await _drop_schema(store)
                await store.async_close()
            if args.backend == "postgresql":
                break  # durability is the server's setting, not ours
    return results


async def _writes(store: PeopleStore, count: int) -> list[float]:
    latencies = []
    for index in range(count + 20):
        started = time.perf_counter()
        await store.access_log.async_record(AccessRecord(
            Decision.granted, "gate_3", Direction.entry, f"p{index % 50}", CredentialType.face,
            score=0.71, temperature=36.6, mask="none", liveness=0.98, rule="person_valid",
            reasons=("schedule school_day",)))
        if index >= 20:  # warm-up: WAL growth, statement cache
            latencies.append((time.perf_counter() - started) * 1000)
    return latencies


async def _queries(store: PeopleStore, rows: int, queries: int) -> dict[str, Any]:
    people, days = 5000, 60
    start = datetime(2026, 1, 1, tzinfo=UTC).timestamp()
    rng = random.Random(5)
    columns = ("ts", "decision", "person_id", "credential_type", "gate_id", "direction",
               "score", "rule", "reasons", "details")
    started = time.perf_counter()
    batch: list[tuple[Any, ...]] = []
    for index in range(rows):
        batch.append((start + rng.random() * days * 86400, "granted", f"p{index % people}",
                      "face", f"gate_{index % 8}", "in", 0.7, "person_valid", "[]", "{}"))
        if len(batch) == 100_000:
            await store.db.async_copy_rows("access_log", columns, batch)
            batch = []
    if batch:
        await store.db.async_copy_rows("access_log", columns, batch)
    if store.db.dialect.name == "postgresql":
        await store.db.execute("ANALYZE access_log")
    load_s = time.perf_counter() - started
    times, found = [], 0
    for _ in range(queries):
        day = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(days=rng.randrange(days))
        person = f"p{rng.randrange(people)}"
        began = time.perf_counter()
        entries = await store.access_log.async_query(
            person_id=person, since=day, until=day + timedelta(days=1))
        times.append((time.perf_counter() - began) * 1000)
        found += len(entries)
    return {
        "query_rows": rows,
        "query_bulk_load_s": round(load_s, 2),
        "query_person_day_median_ms": round(statistics.median(times), 3),
        "query_person_day_p95_ms": round(statistics.quantiles(times, n=20)[-1], 3),
        "query_rows_returned_mean": round(found / queries, 1),
    }


async def _enrolment(store: PeopleStore, photos: Path, people: int) -> dict[str, Any]:
    if not await asyncio.to_thread(photos.is_dir):
        return {"enrol_photos_per_s": None, "enrol_skipped": f"no photos at {photos}"}
    try:
        from hub.face import AsyncFaceEngine, FaceEngineError
        from hub.people.const import PersonKind
        from hub.people.enrolment import async_enroll_many, photos_in
        from hub.people.model import Person
        from hub.privacy.const import Purpose

        engine = await AsyncFaceEngine.async_create()
    except (ImportError, FaceEngineError) as err:
        return {"enrol_photos_per_s": None, "enrol_skipped": str(err)[:200]}
    try:
        folders = (await asyncio.to_thread(_person_folders, photos))[:people]
        for folder in folders:
            await store.persons.async_add(Person(folder.name, folder.name, PersonKind.staff))
            await store.consents.async_grant(folder.name, Purpose.gate_entry, "self", "bench",
                                             "v1")
        total = enrolled = stored = 0
        started = time.perf_counter()
        cpu_started = time.process_time()
        jobs = [(folder.name, await asyncio.to_thread(photos_in, folder)) for folder in folders]
        async for outcome in async_enroll_many(store, engine, jobs, "bench"):
            total += len(outcome.photos)
            if outcome.result is not None:
                enrolled += outcome.result.accepted
        elapsed = time.perf_counter() - started
        cpu = time.process_time() - cpu_started
        stored = len(await store.biometrics.async_load_gallery(actor="bench"))
    finally:
        await engine.async_close()
    return {"enrol_people": len(folders), "enrol_photos": total, "enrol_accepted": enrolled,
            "enrol_templates_stored": stored,
            "enrol_photos_per_s": round(total / elapsed, 1),
            # CPU seconds of this process per photo: less sensitive than the rate to
            # other work sharing the machine.
            "enrol_cpu_ms_per_photo": round(cpu * 1000 / max(total, 1), 1)}


def _person_folders(photos: Path) -> list[Path]:
    return [d for d in sorted(photos.iterdir()) if d.is_dir()]
