"""One watcher per gate camera: sample frames, recognise, track, fuse, debounce, fire.

Frames are analysed only when the picture changed (motion) or a face is being
tracked, so an idle gate costs almost nothing and many cameras fit on two
cores. A decision is fired once per track, and the same person at the same
gate is not announced again within the debounce time.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import cv2
import numpy as np
import numpy.typing as npt

from hub.const import EVENT_FACE_RECOGNIZED, EVENT_FACE_UNKNOWN
from hub.context import Context
from hub.entities.camera import CameraEntity
from hub.entities.component import DATA_COMPONENTS
from hub.face.async_engine import AsyncFaceEngine
from hub.face.fusion import FusedDecision, TrackFusion
from hub.face.results import FaceAnalysis
from integrations.face.people import async_person_fields
from integrations.face.tracker import IouTracker

if TYPE_CHECKING:
    from hub.core import Hub

_LOGGER = logging.getLogger(__name__)
_THUMB = (160, 120)


@dataclass(frozen=True, slots=True)
class GateOptions:
    """How one gate camera is watched."""

    gate: str
    camera: str
    direction: str
    sample_interval: float = 0.1
    motion_threshold: float = 2.0
    debounce: float = 10.0
    fusion_window: int = 5
    fusion_min_agree: int = 2


def motion_thumbnail(frame: npt.NDArray[np.uint8]) -> npt.NDArray[np.uint8]:
    """A small grey picture to compare frames cheaply (blocking: run in an executor)."""
    grey = cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY) if frame.ndim == 3 else frame
    return np.asarray(cv2.resize(grey, _THUMB, interpolation=cv2.INTER_AREA), dtype=np.uint8)


class GateWatcher:
    """Turns a camera's frames into face events for one gate."""

    def __init__(self, hub: Hub, engine: AsyncFaceEngine, options: GateOptions) -> None:
        self.hub = hub
        self.engine = engine
        self.options = options
        self.tracker = IouTracker(options.gate)
        self.fusion = TrackFusion(options.fusion_window, options.fusion_min_agree)
        # The decided identity of each fired track ("" for unknown).
        self._fired_tracks: dict[str, str] = {}
        self._last_fired: dict[str, float] = {}
        self._last_frame_time: float | None = None
        self._last_thumb: npt.NDArray[np.uint8] | None = None
        self._tracking_until = 0.0
        self.frames_seen = 0
        self.frames_analysed = 0

    def camera(self) -> CameraEntity | None:
        """The gate's camera entity, once its integration has added it."""
        component = self.hub.data.get(DATA_COMPONENTS, {}).get("camera")
        entity = component.entities.get(self.options.camera) if component else None
        return entity if isinstance(entity, CameraEntity) else None

    async def async_run(self) -> None:
        """Sample the camera until the hub stops."""
        while True:
            await asyncio.sleep(self.options.sample_interval)
            camera = self.camera()
            if camera is None or camera.latest_frame is None:
                continue
            if camera.latest_frame_time == self._last_frame_time:
                continue
            self._last_frame_time = camera.latest_frame_time
            try:
                await self.async_process_frame(camera.latest_frame)
            except Exception:  # one bad frame must not stop the gate
                _LOGGER.exception("Face processing failed at gate %s", self.options.gate)

    async def async_process_frame(
        self, frame: npt.NDArray[np.uint8], force: bool = False
    ) -> list[FaceAnalysis]:
        """Analyse one frame (if it changed) and fire any decision it completes."""
        self.frames_seen += 1
        now = time.monotonic()
        if not force and now > self._tracking_until:
            thumb = await self.hub.async_add_executor_job(motion_thumbnail, frame)
            previous, self._last_thumb = self._last_thumb, thumb
            if previous is not None:
                change = float(np.mean(cv2.absdiff(previous, thumb)))
                if change < self.options.motion_threshold:
                    return []
        self.frames_analysed += 1
        analyses = await self.engine.async_identify(frame)
        if analyses:
            self._tracking_until = now + 1.0
            self._last_thumb = None  # compare afresh once the faces leave
        await self.async_handle(analyses, now)
        return analyses

    async def async_handle(self, analyses: list[FaceAnalysis], now: float) -> None:
        """Track, fuse and fire decisions for the faces of one frame."""
        track_ids = self.tracker.assign([item.face.box for item in analyses], now)
        for track_id, analysis in zip(track_ids, analyses, strict=True):
            match = analysis.match
            if match is None:
                continue
            if track_id in self._fired_tracks:
                seen = match.person_id or "" if match.status in ("match", "unknown") else None
                if seen is None or seen == self._fired_tracks[track_id]:
                    continue
                # Same place, different face (the next person stepped up): a new track.
                track_id = self.tracker.split(track_id)
            decision = self.fusion.update(track_id, match, now)
            if decision.status in ("match", "unknown"):
                self._fired_tracks[track_id] = decision.person_id or ""
                await self._async_fire(decision, analysis, now)
        if len(self._fired_tracks) > 1000:
            self._fired_tracks.clear()

    async def _async_fire(self, decision: FusedDecision, analysis: FaceAnalysis,
                          now: float) -> None:
        data = self._event_data(decision, analysis)
        if decision.status == "match" and decision.person_id is not None:
            last = self._last_fired.get(decision.person_id)
            if last is not None and now - last < self.options.debounce:
                return
            self._last_fired[decision.person_id] = now
            data.update(await async_person_fields(self.hub, decision.person_id))
            self.hub.bus.async_fire(EVENT_FACE_RECOGNIZED, data, context=Context())
        else:
            self.hub.bus.async_fire(EVENT_FACE_UNKNOWN, data, context=Context())

    def _event_data(self, decision: FusedDecision, analysis: FaceAnalysis) -> dict[str, Any]:
        match = analysis.match
        candidates = match.candidates if match is not None else ()
        runner_up = candidates[1].score if len(candidates) > 1 else None
        return {
            "gate": self.options.gate,
            "direction": self.options.direction,
            "credential": "face",
            "camera": self.options.camera,
            "track_id": decision.track_id,
            "score": decision.best_score,
            "runner_up": runner_up,
            "frames": decision.frames,
            "agreeing_frames": decision.agreeing,
            "mask": analysis.mask.verdict if analysis.mask.status == "ok" else "unavailable",
            "liveness": analysis.liveness.score,
            "live": analysis.liveness.live,
            "liveness_status": analysis.liveness.status,
            "quality_ok": analysis.quality.ok,
            "quality_reasons": list(analysis.quality.reasons),
            "match_reason": match.reason if match is not None else "",
        }
