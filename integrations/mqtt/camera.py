"""MQTT cameras: an image per message on a topic (raw JPEG or base64)."""

from __future__ import annotations

import base64
import binascii
import logging
import time
from typing import Any

from hub.callback import callback
from hub.entities.camera import CameraEntity

from .client import ReceivedMessage
from .const import MAX_IMAGE_PAYLOAD
from .entity import MqttEntity

_LOGGER = logging.getLogger(__name__)


def decode_image(data: bytes) -> Any:
    """Decode JPEG/PNG bytes to a BGR array (blocking: run in the executor)."""
    import cv2
    import numpy as np

    return cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)


class MqttCamera(MqttEntity, CameraEntity):
    """The latest image published on the topic; non-images make it unavailable."""

    max_payload = MAX_IMAGE_PAYLOAD
    _latest_jpeg: bytes | None = None
    _bad_image = False

    def state_topics(self) -> list[str]:
        return [self.config["topic"]]

    @property
    def available(self) -> bool:
        return super().available and not self._bad_image

    @callback
    def _handle_message(self, message: ReceivedMessage) -> None:
        if len(message.payload) > self.max_payload or self.hub is None:
            return
        data = message.payload
        if self.config.get("image_encoding") == "b64":
            try:
                data = base64.b64decode(data, validate=True)
            except (binascii.Error, ValueError):
                data = b""
        self.hub.async_create_task(self._decode_frame(data), f"decode {self.entity_id}")

    async def _decode_frame(self, data: bytes) -> None:
        assert self.hub is not None
        frame = await self.hub.async_add_executor_job(decode_image, data) if data else None
        if frame is None:
            if not self._bad_image:
                _LOGGER.warning("%s received something that is not an image", self.entity_id)
            self._bad_image = True
        else:
            self._bad_image = False
            self.latest_frame, self.latest_frame_time = frame, time.time()
            self._latest_jpeg = data
        self._write()

    async def async_camera_image(self) -> bytes | None:
        """The last image as received."""
        return self._latest_jpeg
