"""The async wrapper runs the engine off the event loop."""

from __future__ import annotations

import threading
from pathlib import Path

from hub.face.async_engine import AsyncFaceEngine
from hub.face.config import FaceEngineConfig
from hub.face.engine import FaceEngine

from .conftest import lfw_person


async def test_async_calls_run_in_worker_threads(engine: FaceEngine, faces_dir: Path) -> None:
    loop_thread = threading.get_ident()
    seen: list[int] = []
    original = engine.detect

    def spy(image):  # type: ignore[no-untyped-def]
        seen.append(threading.get_ident())
        return original(image)

    wrapper = AsyncFaceEngine(engine)
    engine.detect = spy  # type: ignore[method-assign]
    try:
        faces = await wrapper.async_detect(lfw_person(faces_dir, "Andre_Agassi")[0])
    finally:
        del engine.detect
        await wrapper.async_close()
    assert faces and seen and seen[0] != loop_thread


async def test_async_create_enrol_identify_verify(model_dir: Path, faces_dir: Path) -> None:
    face_engine = await AsyncFaceEngine.async_create(FaceEngineConfig(model_dir=model_dir))
    try:
        photos = lfw_person(faces_dir, "Angelina_Jolie")
        enrolment = await face_engine.async_enrol("jolie", photos[:2])
        assert enrolment.enrolled
        analyses = await face_engine.async_identify(photos[3].read_bytes())
        analysis = max(analyses, key=lambda item: item.face.box.width)
        assert analysis.match is not None and analysis.match.person_id == "jolie"
        verdict = await face_engine.async_verify(photos[0], photos[4])
        assert verdict.same_person
        assert await face_engine.async_remove("jolie")
    finally:
        await face_engine.async_close()
