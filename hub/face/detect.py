"""YuNet face detection: onnxruntime inference and our own output decoding.

Decoding follows OpenCV's `FaceDetectorYN` (the data README's contract), so the
same file gives the same faces as the reference; the test suite checks that.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt
import onnxruntime as ort

from .const import (
    DEFAULT_DET_INPUT_SIZE,
    DEFAULT_DET_NMS_THRESHOLD,
    DEFAULT_DET_SCORE_THRESHOLD,
    DEFAULT_DET_TOP_K,
    PORTRAIT_CANVAS,
    PORTRAIT_FACE_SIDE,
)
from .imageio import Frame
from .results import Box, Face

STRIDES = (8, 16, 32)
FloatArray = npt.NDArray[np.float32]


@dataclass(frozen=True, slots=True)
class DetectorConfig:
    """Detector settings; `input_size` bounds the longer side fed to the network."""

    input_size: int = DEFAULT_DET_INPUT_SIZE
    score_threshold: float = DEFAULT_DET_SCORE_THRESHOLD
    nms_threshold: float = DEFAULT_DET_NMS_THRESHOLD
    top_k: int = DEFAULT_DET_TOP_K


def decode_yunet(
    outputs: dict[str, FloatArray],
    input_width: int,
    input_height: int,
    score_threshold: float,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Turn raw YuNet outputs into boxes [N,4] (x,y,w,h), scores [N] and landmarks [N,10].

    Coordinates are in network-input pixels; NMS is not applied here.
    """
    all_boxes: list[FloatArray] = []
    all_scores: list[FloatArray] = []
    all_kps: list[FloatArray] = []
    for stride in STRIDES:
        cols = input_width // stride
        rows = input_height // stride
        cls = np.clip(outputs[f"cls_{stride}"].reshape(-1), 0.0, 1.0)
        obj = np.clip(outputs[f"obj_{stride}"].reshape(-1), 0.0, 1.0)
        scores = np.sqrt(cls * obj)
        keep = np.nonzero(scores >= score_threshold)[0]
        if keep.size == 0:
            continue
        bbox = outputs[f"bbox_{stride}"].reshape(-1, 4)[keep]
        kps = outputs[f"kps_{stride}"].reshape(-1, 10)[keep]
        col = (keep % cols).astype(np.float32)
        row = (keep // cols).astype(np.float32)
        if keep.max() >= rows * cols:
            raise ValueError("YuNet output size does not match the input size")
        cx = (col + bbox[:, 0]) * stride
        cy = (row + bbox[:, 1]) * stride
        w = np.exp(bbox[:, 2]) * stride
        h = np.exp(bbox[:, 3]) * stride
        boxes = np.stack([cx - w / 2, cy - h / 2, w, h], axis=1)
        marks = np.empty_like(kps)
        marks[:, 0::2] = (kps[:, 0::2] + col[:, None]) * stride
        marks[:, 1::2] = (kps[:, 1::2] + row[:, None]) * stride
        all_boxes.append(boxes.astype(np.float32))
        all_scores.append(scores[keep].astype(np.float32))
        all_kps.append(marks.astype(np.float32))
    if not all_boxes:
        empty = np.zeros((0,), np.float32)
        return empty.reshape(0, 4), empty, empty.reshape(0, 10)
    return np.concatenate(all_boxes), np.concatenate(all_scores), np.concatenate(all_kps)


class YuNetDetector:
    """YuNet on onnxruntime; works with dynamic-size and fixed 640x640 model files."""

    def __init__(self, session: ort.InferenceSession, config: DetectorConfig) -> None:
        """Wrap a created session; reads whether the model has a fixed input size."""
        self._session = session
        self._config = config
        model_input = session.get_inputs()[0]
        self._input_name = model_input.name
        shape = model_input.shape
        self._fixed: tuple[int, int] | None = None
        if isinstance(shape[2], int) and isinstance(shape[3], int):
            self._fixed = (int(shape[3]), int(shape[2]))  # width, height
        self._output_names = [output.name for output in session.get_outputs()]

    @property
    def config(self) -> DetectorConfig:
        """The settings in use."""
        return self._config

    @property
    def fixed_input(self) -> tuple[int, int] | None:
        """(width, height) if the model file only accepts one input size."""
        return self._fixed

    def _prepare(self, frame: Frame) -> tuple[FloatArray, float, int, int]:
        height, width = frame.shape[:2]
        if self._fixed is not None:
            in_w, in_h = self._fixed
            scale = min(in_w / width, in_h / height)
        else:
            longest = max(width, height)
            scale = min(1.0, self._config.input_size / longest)
            in_w = int(np.ceil(width * scale / 32.0) * 32)
            in_h = int(np.ceil(height * scale / 32.0) * 32)
        new_w = max(1, round(width * scale))
        new_h = max(1, round(height * scale))
        resized = frame if scale == 1.0 else cv2.resize(frame, (new_w, new_h))
        canvas = np.zeros((in_h, in_w, 3), dtype=np.float32)
        canvas[:new_h, :new_w] = resized[: min(new_h, in_h), : min(new_w, in_w)]
        blob = np.ascontiguousarray(canvas.transpose(2, 0, 1)[None])
        return blob, scale, in_w, in_h

    def detect(self, frame: Frame) -> list[Face]:
        """All faces in a BGR frame, best score first."""
        blob, scale, in_w, in_h = self._prepare(frame)
        raw = self._session.run(self._output_names, {self._input_name: blob})
        outputs = {name: np.asarray(value, np.float32) for name, value in zip(
            self._output_names, raw, strict=True)}
        boxes, scores, marks = decode_yunet(outputs, in_w, in_h, self._config.score_threshold)
        if scores.size == 0:
            return []
        keep = cv2.dnn.NMSBoxes(
            boxes.tolist(),
            scores.tolist(),
            self._config.score_threshold,
            self._config.nms_threshold,
            top_k=self._config.top_k,
        )
        faces: list[Face] = []
        for index in np.asarray(keep, dtype=np.int64).reshape(-1):
            x, y, w, h = (float(v) / scale for v in boxes[index])
            pts = marks[index] / scale
            landmarks = (
                (float(pts[0]), float(pts[1])),
                (float(pts[2]), float(pts[3])),
                (float(pts[4]), float(pts[5])),
                (float(pts[6]), float(pts[7])),
                (float(pts[8]), float(pts[9])),
            )
            faces.append(Face(Box(x, y, w, h), float(scores[index]), landmarks))
        faces.sort(key=lambda face: face.score, reverse=True)
        return faces


def portrait_canvas(
    image: Frame, target: int = PORTRAIT_CANVAS, face_side: int = PORTRAIT_FACE_SIDE
) -> tuple[Frame, float, int, int]:
    """Scale a tight face crop and pad it so the face looks like one in a scene.

    Detectors are trained on faces with surroundings; a 92x112 ORL crop or a
    102x126 ID-card chip photo is almost all face, so YuNet misses it or puts
    the landmarks off. The crop is scaled so its longer side is `face_side`
    (cubic when enlarging, area when shrinking) and centred on a
    `target` x `target` canvas with an edge-replicated border (the policy and
    its measurements: `const.PORTRAIT_*`, docs/face-engine.md).
    Returns the canvas, the scale and the (x, y) offset of the crop in it.
    """
    height, width = image.shape[:2]
    face_side = min(face_side, target)
    scale = face_side / max(height, width)
    new_w, new_h = max(1, round(width * scale)), max(1, round(height * scale))
    interpolation = cv2.INTER_CUBIC if scale > 1.0 else cv2.INTER_AREA
    resized = cv2.resize(image, (new_w, new_h), interpolation=interpolation)
    left = (target - new_w) // 2
    top = (target - new_h) // 2
    canvas = cv2.copyMakeBorder(
        resized, top, target - new_h - top, left, target - new_w - left, cv2.BORDER_REPLICATE
    )
    return np.ascontiguousarray(canvas, dtype=np.uint8), scale, left, top


def map_face_back(face: Face, scale: float, left: int, top: int) -> Face:
    """Map a face found on a portrait canvas back to the original crop's pixels."""
    box = face.box
    landmarks = tuple(((x - left) / scale, (y - top) / scale) for x, y in face.landmarks)
    return Face(
        Box((box.x - left) / scale, (box.y - top) / scale, box.width / scale, box.height / scale),
        face.score,
        landmarks,  # type: ignore[arg-type]
    )
