"""Face quality: size, sharpness, pose and light, as a verdict with reasons.

The same verdict gates enrolment photos (strict) and gate captures (looser),
because a blurred, turned-away or tiny face is where wrong matches come from.
Blur and brightness are measured on the aligned 112x112 crop so that they do
not depend on how large the face is in the frame.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from .imageio import Frame
from .results import Face, QualityMeasures, QualityVerdict


@dataclass(frozen=True, slots=True)
class QualityConfig:
    """Limits for a usable face; defaults are for gate captures."""

    min_inter_eye_px: float = 20.0
    min_blur: float = 25.0
    min_brightness: float = 40.0
    max_brightness: float = 220.0
    max_yaw: float = 0.45
    max_pitch: float = 0.45
    max_roll_deg: float = 30.0


# Stricter limits for enrolment photos: the template has to be good.
ENROLMENT_QUALITY = QualityConfig(
    min_inter_eye_px=24.0, min_blur=30.0, max_yaw=0.35, max_pitch=0.4, max_roll_deg=25.0
)


def pose_from_landmarks(face: Face) -> tuple[float, float, float]:
    """Approximate yaw, pitch (as signed ratios) and roll (degrees) from 5 points.

    Yaw: horizontal offset of the nose from the eye midpoint, over the eye
    distance (0 when frontal). Pitch: where the nose sits between the eye line
    and the mouth line (0 at the frontal ratio of about 0.5). Roll: eye-line angle.
    """
    (rex, rey), (lex, ley), (nx, ny), (rmx, rmy), (lmx, lmy) = face.landmarks
    eye_dist = math.hypot(lex - rex, ley - rey) or 1.0
    eye_mid = ((rex + lex) / 2.0, (rey + ley) / 2.0)
    mouth_mid = ((rmx + lmx) / 2.0, (rmy + lmy) / 2.0)
    yaw = (nx - eye_mid[0]) / eye_dist
    vertical = mouth_mid[1] - eye_mid[1]
    pitch = ((ny - eye_mid[1]) / vertical - 0.5) if abs(vertical) > 1e-6 else 1.0
    roll = math.degrees(math.atan2(ley - rey, lex - rex))
    return yaw, pitch, roll


def measure_quality(face: Face, aligned: Frame) -> QualityMeasures:
    """Raw quality numbers for one face; `aligned` is its 112x112 crop."""
    gray = cv2.cvtColor(aligned, cv2.COLOR_BGR2GRAY)
    centre = gray[16:96, 16:96]  # ignore the black border a warp near the edge leaves
    blur = float(cv2.Laplacian(centre, cv2.CV_64F).var())
    brightness = float(centre.mean())
    yaw, pitch, roll = pose_from_landmarks(face)
    return QualityMeasures(
        inter_eye_px=face.inter_eye_distance,
        blur=blur,
        brightness=brightness,
        yaw=yaw,
        pitch=pitch,
        roll=roll,
    )


def judge_quality(measures: QualityMeasures, config: QualityConfig) -> QualityVerdict:
    """Compare the measures with the limits and say which ones failed."""
    reasons: list[str] = []
    if measures.inter_eye_px < config.min_inter_eye_px:
        reasons.append(
            f"face too small ({measures.inter_eye_px:.0f} px between the eyes, "
            f"need {config.min_inter_eye_px:.0f})"
        )
    if measures.blur < config.min_blur:
        reasons.append(f"too blurred (sharpness {measures.blur:.0f}, need {config.min_blur:.0f})")
    if measures.brightness < config.min_brightness:
        reasons.append(f"too dark (brightness {measures.brightness:.0f})")
    if measures.brightness > config.max_brightness:
        reasons.append(f"overexposed (brightness {measures.brightness:.0f})")
    if abs(measures.yaw) > config.max_yaw:
        reasons.append(f"head turned sideways (yaw {measures.yaw:+.2f})")
    if abs(measures.pitch) > config.max_pitch:
        reasons.append(f"head tilted up or down (pitch {measures.pitch:+.2f})")
    if abs(measures.roll) > config.max_roll_deg:
        reasons.append(f"head tilted sideways (roll {measures.roll:+.0f} degrees)")
    return QualityVerdict(ok=not reasons, reasons=tuple(reasons), measures=measures)


def assess_quality(face: Face, aligned: Frame, config: QualityConfig) -> QualityVerdict:
    """Measure and judge in one call."""
    return judge_quality(measure_quality(face, aligned), config)


def sharpness_floor_image(frame: Frame) -> float:
    """Laplacian variance of a whole image; used by tests to build blurred inputs."""
    gray = cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)
    return float(np.var(cv2.Laplacian(gray, cv2.CV_64F)))


# Where each part of the quality score reaches 1.0 (full marks).
_SCORE_FULL_INTER_EYE_PX = 60.0  # ISO/IEC 19794-5 asks for at least 60 px between the eyes
_SCORE_FULL_BLUR = 150.0  # Laplacian variance of a sharp 112x112 aligned crop
_SCORE_ZERO_YAW = 0.6
_SCORE_ZERO_PITCH = 0.6
_SCORE_ZERO_ROLL_DEG = 45.0


def quality_score(measures: QualityMeasures) -> float:
    """One number in [0, 1] summarising the measures (higher is better).

    The geometric mean of four parts, each in [0, 1]: size (inter-eye distance
    up to 60 px), sharpness (Laplacian variance up to 150), pose (the worst of
    yaw, pitch and roll against generous limits) and light (distance of the mean
    brightness from mid-grey). A geometric mean lets one bad aspect pull the
    score down without a single hard cut-off; the verdict (`judge_quality`)
    stays the decision, this score ranks accepted photos and is stored with
    each enrolled template.
    """
    size = min(1.0, max(0.0, measures.inter_eye_px / _SCORE_FULL_INTER_EYE_PX))
    sharp = min(1.0, max(0.0, measures.blur / _SCORE_FULL_BLUR))
    pose = 1.0 - max(
        abs(measures.yaw) / _SCORE_ZERO_YAW,
        abs(measures.pitch) / _SCORE_ZERO_PITCH,
        abs(measures.roll) / _SCORE_ZERO_ROLL_DEG,
    )
    light = 1.0 - abs(measures.brightness - 128.0) / 128.0
    parts = [size, sharp, min(1.0, max(0.0, pose)), min(1.0, max(0.0, light))]
    if min(parts) <= 0.0:
        return 0.0
    return float(math.prod(parts) ** (1.0 / len(parts)))
