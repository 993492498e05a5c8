"""Metric maths on cases small enough to check by hand."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from hub.face.metrics import auc, eer, fnir_at_fpir, roc_curve, tar_at_far, threshold_at_far


def test_auc_hand_cases() -> None:
    assert auc([0.9, 0.8], [0.1, 0.2]) == 1.0
    assert auc([0.1], [0.9]) == 0.0
    assert auc([0.5], [0.5]) == 0.5
    # 3 of 4 genuine/impostor orderings correct.
    assert auc([0.6, 0.3], [0.4, 0.1]) == 0.75
    assert math.isnan(auc([], [0.1]))


def test_eer_hand_cases() -> None:
    assert eer([0.9, 0.8], [0.1, 0.2])[0] == 0.0
    # At t=0.5: one of two genuine rejected (0.3), one of two impostors accepted (0.5).
    assert eer([0.9, 0.3], [0.5, 0.1]) == (0.5, 0.5)


def test_tar_at_far_hand_cases() -> None:
    impostor = [0.1, 0.2, 0.3, 0.4]
    # FAR <= 0.25 allows one impostor (0.4) through: accept scores above 0.3.
    assert threshold_at_far(impostor, 0.25) > 0.3
    assert tar_at_far([0.35, 0.45, 0.5], impostor, 0.25) == 1.0
    # FAR 0: accept only above the highest impostor.
    assert tar_at_far([0.35, 0.45, 0.5], impostor, 0.0) == 2 / 3
    assert tar_at_far([0.35, 0.45, 0.5], impostor, 1.0) == 1.0


def test_fnir_at_fpir_hand_case() -> None:
    strangers = [0.1, 0.2, 0.3, 0.6]
    # FPIR <= 0.25 lets the 0.6 stranger through: threshold just above 0.3.
    result = fnir_at_fpir([0.9, 0.5, 0.25, 0.8], [True, True, True, False], strangers, 0.25)
    assert result.fpir == 0.25
    # Misses: 0.25 below threshold, and 0.8 named the wrong person.
    assert result.fnir == 0.5


def test_roc_curve_ends() -> None:
    far, tar = roc_curve([0.9, 0.8], [0.1, 0.2])
    assert far[-1] == 1.0 and tar[-1] == 1.0
    assert far[0] == 0.0


@given(
    st.lists(st.floats(-1, 1), min_size=1, max_size=30),
    st.lists(st.floats(-1, 1), min_size=1, max_size=30),
)
def test_auc_is_symmetric(genuine: list[float], impostor: list[float]) -> None:
    """Swapping the classes mirrors the AUC."""
    assert math.isclose(auc(genuine, impostor) + auc(impostor, genuine), 1.0, abs_tol=1e-9)


@given(st.lists(st.floats(-1, 1), min_size=1, max_size=50), st.floats(0, 1))
def test_far_never_exceeds_target(impostor: list[float], target: float) -> None:
    threshold = threshold_at_far(impostor, target)
    assert float(np.mean(np.array(impostor) >= threshold)) <= target + 1e-12
