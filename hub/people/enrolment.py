"""Enrol faces from photos: consent first, the face engine's checks, then encrypted storage.

The order is the point: consent is checked before any photo is decoded; the
face engine (hub.face) refuses bad photos with reasons and warns about
duplicates; only then are the embeddings written, encrypted, and the
consent checked again inside that write. Photos are read into memory and
never stored: templates only (PRIVACY.md checklist item 3).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from hub.privacy.const import Purpose
from hub.privacy.errors import ConsentRequiredError

if TYPE_CHECKING:
    from hub.face import AsyncFaceEngine, EnrolmentResult
    from hub.people.store import PeopleStore

_LOGGER = logging.getLogger(__name__)

PHOTO_SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp", ".pgm", ".webp")


def model_id_of(engine: AsyncFaceEngine) -> str:
    """The recogniser's identity: embeddings of different models never mix."""
    recogniser = engine.engine.models.recogniser
    return f"{Path(recogniser.path).stem}:{recogniser.sha256[:12]}"


async def async_load_gallery_into(store: PeopleStore, engine: AsyncFaceEngine,
                                  actor: str = "face_engine") -> int:
    """Load every stored template of the engine's model into its gallery; return persons."""
    templates = await store.biometrics.async_load_gallery(model_id_of(engine), actor)
    by_person: dict[str, list[np.ndarray]] = defaultdict(list)
    for template in templates:
        by_person[template.person_id].append(template.vector)
    for person_id, vectors in by_person.items():
        await engine.async_add_embeddings(person_id, np.stack(vectors).astype(np.float32))
    return len(by_person)


async def _require_consent(store: PeopleStore, person_id: str) -> None:
    await store.persons.async_require(person_id)
    if await store.consents.async_active(person_id, Purpose.gate_entry) is None:
        raise ConsentRequiredError(
            f"No valid gate-entry consent for {person_id}: record it first with "
            "`menjin consent grant` (a guardian's for under-14s); no photo was read.")


async def _store_and_commit(store: PeopleStore, engine: AsyncFaceEngine,
                            result: EnrolmentResult, actor: str) -> EnrolmentResult:
    """Write the full-precision embeddings and quality scores, then update the gallery.

    The gallery changes only after the store's commit: if the write fails
    (consent withdrawn meanwhile, disk full) the gallery is exactly as before.
    """
    if not result.enrolled:
        return result
    await store.biometrics.async_enroll(
        result.person_id, list(result.embeddings), model_id_of(engine),
        quality=list(result.qualities), actor=actor)
    return await engine.async_commit_enrolment(result)


async def async_enroll_photos(
    store: PeopleStore, engine: AsyncFaceEngine, person_id: str, photos: Sequence[Path | bytes],
    actor: str,
) -> EnrolmentResult:
    """Enrol one person from photos; ConsentRequiredError before any photo is read."""
    await _require_consent(store, person_id)
    result = await engine.async_prepare_enrolment(person_id, list(photos))
    return await _store_and_commit(store, engine, result, actor)


@dataclass(frozen=True, slots=True)
class BulkOutcome:
    """One person of a bulk enrolment: the result, or why nothing was read."""

    person_id: str
    photos: tuple[Path, ...]
    result: EnrolmentResult | None
    error: Exception | None = None


# Photos prepared per step of a bulk run: large enough for full embedding
# batches, small enough that progress moves and memory stays flat.
BULK_CHUNK_PHOTOS = 32


async def async_enroll_many(
    store: PeopleStore, engine: AsyncFaceEngine, jobs: Sequence[tuple[str, Sequence[Path]]],
    actor: str, chunk_photos: int = BULK_CHUNK_PHOTOS,
) -> AsyncIterator[BulkOutcome]:
    """Bulk enrolment, pipelined: the next chunk's photos are checked and embedded
    while the current chunk is written to the store.

    Per person, in order: consent checked before any of their photos is read
    (refused persons yield a `ConsentRequiredError` outcome and the run goes
    on), then the encrypted write, then the gallery. Duplicate warnings also
    cover persons earlier in the same run. Yields one outcome per person, in
    job order. Storage errors other than consent stop the run (raised).
    """
    chunks: list[list[tuple[str, list[Path]]]] = [[]]
    size = 0
    for person_id, photos in jobs:
        if chunks[-1] and size + len(photos) > chunk_photos:
            chunks.append([])
            size = 0
        chunks[-1].append((person_id, list(photos)))
        size += len(photos)

    async def prepare(chunk: list[tuple[str, list[Path]]], pending: list[EnrolmentResult]
                      ) -> list[BulkOutcome]:
        allowed: list[tuple[str, list[Path]]] = []
        refused: dict[str, Exception] = {}
        for person_id, photos in chunk:
            try:
                await _require_consent(store, person_id)
            except ConsentRequiredError as err:
                refused[person_id] = err
            else:
                allowed.append((person_id, photos))
        prepared = iter(await engine.async_prepare_enrolments(allowed, pending)
                        if allowed else [])
        return [BulkOutcome(pid, tuple(photos), None, refused[pid]) if pid in refused
                else BulkOutcome(pid, tuple(photos), next(prepared))
                for pid, photos in chunk]

    if not chunks[0]:
        return
    task: asyncio.Task[list[BulkOutcome]] | None = asyncio.ensure_future(prepare(chunks[0], []))
    try:
        for number in range(len(chunks)):
            assert task is not None
            outcomes = await task
            task = None
            if number + 1 < len(chunks):
                pending = [o.result for o in outcomes if o.result is not None]
                task = asyncio.ensure_future(prepare(chunks[number + 1], pending))
            for outcome in outcomes:
                if outcome.result is None:
                    yield outcome
                    continue
                try:
                    stored = await _store_and_commit(store, engine, outcome.result, actor)
                except ConsentRequiredError as err:  # withdrawn since the check
                    yield BulkOutcome(outcome.person_id, outcome.photos, None, err)
                else:
                    yield BulkOutcome(outcome.person_id, outcome.photos, stored)
    finally:
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task


def photos_in(folder: Path) -> list[Path]:
    """Image files of a folder, sorted."""
    return sorted(p for p in folder.iterdir()
                  if p.is_file() and p.suffix.lower() in PHOTO_SUFFIXES)
