"""Mask detection with the SeetaFace6 classifier on a tight face crop."""

from __future__ import annotations

import cv2
import numpy as np
import onnxruntime as ort

from .const import DEFAULT_MASK_CROP_SCALE, STATUS_OK
from .imageio import Frame
from .results import Box, MaskResult

INPUT_SIZE = 104
MASK_INDEX = 0


def tight_crop(frame: Frame, box: Box, scale: float = 1.0) -> Frame:
    """Square-ish crop of the box (optionally enlarged), zero-padded at the edges."""
    cx, cy = box.center
    half_w, half_h = box.width * scale / 2.0, box.height * scale / 2.0
    x1, y1 = round(cx - half_w), round(cy - half_h)
    x2, y2 = round(cx + half_w), round(cy + half_h)
    height, width = frame.shape[:2]
    pad = max(0, -x1, -y1, x2 - width, y2 - height)
    if pad:
        frame = np.asarray(
            cv2.copyMakeBorder(frame, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=0),
            dtype=np.uint8,
        )
        x1, y1, x2, y2 = x1 + pad, y1 + pad, x2 + pad, y2 + pad
    crop = frame[y1:y2, x1:x2]
    if crop.size == 0:
        crop = np.zeros((INPUT_SIZE, INPUT_SIZE, 3), np.uint8)
    return np.ascontiguousarray(cv2.resize(crop, (INPUT_SIZE, INPUT_SIZE)), dtype=np.uint8)


class MaskModel:
    """SeetaFace6 mask classifier with a masked / not masked / unknown verdict."""

    def __init__(
        self,
        session: ort.InferenceSession,
        threshold: float,
        uncertain_band: float,
        crop_scale: float = DEFAULT_MASK_CROP_SCALE,
    ) -> None:
        """`uncertain_band` around `threshold` gives "unknown" instead of a guess."""
        self._session = session
        self._input = session.get_inputs()[0].name
        self.threshold = threshold
        self.uncertain_band = uncertain_band
        self.crop_scale = crop_scale

    def probability(self, frame: Frame, box: Box) -> float:
        """Probability that the face wears a mask."""
        crop = tight_crop(frame, box, self.crop_scale)
        blob = np.ascontiguousarray(crop.transpose(2, 0, 1)[None], dtype=np.float32)
        output = np.asarray(self._session.run(None, {self._input: blob})[0], np.float64)
        return float(output.reshape(-1)[MASK_INDEX])

    def check(self, frame: Frame, box: Box) -> MaskResult:
        """Probability and verdict."""
        value = self.probability(frame, box)
        if abs(value - self.threshold) < self.uncertain_band / 2.0:
            verdict = "unknown"
        elif value >= self.threshold:
            verdict = "masked"
        else:
            verdict = "not_masked"
        return MaskResult(status=STATUS_OK, probability=value, verdict=verdict)  # type: ignore[arg-type]
