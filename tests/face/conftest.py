"""Fixtures for the face engine tests: real models and real photos, never skipped.

The data lives outside the repository (`$MENJIN_DATA_DIR`, default
`<repo>/../shared/data`). When it is missing the tests fail with the fix,
because a face engine tested without faces is not tested.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from hub.face.config import FaceEngineConfig
from hub.face.engine import FaceEngine
from hub.face.imageio import Frame, read_image

REPO = Path(__file__).resolve().parents[2]


def data_dir() -> Path:
    """Where the shared models and photos are."""
    configured = os.environ.get("MENJIN_DATA_DIR")
    return Path(configured).expanduser() if configured else REPO.parent / "shared" / "data"


@pytest.fixture(scope="session")
def data() -> Path:
    """The shared data folder; fails (never skips) when it is missing."""
    root = data_dir()
    if not (root / "models").is_dir() or not (root / "faces").is_dir():
        pytest.fail(
            f"Face test data not found at {root}: set MENJIN_DATA_DIR to the folder that "
            "holds models/ and faces/ (see ../shared/data/README.md).",
            pytrace=False,
        )
    return root


@pytest.fixture(scope="session")
def model_dir(data: Path) -> Path:
    """The folder with the four model files."""
    return data / "models"


@pytest.fixture(scope="session")
def faces_dir(data: Path) -> Path:
    """The folder with the labelled photo sets."""
    return data / "faces"


@pytest.fixture(scope="session", autouse=True)
def _isolated_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Keep derived model forms out of the user's home while testing."""
    os.environ["MENJIN_CACHE_DIR"] = str(tmp_path_factory.mktemp("menjin-cache"))


@pytest.fixture(scope="session")
def engine(model_dir: Path) -> FaceEngine:
    """One engine for the session: models load once, as in the hub."""
    return FaceEngine(FaceEngineConfig(model_dir=model_dir))


@pytest.fixture
def fresh_engine(engine: FaceEngine) -> FaceEngine:
    """The shared engine with an empty gallery."""
    for person in engine.gallery.person_ids():
        engine.gallery.remove(person)
    return engine


def lfw_person(faces_dir: Path, name: str) -> list[Path]:
    """Sorted photo paths of one LFW person."""
    return sorted((faces_dir / "lfw" / name).glob("*.jpg"))


def load(path: Path) -> Frame:
    """Read a photo through the engine's safe decoder."""
    return read_image(path)
