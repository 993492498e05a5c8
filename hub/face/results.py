"""Typed results of every pipeline stage: scores and reasons, never a bare yes/no."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import numpy.typing as npt

from .const import EMBEDDING_DIM

CheckStatus = Literal["ok", "unavailable"]
MatchStatus = Literal["match", "unknown", "ambiguous", "empty_gallery", "skipped"]


@dataclass(frozen=True, slots=True)
class Box:
    """Axis-aligned face box in frame pixels (x, y = top-left corner)."""

    x: float
    y: float
    width: float
    height: float

    @property
    def center(self) -> tuple[float, float]:
        """Centre of the box, used by crops and trackers."""
        return (self.x + self.width / 2.0, self.y + self.height / 2.0)

    def iou(self, other: Box) -> float:
        """Intersection over union, for NMS and for following a face across frames."""
        x1 = max(self.x, other.x)
        y1 = max(self.y, other.y)
        x2 = min(self.x + self.width, other.x + other.width)
        y2 = min(self.y + self.height, other.y + other.height)
        inter = max(0.0, x2 - x1) * max(0.0, y2 - y1)
        union = self.width * self.height + other.width * other.height - inter
        return inter / union if union > 0 else 0.0


Point = tuple[float, float]


@dataclass(frozen=True, slots=True)
class Face:
    """One detected face: box, detector confidence and the 5 landmarks.

    Landmarks are right eye, left eye, nose tip, right and left mouth corner
    (as seen from the subject), in frame pixels.
    """

    box: Box
    score: float
    landmarks: tuple[Point, Point, Point, Point, Point]

    @property
    def inter_eye_distance(self) -> float:
        """Distance between the eyes in pixels: the face-size measure for quality."""
        (rx, ry), (lx, ly) = self.landmarks[0], self.landmarks[1]
        return float(((rx - lx) ** 2 + (ry - ly) ** 2) ** 0.5)


@dataclass(frozen=True, slots=True)
class QualityMeasures:
    """Raw measurements behind a quality verdict, kept for logs and tuning."""

    inter_eye_px: float
    blur: float
    brightness: float
    yaw: float
    pitch: float
    roll: float


@dataclass(frozen=True, slots=True)
class QualityVerdict:
    """Whether a face is good enough to decide on, and why not if it is not."""

    ok: bool
    reasons: tuple[str, ...]
    measures: QualityMeasures


@dataclass(frozen=True, slots=True)
class LivenessResult:
    """Passive liveness: probability of a live face and the verdict at the threshold."""

    status: CheckStatus
    score: float | None = None
    live: bool | None = None
    threshold: float | None = None
    reason: str = ""


@dataclass(frozen=True, slots=True)
class MaskResult:
    """Mask classifier output: masked, not masked or unknown (too close to call)."""

    status: CheckStatus
    probability: float | None = None
    verdict: Literal["masked", "not_masked", "unknown"] | None = None
    reason: str = ""

    @property
    def masked(self) -> bool:
        """True only for a confident "masked" verdict."""
        return self.verdict == "masked"


@dataclass(frozen=True, slots=True)
class Candidate:
    """One enrolled person and their best cosine score against the probe."""

    person_id: str
    score: float


@dataclass(frozen=True, slots=True)
class MatchResult:
    """1:N result: the decision, the best score and the ranked candidates."""

    status: MatchStatus
    person_id: str | None
    score: float | None
    threshold: float
    margin: float
    candidates: tuple[Candidate, ...] = ()
    reason: str = ""

    @property
    def matched(self) -> bool:
        """True when the decision names a person."""
        return self.status == "match"


@dataclass(frozen=True, slots=True)
class VerifyResult:
    """1:1 result (ID-card photo against a live face): score, threshold, decision."""

    same_person: bool
    score: float
    threshold: float
    reason: str = ""


@dataclass(frozen=True, slots=True)
class FaceAnalysis:
    """Everything the pipeline found about one face in a frame."""

    face: Face
    quality: QualityVerdict
    liveness: LivenessResult
    mask: MaskResult
    match: MatchResult | None = None


@dataclass(frozen=True, slots=True)
class PhotoRejection:
    """Why one enrolment photo was refused."""

    index: int
    reasons: tuple[str, ...]


def _no_embeddings() -> npt.NDArray[np.float32]:
    empty = np.zeros((0, EMBEDDING_DIM), dtype=np.float32)
    empty.setflags(write=False)
    return empty


@dataclass(frozen=True, slots=True)
class EnrolmentResult:
    """Outcome of enrolling one person from photos: what was kept, refused and why.

    `embeddings` holds one row per accepted photo: float32, L2-normalised, at
    full precision (not the gallery's int8 copy), in photo order; this is what
    a store should persist. `qualities[i]` is the quality score (0..1, see
    `quality.quality_score`) and `photo_indices[i]` the index in the input of
    the photo behind row i. A result from `FaceEngine.prepare_enrolment` has not
    touched the gallery (`committed` False): write it to storage first, then
    `commit_enrolment` it.
    """

    person_id: str
    accepted: int
    rejected: tuple[PhotoRejection, ...]
    warnings: tuple[str, ...] = ()
    duplicates: tuple[Candidate, ...] = field(default_factory=tuple)
    embeddings: npt.NDArray[np.float32] = field(default_factory=_no_embeddings, compare=False,
                                                repr=False)
    qualities: tuple[float, ...] = ()
    photo_indices: tuple[int, ...] = ()
    committed: bool = False

    def __post_init__(self) -> None:
        """Check that rows, scores and indices line up; freeze the embedding array."""
        if not (len(self.embeddings) == len(self.qualities) == len(self.photo_indices)
                == self.accepted):
            raise ValueError("embeddings, qualities and photo_indices need one entry per "
                             "accepted photo")
        self.embeddings.setflags(write=False)

    @property
    def enrolled(self) -> bool:
        """True when at least one photo was accepted."""
        return self.accepted > 0
