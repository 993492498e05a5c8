"""Follow faces across frames by box overlap, so fusion and debounce see one track per person."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from hub.face.results import Box

MIN_IOU = 0.3


@dataclass(slots=True)
class _Track:
    track_id: str
    box: Box
    last_seen: float


class IouTracker:
    """Greedy IoU matching: cheap, and enough at a gate where people queue one by one."""

    def __init__(self, prefix: str, max_age_s: float = 2.0) -> None:
        self._prefix = prefix
        self._max_age_s = max_age_s
        self._tracks: list[_Track] = []
        self._ids = itertools.count(1)

    def split(self, track_id: str) -> str:
        """Give a track a new id: the face in that place now belongs to someone else."""
        for track in self._tracks:
            if track.track_id == track_id:
                track.track_id = f"{self._prefix}-{next(self._ids)}"
                return track.track_id
        return track_id

    def assign(self, boxes: list[Box], now: float) -> list[str]:
        """A track id for each box, in order; new faces get new ids."""
        self._tracks = [t for t in self._tracks if now - t.last_seen <= self._max_age_s]
        free = list(self._tracks)
        ids = []
        for box in boxes:
            best = max(free, key=lambda track: track.box.iou(box), default=None)
            if best is not None and best.box.iou(box) >= MIN_IOU:
                free.remove(best)
                best.box, best.last_seen = box, now
                ids.append(best.track_id)
                continue
            track = _Track(f"{self._prefix}-{next(self._ids)}", box, now)
            self._tracks.append(track)
            ids.append(track.track_id)
        return ids
