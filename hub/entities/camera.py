"""Cameras: the latest frame of a gate, for the face engine and the API."""

from __future__ import annotations

from typing import Any

from hub.entities.component import EntityService
from hub.entities.entity import Entity

DOMAIN = "camera"
SERVICES: tuple[EntityService, ...] = ()


class CameraEntity(Entity):
    """A camera whose frames other parts of the hub can read without blocking.

    `latest_frame` holds the last decoded frame (a numpy BGR array) once a
    stream runs; `async_camera_image` returns encoded JPEG bytes on demand.
    """

    domain = DOMAIN
    _attr_frame_interval: float = 0.1
    latest_frame: Any = None
    latest_frame_time: float | None = None

    @property
    def state(self) -> str:
        return "streaming" if self.latest_frame is not None else "idle"

    @property
    def frame_interval(self) -> float:
        """Minimum seconds between frames handed to consumers."""
        return self._attr_frame_interval

    async def async_camera_image(self) -> bytes | None:
        """One JPEG snapshot, or None if the camera has none right now."""
        raise NotImplementedError
