"""Multi-frame fusion decides only when frames agree."""

from __future__ import annotations

import pytest

from hub.face.fusion import TrackFusion
from hub.face.results import MatchResult


def _match(person: str | None, score: float = 0.6) -> MatchResult:
    if person is None:
        return MatchResult("unknown", None, 0.2, 0.4, 0.04)
    return MatchResult("match", person, score, 0.4, 0.04)


def test_needs_agreeing_frames() -> None:
    fusion = TrackFusion(window=5, min_agree=3)
    assert fusion.update("t", _match("a"), 0.0).status == "pending"
    assert fusion.update("t", _match(None), 0.1).status == "pending"
    assert fusion.update("t", _match("a"), 0.2).status == "pending"
    decision = fusion.update("t", _match("a", 0.7), 0.3)
    assert decision.status == "match" and decision.person_id == "a"
    assert decision.best_score == pytest.approx(0.7)
    # Sticky once decided.
    assert fusion.update("t", _match("b"), 0.4).person_id == "a"


def test_conflict_never_matches() -> None:
    fusion = TrackFusion(window=5, min_agree=2)
    fusion.update("t", _match("a"), 0.0)
    assert fusion.update("t", _match("b"), 0.1).status == "conflict"


def test_unknown_after_enough_unknown_frames_and_expiry() -> None:
    fusion = TrackFusion(window=4, min_agree=2, max_age_s=1.0)
    fusion.update("t", _match(None), 0.0)
    assert fusion.update("t", _match(None), 0.1).status == "unknown"
    fusion.update("u", _match("a"), 0.1)
    assert len(fusion) == 2
    assert sorted(fusion.expire(5.0)) == ["t", "u"]
    with pytest.raises(ValueError):
        TrackFusion(window=2, min_agree=3)
