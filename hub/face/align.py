"""5-point similarity alignment to the standard 112x112 template SFace was trained on."""

from __future__ import annotations

import cv2
import numpy as np
import numpy.typing as npt

from .const import ALIGNED_SIZE, ARCFACE_TEMPLATE_112
from .imageio import Frame
from .results import Face

_TEMPLATE = np.array(ARCFACE_TEMPLATE_112, dtype=np.float32)


def similarity_matrix(face: Face) -> npt.NDArray[np.float64]:
    """Rotation + uniform scale + translation mapping the landmarks onto the template."""
    source = np.array(face.landmarks, dtype=np.float32)
    matrix, _ = cv2.estimateAffinePartial2D(source, _TEMPLATE, method=cv2.LMEDS)
    if matrix is None:
        # Degenerate landmarks (all points equal): fall back to a plain box crop.
        box = face.box
        scale = ALIGNED_SIZE / max(box.width, box.height, 1.0)
        matrix = np.array(
            [[scale, 0.0, -box.x * scale], [0.0, scale, -box.y * scale]], dtype=np.float64
        )
    return np.asarray(matrix, dtype=np.float64)


def align_face(frame: Frame, face: Face) -> Frame:
    """Warp the face to a 112x112 BGR crop aligned to the template."""
    aligned = cv2.warpAffine(
        frame,
        similarity_matrix(face),
        (ALIGNED_SIZE, ALIGNED_SIZE),
        flags=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=(0, 0, 0),
    )
    return np.ascontiguousarray(aligned, dtype=np.uint8)
