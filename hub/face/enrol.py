"""Enrolment from photos: one clear face each, good quality, and a duplicate check."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from .align import align_face
from .errors import FaceEngineError
from .quality import assess_quality
from .results import Candidate, EnrolmentResult, PhotoRejection

if TYPE_CHECKING:
    from .engine import FaceEngine, ImageInput

_LOGGER = logging.getLogger(__name__)


def enrol_person(
    engine: FaceEngine,
    person_id: str,
    images: Sequence[ImageInput],
    *,
    replace: bool = False,
) -> EnrolmentResult:
    """Check each photo, embed the good ones and add them to the gallery.

    A photo is refused when it cannot be decoded, shows no face, shows more
    than one face (we cannot know which one is the person), or fails the
    enrolment quality limits. Accepted photos that already match someone else
    produce a duplicate warning, not a refusal: the administrator decides.
    """
    from .engine import to_frame

    rejected: list[PhotoRejection] = []
    crops = []
    for index, image in enumerate(images):
        try:
            frame = to_frame(image)
        except FaceEngineError as err:
            rejected.append(PhotoRejection(index, (str(err),)))
            continue
        faces = engine.find_faces(frame)
        if not faces:
            rejected.append(PhotoRejection(index, ("no face found",)))
            continue
        if len(faces) > 1:
            rejected.append(
                PhotoRejection(index, (f"{len(faces)} faces found; the photo must show one",))
            )
            continue
        face = faces[0]
        aligned = align_face(frame, face)
        verdict = assess_quality(face, aligned, engine.config.enrolment_quality)
        if not verdict.ok:
            rejected.append(PhotoRejection(index, verdict.reasons))
            continue
        crops.append(aligned)
    warnings: list[str] = []
    if not crops:
        return EnrolmentResult(person_id, 0, tuple(rejected), ("no usable photo",))
    embeddings = engine.embed_aligned(crops)
    if len(embeddings) > 1:
        mean = embeddings.mean(axis=0)
        consistency = embeddings @ (mean / np.linalg.norm(mean))
        if float(consistency.min()) < engine.config.match_threshold:
            warnings.append(
                "the photos may not all show the same person "
                f"(lowest agreement {float(consistency.min()):.2f})"
            )
    duplicates: dict[str, float] = {}
    for embedding in embeddings:
        result = engine.gallery.identify(
            embedding, engine.config.match_threshold, 0.0, k=3, exclude=(person_id,)
        )
        for candidate in result.candidates:
            if candidate.score >= engine.config.match_threshold:
                duplicates[candidate.person_id] = max(
                    duplicates.get(candidate.person_id, -1.0), candidate.score
                )
    for other, score in sorted(duplicates.items(), key=lambda item: -item[1]):
        warnings.append(f"already looks like enrolled person {other} (score {score:.2f})")
    if replace:
        engine.gallery.update(person_id, embeddings)
    else:
        engine.gallery.add(person_id, embeddings)
    _LOGGER.info(
        "Enrolled %s from %d photo(s), %d refused", person_id, len(crops), len(rejected)
    )
    return EnrolmentResult(
        person_id,
        len(crops),
        tuple(rejected),
        tuple(warnings),
        tuple(Candidate(pid, round(score, 6)) for pid, score in
              sorted(duplicates.items(), key=lambda item: -item[1])),
    )
