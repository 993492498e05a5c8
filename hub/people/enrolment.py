"""Enrol faces from photos: consent first, the face engine's checks, then encrypted storage.

The order is the point: consent is checked before any photo is decoded; the
face engine (hub.face) refuses bad photos with reasons and warns about
duplicates; only then are the embeddings written, encrypted, and the
consent checked again inside that write. Photos are read into memory and
never stored: templates only (PRIVACY.md checklist item 3).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Sequence
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


async def async_enroll_photos(
    store: PeopleStore, engine: AsyncFaceEngine, person_id: str, photos: Sequence[Path],
    actor: str,
) -> EnrolmentResult:
    """Enrol one person from photos; ConsentRequiredError before any photo is read."""
    await store.persons.async_require(person_id)
    if await store.consents.async_active(person_id, Purpose.gate_entry) is None:
        raise ConsentRequiredError(
            f"No valid gate-entry consent for {person_id}: record it first with "
            "`menjin consent grant` (a guardian's for under-14s); no photo was read.")
    result = await engine.async_enrol(person_id, list(photos))
    if not result.enrolled:
        return result
    embeddings = engine.engine.gallery.embeddings_of(person_id)
    try:
        await store.biometrics.async_enroll(
            person_id, list(embeddings[-result.accepted:]), model_id_of(engine), actor=actor)
    except BaseException:
        await engine.async_remove(person_id)  # the gallery must not hold what was not stored
        raise
    return result


def photos_in(folder: Path) -> list[Path]:
    """Image files of a folder, sorted."""
    return sorted(p for p in folder.iterdir()
                  if p.is_file() and p.suffix.lower() in PHOTO_SUFFIXES)
