"""ROC and score histograms drawn with OpenCV, so evaluation needs no plotting library."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import numpy.typing as npt

Array = npt.NDArray[np.float64]
_W, _H, _M = 560, 420, 50


def _axes(canvas: npt.NDArray[np.uint8], x0: int, title: str, xlabel: str) -> None:
    cv2.rectangle(canvas, (x0 + _M, _M), (x0 + _W - 20, _H - _M), (0, 0, 0), 1)
    cv2.putText(canvas, title, (x0 + _M, 30), cv2.FONT_HERSHEY_SIMPLEX, 0.6, (0, 0, 0), 1)
    cv2.putText(canvas, xlabel, (x0 + _W // 2 - 40, _H - 15), cv2.FONT_HERSHEY_SIMPLEX, 0.5,
                (0, 0, 0), 1)


def plot_verification(
    path: Path, far: Array, tar: Array, genuine: Array, impostor: Array, title: str = ""
) -> None:
    """Write a PNG with the ROC (log FAR) on the left and score histograms on the right."""
    canvas = np.full((_H, 2 * _W, 3), 255, dtype=np.uint8)
    _axes(canvas, 0, f"ROC {title}", "FAR (log10, 1e-5 .. 1)")
    plot_w, plot_h = _W - 20 - 2 * _M + _M, _H - 2 * _M
    log_far = np.log10(np.clip(far, 1e-5, 1.0))
    xs = _M + (log_far + 5.0) / 5.0 * (plot_w - _M)
    ys = _H - _M - np.clip(tar, 0, 1) * plot_h
    points = np.stack([xs, ys], axis=1).astype(np.int32)
    cv2.polylines(canvas, [points], False, (200, 60, 0), 2)
    for decade in range(-5, 1):
        x = int(_M + (decade + 5.0) / 5.0 * (plot_w - _M))
        cv2.putText(canvas, f"1e{decade}", (x - 12, _H - _M + 15), cv2.FONT_HERSHEY_SIMPLEX,
                    0.35, (0, 0, 0), 1)
    _axes(canvas, _W, f"cosine scores {title}", "score (-0.2 .. 1)")
    bins = np.linspace(-0.2, 1.0, 61)
    for scores, colour in ((impostor, (0, 0, 200)), (genuine, (0, 150, 0))):
        counts, _ = np.histogram(scores, bins=bins, density=True)
        peak = counts.max() if counts.size and counts.max() > 0 else 1.0
        for i, count in enumerate(counts):
            x1 = int(_W + _M + i * (_W - 20 - _M - _M) / 60)
            x2 = int(_W + _M + (i + 1) * (_W - 20 - _M - _M) / 60)
            y = int(_H - _M - count / peak * plot_h)
            cv2.rectangle(canvas, (x1, y), (x2, _H - _M), colour, 1)
    cv2.putText(canvas, "green: same person, red: different", (_W + _M, _M + 15),
                cv2.FONT_HERSHEY_SIMPLEX, 0.45, (0, 0, 0), 1)
    if not cv2.imwrite(str(path), canvas):
        raise OSError(f"Cannot write the plot to {path}.")
