"""`menjin enroll PERSON PHOTO…` and `menjin enroll --folder DIR` (one sub-folder per person)."""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path
from typing import Any

from hub.cli.common import add_config_argument
from hub.cli.people_common import actor, run_with_store
from hub.people.store import PeopleStore
from hub.privacy.errors import ConsentRequiredError


def register(subparsers: Any) -> None:
    """Add the `enroll` command."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "enroll", help="enrol faces from photos (consent required)")
    add_config_argument(parser)
    parser.add_argument("person", nargs="?", help="person id")
    parser.add_argument("photos", nargs="*", type=Path, help="photos of that person")
    parser.add_argument("--folder", type=Path,
                        help="bulk: one sub-folder per person id, holding their photos")
    parser.add_argument("--model-dir", type=Path, help="face models (default: MENJIN_MODEL_DIR)")
    parser.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    if args.folder is None and (not args.person or not args.photos):
        print("Error: give PERSON PHOTO... or --folder DIR", file=sys.stderr)
        return 2
    return run_with_store(args, _enroll)


def _progress(done: int, total: int, started: float, name: str) -> None:
    width = 30
    filled = int(width * done / max(total, 1))
    rate = done / max(time.monotonic() - started, 1e-9)
    sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} photos "
                     f"{rate:5.1f}/s {name[:24]:24}")
    sys.stderr.flush()


async def _enroll(store: PeopleStore, args: argparse.Namespace) -> int:
    from hub.face import AsyncFaceEngine, FaceEngineConfig, FaceEngineError
    from hub.people.enrolment import async_enroll_many, async_load_gallery_into
    from hub.privacy.const import Purpose

    if args.folder is not None:
        jobs = await asyncio.to_thread(_bulk_jobs, args.folder)
    else:
        jobs = [(args.person, list(args.photos))]
        await store.persons.async_require(args.person)
        if await store.consents.async_active(args.person, Purpose.gate_entry) is None:
            raise ConsentRequiredError(
                f"No valid gate-entry consent for {args.person}: record it first with "
                "`menjin consent grant` (a guardian's for under-14s); no photo was read.")
    try:
        engine = await AsyncFaceEngine.async_create(FaceEngineConfig(model_dir=args.model_dir))
    except FaceEngineError as err:
        print(f"Error: {err}", file=sys.stderr)
        return 1
    try:
        await async_load_gallery_into(store, engine, actor())
        total = sum(len(photos) for _, photos in jobs)
        done = failures = 0
        started = time.monotonic()
        async for outcome in async_enroll_many(store, engine, jobs, actor()):
            person_id, photos = outcome.person_id, outcome.photos
            if outcome.result is None:
                failures += 1
                sys.stderr.write(f"\n{person_id}: refused: {outcome.error}\n")
            else:
                result = outcome.result
                for rejection in result.rejected:
                    sys.stderr.write(f"\n{person_id}: photo {photos[rejection.index].name} "
                                     f"refused: {'; '.join(rejection.reasons)}\n")
                for warning in result.warnings:
                    sys.stderr.write(f"\n{person_id}: warning: {warning}\n")
                if not result.enrolled:
                    failures += 1
            done += len(photos)
            _progress(done, total, started, person_id)
        elapsed = time.monotonic() - started
        sys.stderr.write("\n")
        print(f"{len(jobs) - failures} of {len(jobs)} people enrolled from {total} photos "
              f"in {elapsed:.1f} s ({total / max(elapsed, 1e-9):.1f} photos/s)")
        return 0 if failures == 0 else 1
    finally:
        await engine.async_close()


def _bulk_jobs(folder: Path) -> list[tuple[str, list[Path]]]:
    from hub.people.enrolment import photos_in

    return [(d.name, photos_in(d)) for d in sorted(folder.iterdir()) if d.is_dir()]
