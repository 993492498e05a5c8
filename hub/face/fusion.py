"""Multi-frame fusion: decide on a tracked face only when several frames agree.

A single frame can match a stranger to someone enrolled; requiring the same
answer over a few frames of one track, with no frame naming someone else,
removes most of those errors at the cost of a few hundred milliseconds.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Literal

from .results import MatchResult

FusedStatus = Literal["pending", "match", "unknown", "conflict"]


@dataclass(frozen=True, slots=True)
class FusedDecision:
    """The decision for one track so far, with the evidence counts behind it."""

    track_id: str
    status: FusedStatus
    person_id: str | None
    frames: int
    agreeing: int
    best_score: float | None


@dataclass(slots=True)
class _Track:
    results: deque[MatchResult]
    last_seen: float
    decided: FusedDecision | None = None


class TrackFusion:
    """Accumulate per-track match results over a sliding window of frames."""

    def __init__(self, window: int = 5, min_agree: int = 3, max_age_s: float = 2.0) -> None:
        """`min_agree` of the last `window` frames must name the same person."""
        if not 1 <= min_agree <= window:
            raise ValueError("min_agree must be between 1 and window")
        self.window = window
        self.min_agree = min_agree
        self.max_age_s = max_age_s
        self._tracks: dict[str, _Track] = {}

    def update(self, track_id: str, result: MatchResult, now: float) -> FusedDecision:
        """Add one frame's result for a track and return the current decision.

        A decision, once made, sticks for the life of the track so a gate is not
        opened twice; "conflict" means two different persons were named.
        """
        self.expire(now)
        track = self._tracks.get(track_id)
        if track is None:
            track = _Track(deque(maxlen=self.window), now)
            self._tracks[track_id] = track
        track.last_seen = now
        track.results.append(result)
        if track.decided is not None and track.decided.status != "pending":
            return track.decided
        decision = self._decide(track_id, track)
        if decision.status != "pending":
            track.decided = decision
        return decision

    def _decide(self, track_id: str, track: _Track) -> FusedDecision:
        results = list(track.results)
        named = [r.person_id for r in results if r.status == "match" and r.person_id]
        frames = len(results)
        if len(set(named)) > 1:
            return FusedDecision(track_id, "conflict", None, frames, 0, None)
        if named:
            person = named[0]
            scores = [r.score for r in results if r.person_id == person and r.score is not None]
            if len(named) >= self.min_agree:
                return FusedDecision(track_id, "match", person, frames, len(named), max(scores))
            return FusedDecision(track_id, "pending", None, frames, len(named), max(scores))
        unknown = sum(1 for r in results if r.status in ("unknown", "ambiguous"))
        if unknown >= self.min_agree:
            best = max((r.score for r in results if r.score is not None), default=None)
            return FusedDecision(track_id, "unknown", None, frames, unknown, best)
        return FusedDecision(track_id, "pending", None, frames, 0, None)

    def expire(self, now: float) -> list[str]:
        """Forget tracks not seen for `max_age_s`; returns their ids."""
        stale = [tid for tid, t in self._tracks.items() if now - t.last_seen > self.max_age_s]
        for tid in stale:
            del self._tracks[tid]
        return stale

    def __len__(self) -> int:
        """Number of live tracks."""
        return len(self._tracks)
