"""Enrolment through the real face engine and real photos (fails, never skips, without them)."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from hub.people.enrolment import (
    async_enroll_many,
    async_enroll_photos,
    async_load_gallery_into,
    photos_in,
)
from hub.people.store import PeopleStore
from hub.privacy.const import Purpose
from hub.privacy.errors import ConsentRequiredError
from tests.conftest import REPO_ROOT
from tests.people.helpers import add_adult

SHARED = REPO_ROOT.parent / "shared" / "data"
MODELS = Path(os.environ.get("MENJIN_MODEL_DIR", SHARED / "models"))
LFW = SHARED / "faces" / "lfw"


@pytest.fixture
async def engine():
    if not (MODELS / "face_recognition_sface_2021dec_int8bq.onnx").is_file() or not LFW.is_dir():
        pytest.fail(f"Face models or photos not found under {SHARED} (set MENJIN_MODEL_DIR); "
                    "see ../shared/data/README.md", pytrace=False)
    from hub.face import AsyncFaceEngine, FaceEngineConfig

    instance = await AsyncFaceEngine.async_create(FaceEngineConfig(model_dir=MODELS))
    yield instance
    await instance.async_close()


async def test_enrol_photos_store_and_reload(store: PeopleStore, engine) -> None:
    folders = [d for d in sorted(LFW.iterdir()) if d.is_dir()][:2]
    await add_adult(store, "a")
    with pytest.raises(ConsentRequiredError, match="no photo was read"):
        await async_enroll_photos(store, engine, "a", photos_in(folders[0]), "test")
    await store.consents.async_grant("a", Purpose.gate_entry, "self", "kiosk", "v1")
    result = await async_enroll_photos(store, engine, "a", photos_in(folders[0]), "test")
    assert result.enrolled
    gallery = await store.biometrics.async_load_gallery()
    assert len(gallery) == result.accepted and gallery[0].model_id.startswith("face_recog")
    from hub.face import AsyncFaceEngine, FaceEngineConfig

    fresh = await AsyncFaceEngine.async_create(FaceEngineConfig(model_dir=MODELS))
    try:
        assert await async_load_gallery_into(store, fresh) == 1
        probe = photos_in(folders[0])[0]
        analyses = await fresh.async_identify(probe)
        assert analyses and analyses[0].match is not None
        assert analyses[0].match.person_id == "a"
    finally:
        await fresh.async_close()


async def test_store_holds_full_precision_embeddings_and_quality(store: PeopleStore,
                                                                  engine) -> None:
    photos = photos_in(LFW / "Ariel_Sharon")[:3]
    await add_adult(store, "sharon")
    await store.consents.async_grant("sharon", Purpose.gate_entry, "self", "kiosk", "v1")
    result = await async_enroll_photos(store, engine, "sharon", photos, "test")
    assert result.committed and result.accepted == 3
    stored = await store.biometrics.async_load_gallery()
    assert len(stored) == 3
    by_quality = sorted(stored, key=lambda t: t.vector.tobytes())
    expected = sorted(zip(result.embeddings, result.qualities, strict=True),
                      key=lambda item: item[0].tobytes())
    for template, (row, quality) in zip(by_quality, expected, strict=True):
        np.testing.assert_array_equal(template.vector, row)  # bit for bit, not int8
        assert template.quality == quality and 0.0 < quality <= 1.0


async def test_gallery_unchanged_when_the_store_refuses(store: PeopleStore, engine) -> None:
    photos = photos_in(LFW / "Andre_Agassi")
    await add_adult(store, "agassi")
    await store.consents.async_grant("agassi", Purpose.gate_entry, "self", "kiosk", "v1")
    first = await async_enroll_photos(store, engine, "agassi", photos[:2], "test")
    before = engine.engine.gallery.embeddings_of("agassi")
    assert len(before) == first.accepted == 2
    # Prepared, then consent is withdrawn before the write: nothing may reach the gallery,
    # and the person's earlier rows must not be wiped by a clean-up either.
    prepared = await engine.async_prepare_enrolment("agassi", photos[2:4])
    assert prepared.enrolled and not prepared.committed
    from hub.people.enrolment import _store_and_commit

    await store.consents.async_withdraw("agassi", Purpose.gate_entry, "self", "kiosk")
    with pytest.raises(ConsentRequiredError):
        await _store_and_commit(store, engine, prepared, "test")
    np.testing.assert_array_equal(engine.engine.gallery.embeddings_of("agassi"), before)


async def test_bulk_enrolment_pipeline(store: PeopleStore, engine) -> None:
    folders = [d for d in sorted(LFW.iterdir()) if d.is_dir()][:6]
    jobs = [(d.name, photos_in(d)) for d in folders]
    sharon = photos_in(LFW / "Ariel_Sharon")
    jobs.insert(1, ("sharon", sharon[:2]))
    jobs.append(("sharon-again", sharon[2:4]))  # several chunks later
    jobs.append(("no-consent", sharon[4:6]))
    for person_id, _ in jobs:
        await add_adult(store, person_id)
        if person_id != "no-consent":
            await store.consents.async_grant(person_id, Purpose.gate_entry, "self", "kiosk",
                                             "v1")
    outcomes = [o async for o in async_enroll_many(store, engine, jobs, "test", chunk_photos=4)]
    assert [o.person_id for o in outcomes] == [pid for pid, _ in jobs]
    refused = outcomes[-1]
    assert refused.result is None and isinstance(refused.error, ConsentRequiredError)
    again = outcomes[-2].result
    assert again is not None and [c.person_id for c in again.duplicates] == ["sharon"]
    accepted = sum(o.result.accepted for o in outcomes if o.result is not None)
    assert accepted > 0
    assert len(await store.biometrics.async_load_gallery()) == accepted
    gallery = engine.engine.gallery
    assert gallery.row_count == accepted and "no-consent" not in gallery
    for outcome in outcomes[:-1]:
        assert outcome.result is not None and outcome.result.committed == outcome.result.enrolled
