"""Compare the photo on an ID card with the face the gate camera sees now (1:1).

Health gates admit someone only if the card they present is theirs. The card
photo is used for this comparison only: it is never stored or logged.
"""

from __future__ import annotations

import base64
import binascii
import logging
from typing import TYPE_CHECKING, Any

from hub.context import Context
from hub.events import Event
from hub.face.async_engine import AsyncFaceEngine
from hub.face.errors import FaceEngineError
from integrations.face.const import EVENT_ID_CARD_CHECKED

if TYPE_CHECKING:
    from hub.core import Hub
    from integrations.face.watcher import GateWatcher

_LOGGER = logging.getLogger(__name__)


def _photo_bytes(photo: Any) -> bytes | None:
    if isinstance(photo, bytes):
        return photo
    if isinstance(photo, str):
        try:
            return base64.b64decode(photo, validate=True)
        except binascii.Error:
            return None
    return None


async def async_check_id_card(
    hub: Hub, engine: AsyncFaceEngine, watchers: dict[str, GateWatcher], event: Event
) -> None:
    """Verify the card photo against the gate's live frame and fire `id_card_checked`."""
    gate = event.data.get("gate")
    result: dict[str, Any] = {
        "gate": gate, "holder_name": event.data.get("name"),
        "id_number_hash": event.data.get("id_number_hash"),
        "matched": False, "score": None, "threshold": None, "reason": "",
        "mask": "unavailable", "live": None, "liveness": None, "direction": "in",
    }
    watcher = watchers.get(str(gate))
    photo = _photo_bytes(event.data.get("photo"))
    camera = watcher.camera() if watcher is not None else None
    if watcher is None:
        result["reason"] = f"no face camera configured for gate {gate}"
    elif photo is None:
        result["reason"] = "the card reader sent no readable photo"
    elif camera is None or camera.latest_frame is None:
        result["reason"] = "no live camera frame at the gate"
    else:
        result["direction"] = watcher.options.direction
        try:
            live = await engine.async_identify(camera.latest_frame)
            if live:
                largest = max(live, key=lambda item: item.face.box.width * item.face.box.height)
                result.update(
                    mask=largest.mask.verdict if largest.mask.status == "ok" else "unavailable",
                    live=largest.liveness.live, liveness=largest.liveness.score)
            verdict = await engine.async_verify(photo, camera.latest_frame)
        except FaceEngineError as err:
            result["reason"] = f"cannot compare: {err}"
        else:
            result.update(matched=verdict.same_person, score=round(verdict.score, 4),
                          threshold=verdict.threshold,
                          reason=verdict.reason or (
                              "card photo matches the live face" if verdict.same_person
                              else "card photo does not match the live face"))
    _LOGGER.info("ID card at %s: %s", gate, result["reason"])
    hub.bus.async_fire(EVENT_ID_CARD_CHECKED, result,
                       context=Context(parent_id=event.context.id))
