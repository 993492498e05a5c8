"""Enrolment through the real face engine (skipped when the models are not on this machine)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from hub.people.enrolment import async_enroll_photos, async_load_gallery_into, photos_in
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
    if not (MODELS / "face_recognition_sface_2021dec_int8bq.onnx").is_file():
        pytest.skip("face models not available")
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
