"""Verification and identification metrics, in plain numpy.

Conventions (all rates are fractions in 0..1): a pair or probe is accepted
when its score is >= the threshold. FAR/TAR thresholds are chosen so that the
false-accept rate is at most the target, counted on the impostor scores.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

Scores = npt.ArrayLike


def _arr(values: Scores) -> npt.NDArray[np.float64]:
    return np.asarray(values, dtype=np.float64).reshape(-1)


def auc(genuine: Scores, impostor: Scores) -> float:
    """Area under the ROC: P(genuine > impostor) + 0.5 P(tie) (Mann-Whitney)."""
    gen, imp = _arr(genuine), _arr(impostor)
    if gen.size == 0 or imp.size == 0:
        return float("nan")
    scores = np.concatenate([gen, imp])
    order = scores.argsort(kind="mergesort")
    ranks = np.empty(scores.size, dtype=np.float64)
    sorted_scores = scores[order]
    # Average ranks for ties.
    _, first, counts = np.unique(sorted_scores, return_index=True, return_counts=True)
    avg = first + (counts - 1) / 2.0 + 1.0
    ranks[order] = np.repeat(avg, counts)
    rank_sum = ranks[: gen.size].sum()
    return float((rank_sum - gen.size * (gen.size + 1) / 2.0) / (gen.size * imp.size))


def threshold_at_far(impostor: Scores, far: float) -> float:
    """Smallest threshold whose false-accept rate (score >= t) is at most `far`."""
    imp = np.sort(_arr(impostor))[::-1]
    if imp.size == 0:
        return float("-inf")
    allowed = int(np.floor(far * imp.size))  # impostors we may accept
    if allowed >= imp.size:
        return float("-inf")
    # Accept strictly above the (allowed+1)-th highest impostor score.
    return float(np.nextafter(imp[allowed], np.inf))


def tar_at_far(genuine: Scores, impostor: Scores, far: float) -> float:
    """True-accept rate at the threshold where FAR <= `far`."""
    gen = _arr(genuine)
    if gen.size == 0:
        return float("nan")
    return float(np.mean(gen >= threshold_at_far(impostor, far)))


def eer(genuine: Scores, impostor: Scores) -> tuple[float, float]:
    """Equal error rate and its threshold (mean of FAR and FRR where they cross)."""
    gen, imp = _arr(genuine), _arr(impostor)
    if gen.size == 0 or imp.size == 0:
        return float("nan"), float("nan")
    thresholds = np.unique(np.concatenate([gen, imp, [np.inf]]))
    gen_sorted, imp_sorted = np.sort(gen), np.sort(imp)
    frr = np.searchsorted(gen_sorted, thresholds, side="left") / gen.size
    far = 1.0 - np.searchsorted(imp_sorted, thresholds, side="left") / imp.size
    best = int(np.argmin(np.abs(far - frr)))
    return float((far[best] + frr[best]) / 2.0), float(thresholds[best])


def roc_curve(
    genuine: Scores, impostor: Scores
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """FAR and TAR at every distinct threshold, for plotting."""
    gen, imp = np.sort(_arr(genuine)), np.sort(_arr(impostor))
    thresholds = np.unique(np.concatenate([gen, imp]))[::-1]
    tar = 1.0 - np.searchsorted(gen, thresholds, side="left") / max(gen.size, 1)
    far = 1.0 - np.searchsorted(imp, thresholds, side="left") / max(imp.size, 1)
    return far, tar


@dataclass(frozen=True, slots=True)
class OpenSetResult:
    """Open-set identification at one operating point."""

    threshold: float
    fpir: float
    fnir: float


def fnir_at_fpir(
    mated_scores: Scores,
    mated_correct: Sequence[bool],
    nonmated_scores: Scores,
    fpir: float,
) -> OpenSetResult:
    """False-negative identification rate at a false-positive identification rate.

    `mated_scores[i]` is the best (rank-1) score of a probe whose person is
    enrolled and `mated_correct[i]` whether that rank-1 person is the right one;
    `nonmated_scores` are rank-1 scores of strangers. The threshold is the
    lowest one with FPIR <= `fpir`; a mated probe is a miss unless its rank-1
    is correct and scores at or above the threshold.
    """
    mated = _arr(mated_scores)
    correct = np.asarray(mated_correct, dtype=bool).reshape(-1)
    threshold = threshold_at_far(nonmated_scores, fpir)
    nonmated = _arr(nonmated_scores)
    actual_fpir = float(np.mean(nonmated >= threshold)) if nonmated.size else float("nan")
    hits = correct & (mated >= threshold)
    fnir = float(1.0 - hits.mean()) if mated.size else float("nan")
    return OpenSetResult(threshold, actual_fpir, fnir)


def rates(accepted_bad: int, total_bad: int, rejected_good: int, total_good: int) -> tuple[
    float, float
]:
    """(APCER, BPCER)-style rates from counts, nan when a class is empty."""
    first = accepted_bad / total_bad if total_bad else float("nan")
    second = rejected_good / total_good if total_good else float("nan")
    return first, second
