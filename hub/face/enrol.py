"""Enrolment from photos: one clear face each, good quality, and a duplicate check.

Two steps, so a caller with durable storage can keep the gallery honest:
`prepare_enrolments` checks and embeds photos without touching the gallery and
returns the full-precision embeddings with their quality scores; the caller
writes them to storage, and only after that commit succeeds calls
`commit_enrolment` to put them in the gallery. `FaceEngine.enrol` does both at
once for callers without storage (tests, the demo).

Throughput: photos are decoded, detected, aligned and quality-checked in a
small thread pool (one worker per core) while the calling thread embeds the
crops already checked, in batches, with one recogniser run per batch.
onnxruntime and OpenCV release the GIL, so the stages overlap.
"""

from __future__ import annotations

import dataclasses
import logging
import os
from collections import deque
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from .align import align_face
from .const import EMBEDDING_DIM
from .errors import FaceEngineError
from .imageio import Frame
from .quality import assess_quality, quality_score
from .results import Candidate, EnrolmentResult, PhotoRejection

if TYPE_CHECKING:
    from .engine import FaceEngine, ImageInput

_LOGGER = logging.getLogger(__name__)

# Crops per recogniser run: batches of 8-16 use both cores better than single
# faces (measured in docs/face-engine.md) and bound the memory held.
EMBED_BATCH = 16
# Photos being checked ahead of the embedder, per worker.
_LOOKAHEAD_PER_WORKER = 4

EnrolmentJob = tuple[str, Sequence["ImageInput"]]


@dataclass(slots=True)
class _Checked:
    """One photo after decode, detection, alignment and the quality verdict."""

    job: int
    index: int
    crop: Frame | None
    quality: float = 0.0
    reasons: tuple[str, ...] = ()


def default_workers() -> int:
    """Photo-checking threads: one per core (at least one, at most four)."""
    return max(1, min(4, os.cpu_count() or 1))


def check_photo(engine: FaceEngine, job: int, index: int, image: ImageInput) -> _Checked:
    """Decode, find exactly one face, align it and apply the enrolment quality limits."""
    from .engine import to_frame  # local: engine imports this module

    try:
        frame = to_frame(image)
    except FaceEngineError as err:
        return _Checked(job, index, None, reasons=(str(err),))
    faces = engine.find_faces(frame)
    if not faces:
        return _Checked(job, index, None, reasons=("no face found",))
    if len(faces) > 1:
        return _Checked(
            job, index, None, reasons=(f"{len(faces)} faces found; the photo must show one",)
        )
    face = faces[0]
    aligned = align_face(frame, face)
    verdict = assess_quality(face, aligned, engine.config.enrolment_quality)
    if not verdict.ok:
        return _Checked(job, index, None, reasons=verdict.reasons)
    return _Checked(job, index, aligned, round(quality_score(verdict.measures), 4))


def _check_and_embed(
    engine: FaceEngine, jobs: Sequence[EnrolmentJob], workers: int
) -> tuple[list[list[_Checked]], list[npt.NDArray[np.float32]]]:
    """Check every photo (in a pool) and embed the good ones (here, in batches).

    Returns, per job, the checked photos in input order and the embeddings of
    the accepted ones in the same order.
    """
    checked: list[list[_Checked]] = [[] for _ in jobs]
    vectors: list[list[npt.NDArray[np.float32]]] = [[] for _ in jobs]
    waiting: list[_Checked] = []

    def embed_waiting() -> None:
        if not waiting:
            return
        rows = engine.embed_aligned([item.crop for item in waiting if item.crop is not None])
        for item, row in zip(waiting, rows, strict=True):
            vectors[item.job].append(row)
            item.crop = None  # the crop is not needed any more; keep memory flat
        waiting.clear()

    def take(item: _Checked) -> None:
        checked[item.job].append(item)
        if item.crop is not None:
            waiting.append(item)
            if len(waiting) >= EMBED_BATCH:
                embed_waiting()

    items = [(j, i, image) for j, (_, images) in enumerate(jobs) for i, image in enumerate(images)]
    if workers <= 1 or len(items) <= 1:
        for job, index, image in items:
            take(check_photo(engine, job, index, image))
    else:
        lookahead = workers * _LOOKAHEAD_PER_WORKER
        with ThreadPoolExecutor(workers, thread_name_prefix="menjin-enrol") as pool:
            in_flight: deque[Future[_Checked]] = deque()
            try:
                for job, index, image in items:
                    in_flight.append(pool.submit(check_photo, engine, job, index, image))
                    while len(in_flight) > lookahead:
                        take(in_flight.popleft().result())
                while in_flight:
                    take(in_flight.popleft().result())
            finally:
                for future in in_flight:
                    future.cancel()
    embed_waiting()
    stacked = [
        np.stack(rows).astype(np.float32) if rows
        else np.zeros((0, EMBEDDING_DIM), dtype=np.float32)
        for rows in vectors
    ]
    return checked, stacked


def _duplicates(
    engine: FaceEngine,
    person_id: str,
    embeddings: npt.NDArray[np.float32],
    others: Sequence[EnrolmentResult],
) -> dict[str, float]:
    """Best score per other person at or above the match threshold.

    Searches the gallery and, with exact float32 scores, results prepared but
    not committed yet (earlier persons of the same bulk run).
    """
    threshold = engine.config.match_threshold
    found: dict[str, float] = {}
    for embedding in embeddings:
        result = engine.gallery.identify(embedding, threshold, 0.0, k=3, exclude=(person_id,))
        for candidate in result.candidates:
            if candidate.score >= threshold:
                found[candidate.person_id] = max(found.get(candidate.person_id, -1.0),
                                                 candidate.score)
    for other in others:
        if other.person_id == person_id or not other.enrolled:
            continue
        score = float((other.embeddings @ embeddings.T).max())
        if score >= threshold:
            found[other.person_id] = max(found.get(other.person_id, -1.0), score)
    return found


def _assemble(
    engine: FaceEngine,
    person_id: str,
    checked: list[_Checked],
    embeddings: npt.NDArray[np.float32],
    others: Sequence[EnrolmentResult],
) -> EnrolmentResult:
    rejected = tuple(PhotoRejection(item.index, item.reasons)
                     for item in checked if item.reasons)
    accepted = [item for item in checked if not item.reasons]
    if not accepted:
        return EnrolmentResult(person_id, 0, rejected, ("no usable photo",))
    warnings: list[str] = []
    if len(embeddings) > 1:
        mean = embeddings.mean(axis=0)
        consistency = embeddings @ (mean / np.linalg.norm(mean))
        if float(consistency.min()) < engine.config.match_threshold:
            warnings.append(
                "the photos may not all show the same person "
                f"(lowest agreement {float(consistency.min()):.2f})"
            )
    duplicates = sorted(_duplicates(engine, person_id, embeddings, others).items(),
                        key=lambda item: -item[1])
    for other, score in duplicates:
        warnings.append(f"already looks like enrolled person {other} (score {score:.2f})")
    return EnrolmentResult(
        person_id,
        len(accepted),
        rejected,
        tuple(warnings),
        tuple(Candidate(pid, round(score, 6)) for pid, score in duplicates),
        embeddings=embeddings,
        qualities=tuple(item.quality for item in accepted),
        photo_indices=tuple(item.index for item in accepted),
    )


def prepare_enrolments(
    engine: FaceEngine,
    jobs: Sequence[EnrolmentJob],
    *,
    pending: Sequence[EnrolmentResult] = (),
    workers: int | None = None,
) -> list[EnrolmentResult]:
    """Check and embed the photos of several persons; the gallery is not changed.

    A photo is refused when it cannot be decoded, shows no face, shows more
    than one face (we cannot know which one is the person), or fails the
    enrolment quality limits. Accepted photos that already match someone else
    produce a duplicate warning, not a refusal: the administrator decides.
    Duplicates are searched in the gallery, in `pending` (results prepared
    earlier but not committed yet) and among the earlier jobs of this call.
    """
    checked, vectors = _check_and_embed(engine, jobs, workers or default_workers())
    results: list[EnrolmentResult] = []
    for (person_id, _), items, embeddings in zip(jobs, checked, vectors, strict=True):
        results.append(_assemble(engine, person_id, items, embeddings, [*pending, *results]))
    return results


def prepare_enrolment(
    engine: FaceEngine, person_id: str, images: Sequence[ImageInput],
    *, workers: int | None = None,
) -> EnrolmentResult:
    """`prepare_enrolments` for one person."""
    return prepare_enrolments(engine, [(person_id, images)], workers=workers)[0]


def commit_enrolment(
    engine: FaceEngine, result: EnrolmentResult, *, replace: bool = False
) -> EnrolmentResult:
    """Put a prepared result's embeddings in the gallery (replacing the person's rows if asked).

    Returns the result marked `committed`. A result with nothing accepted
    changes nothing, even with `replace`.
    """
    if not result.enrolled:
        return result
    if result.committed:
        raise ValueError(f"the enrolment of {result.person_id} is already in the gallery")
    if replace:
        engine.gallery.update(result.person_id, result.embeddings)
    else:
        engine.gallery.add(result.person_id, result.embeddings)
    _LOGGER.info(
        "Enrolled %s from %d photo(s), %d refused",
        result.person_id, result.accepted, len(result.rejected),
    )
    return dataclasses.replace(result, committed=True)


def enrol_person(
    engine: FaceEngine,
    person_id: str,
    images: Sequence[ImageInput],
    *,
    replace: bool = False,
) -> EnrolmentResult:
    """Check each photo, embed the good ones and add them to the gallery at once."""
    return commit_enrolment(engine, prepare_enrolment(engine, person_id, images),
                            replace=replace)
