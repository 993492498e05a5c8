"""Passive liveness with MiniFASNetV2 on the Silent-Face crop.

The model needs context around the face: the box is enlarged 2.7 times around
its centre and shifted (not clipped) to stay inside the image, exactly as
Silent-Face-Anti-Spoofing's `CropImage` does. Only printed-photo attacks could
be measured here (NUAA); replay and screen attacks were not.
"""

from __future__ import annotations

import cv2
import numpy as np
import onnxruntime as ort

from .const import STATUS_OK
from .imageio import Frame
from .results import Box, LivenessResult

CROP_SCALE = 2.7
INPUT_SIZE = 80
LIVE_INDEX = 1


def silent_face_crop(frame: Frame, box: Box, scale: float = CROP_SCALE) -> Frame:
    """Crop `scale` x the box around its centre, shifted to stay inside the frame."""
    src_h, src_w = frame.shape[:2]
    box_w, box_h = max(box.width, 1.0), max(box.height, 1.0)
    scale = min((src_h - 1) / box_h, (src_w - 1) / box_w, scale)
    new_w, new_h = box_w * scale, box_h * scale
    cx, cy = box.x + box_w / 2.0, box.y + box_h / 2.0
    left, top = cx - new_w / 2.0, cy - new_h / 2.0
    right, bottom = cx + new_w / 2.0, cy + new_h / 2.0
    if left < 0:
        right -= left
        left = 0
    if top < 0:
        bottom -= top
        top = 0
    if right > src_w - 1:
        left -= right - src_w + 1
        right = src_w - 1
    if bottom > src_h - 1:
        top -= bottom - src_h + 1
        bottom = src_h - 1
    x1, y1, x2, y2 = int(max(left, 0)), int(max(top, 0)), int(right), int(bottom)
    crop = frame[y1 : y2 + 1, x1 : x2 + 1]
    return np.ascontiguousarray(cv2.resize(crop, (INPUT_SIZE, INPUT_SIZE)), dtype=np.uint8)


class LivenessModel:
    """MiniFASNetV2: probability that the face in front of the camera is live."""

    def __init__(self, session: ort.InferenceSession, threshold: float) -> None:
        """Wrap a created session; `threshold` applies to the live probability."""
        self._session = session
        self._input = session.get_inputs()[0].name
        self.threshold = threshold

    def score(self, frame: Frame, box: Box) -> float:
        """Softmax probability of the "real" class."""
        crop = silent_face_crop(frame, box)
        blob = np.ascontiguousarray(crop.transpose(2, 0, 1)[None], dtype=np.float32)
        logits = np.asarray(self._session.run(None, {self._input: blob})[0], np.float64)[0]
        exp = np.exp(logits - logits.max())
        return float(exp[LIVE_INDEX] / exp.sum())

    def check(self, frame: Frame, box: Box) -> LivenessResult:
        """Score and verdict at the configured threshold."""
        value = self.score(frame, box)
        return LivenessResult(
            status=STATUS_OK, score=value, live=value >= self.threshold, threshold=self.threshold
        )
