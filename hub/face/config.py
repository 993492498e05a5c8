"""Engine settings as one frozen dataclass the hub builds from its `face:` config."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .const import (
    DEFAULT_INTRA_OP_THREADS,
    DEFAULT_LIVENESS_THRESHOLD,
    DEFAULT_MASK_THRESHOLD,
    DEFAULT_MASK_UNCERTAIN_BAND,
    DEFAULT_MASKED_MATCH_THRESHOLD,
    DEFAULT_MATCH_MARGIN,
    DEFAULT_MATCH_THRESHOLD,
)
from .detect import DetectorConfig
from .quality import ENROLMENT_QUALITY, QualityConfig


@dataclass(frozen=True, slots=True)
class FaceEngineConfig:
    """Everything a site can tune; defaults are the measured ones in docs/face-engine.md."""

    model_dir: Path | None = None
    intra_op_threads: int = DEFAULT_INTRA_OP_THREADS
    detector: DetectorConfig = field(default_factory=DetectorConfig)
    quality: QualityConfig = field(default_factory=QualityConfig)
    enrolment_quality: QualityConfig = ENROLMENT_QUALITY
    match_threshold: float = DEFAULT_MATCH_THRESHOLD
    masked_match_threshold: float = DEFAULT_MASKED_MATCH_THRESHOLD
    match_margin: float = DEFAULT_MATCH_MARGIN
    top_k: int = 5
    liveness_threshold: float = DEFAULT_LIVENESS_THRESHOLD
    mask_threshold: float = DEFAULT_MASK_THRESHOLD
    mask_uncertain_band: float = DEFAULT_MASK_UNCERTAIN_BAND
    # Derive and cache the fp32 form of SFace: same outputs, about twice as fast.
    fp32_recogniser: bool = True
    # Skip matching faces that fail quality, so a blurred stranger never matches.
    gate_on_quality: bool = True
    # Gallery rows reserved at start (avoids regrowth for large sites).
    gallery_capacity: int = 0

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FaceEngineConfig:
        """Build from a plain mapping (the validated `face:` section of the config).

        Nested `detector:` and `quality:` mappings become their dataclasses;
        unknown keys raise TypeError naming the key.
        """
        values = dict(data)
        if "model_dir" in values and values["model_dir"] is not None:
            values["model_dir"] = Path(values["model_dir"]).expanduser()
        if isinstance(values.get("detector"), dict):
            values["detector"] = DetectorConfig(**values["detector"])
        if isinstance(values.get("quality"), dict):
            values["quality"] = QualityConfig(**values["quality"])
        if isinstance(values.get("enrolment_quality"), dict):
            values["enrolment_quality"] = QualityConfig(**values["enrolment_quality"])
        return cls(**values)
