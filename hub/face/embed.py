"""SFace embeddings: aligned 112x112 crops in, L2-normalised 128-d vectors out."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import onnxruntime as ort

from .imageio import Frame

Embedding = npt.NDArray[np.float32]


def l2_normalise(vectors: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    """Scale rows to unit length so a dot product is the cosine similarity."""
    norms = np.linalg.norm(vectors, axis=-1, keepdims=True)
    norms[norms == 0] = 1.0
    return np.asarray(vectors / norms, dtype=np.float32)


class SFaceEmbedder:
    """Runs the (repaired) SFace graph on aligned crops."""

    def __init__(self, session: ort.InferenceSession) -> None:
        """Wrap a session created from the repaired graph."""
        self._session = session
        self._input = session.get_inputs()[0].name
        shape = session.get_inputs()[0].shape
        self._batched = not isinstance(shape[0], int)

    def embed_aligned(self, crops: Sequence[Frame]) -> npt.NDArray[np.float32]:
        """Embed aligned BGR crops; returns an [N, 128] array of unit vectors."""
        if not crops:
            return np.zeros((0, 128), dtype=np.float32)
        # SFace takes RGB 0-255, NCHW.
        blob = np.stack([crop[:, :, ::-1] for crop in crops]).astype(np.float32)
        blob = np.ascontiguousarray(blob.transpose(0, 3, 1, 2))
        if self._batched:
            output = self._session.run(None, {self._input: blob})[0]
        else:
            output = np.concatenate(
                [self._session.run(None, {self._input: blob[i : i + 1]})[0]
                 for i in range(len(crops))]
            )
        return l2_normalise(np.asarray(output, dtype=np.float32).reshape(len(crops), -1))
