"""menjin's face engine: a library with no dependency on the hub core.

Build an engine from a `FaceEngineConfig` (model folder, thresholds, threads),
wrap it in `AsyncFaceEngine` inside the hub, and call `async_identify(frame)`.
Nothing here runs at import time: models load when `FaceEngine` is created.
"""

from __future__ import annotations

from .async_engine import AsyncFaceEngine
from .config import FaceEngineConfig
from .detect import DetectorConfig
from .engine import FaceEngine, ImageInput
from .errors import (
    FaceEngineError,
    FrameError,
    ImageDecodeError,
    ModelIntegrityError,
    ModelLoadError,
    ModelNotFoundError,
)
from .fusion import FusedDecision, TrackFusion
from .gallery import Gallery
from .imageio import decode_image, read_image
from .models import ModelSet, resolve_models
from .quality import QualityConfig
from .results import (
    Box,
    Candidate,
    EnrolmentResult,
    Face,
    FaceAnalysis,
    LivenessResult,
    MaskResult,
    MatchResult,
    PhotoRejection,
    QualityVerdict,
    VerifyResult,
)

__all__ = [
    "AsyncFaceEngine",
    "Box",
    "Candidate",
    "DetectorConfig",
    "EnrolmentResult",
    "Face",
    "FaceAnalysis",
    "FaceEngine",
    "FaceEngineConfig",
    "FaceEngineError",
    "FrameError",
    "FusedDecision",
    "Gallery",
    "ImageDecodeError",
    "ImageInput",
    "LivenessResult",
    "MaskResult",
    "MatchResult",
    "ModelIntegrityError",
    "ModelLoadError",
    "ModelNotFoundError",
    "ModelSet",
    "PhotoRejection",
    "QualityConfig",
    "QualityVerdict",
    "TrackFusion",
    "VerifyResult",
    "decode_image",
    "read_image",
    "resolve_models",
]
