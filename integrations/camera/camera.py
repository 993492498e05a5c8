"""The camera entity: keeps the latest frame for the face engine and the API."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

import aiohttp

from hub.core import Hub
from hub.entities.camera import CameraEntity
from hub.entities.entity import DeviceInfo

from .const import (
    CONF_FRAME_INTERVAL,
    CONF_PASSWORD,
    CONF_RTSP_URL,
    CONF_SNAPSHOT_URL,
    CONF_STREAM_URL,
    CONF_TIMEOUT,
    CONF_USERNAME,
    DOMAIN,
    RETRY_MAX_SECONDS,
    RETRY_MIN_SECONDS,
)
from .frames import CameraError, RtspReader, decode_jpeg, encode_jpeg, mjpeg_frames, snapshot

_LOGGER = logging.getLogger(__name__)


def _basic_auth(username: str, password: str) -> str:
    """The Authorization header value for HTTP basic auth."""
    import base64

    token = base64.b64encode(f"{username}:{password}".encode()).decode("ascii")
    return f"Basic {token}"


class IpCamera(CameraEntity):
    """A snapshot, MJPEG or RTSP camera read in the background."""

    def __init__(self, unique_id: str, config: dict[str, Any]) -> None:
        self.config = config
        self._attr_name = config["name"]
        self._attr_unique_id = unique_id
        self._attr_frame_interval = config[CONF_FRAME_INTERVAL]
        self._attr_available = False
        self._attr_device_info = DeviceInfo(identifiers=frozenset({(DOMAIN, unique_id)}),
                                            name=config["name"], model=config.get("model"),
                                            manufacturer=config.get("manufacturer"))
        self._latest_jpeg: bytes | None = None
        self._task: asyncio.Task[None] | None = None
        self.last_error: str | None = None
        self.frames = 0

    @property
    def extra_state_attributes(self) -> dict[str, Any]:
        return {"last_error": self.last_error} if self.last_error else {}

    async def async_added_to_hub(self) -> None:
        assert self.hub is not None
        self._task = self.hub.async_create_background_task(self._run(self.hub),
                                                           f"camera {self.entity_id}")

    async def async_will_remove_from_hub(self) -> None:
        if self._task is not None:
            self._task.cancel()

    async def async_camera_image(self) -> bytes | None:
        """The latest frame as JPEG."""
        if self._latest_jpeg is None and self.latest_frame is not None and self.hub:
            self._latest_jpeg = await self.hub.async_add_executor_job(
                encode_jpeg, self.latest_frame)
        return self._latest_jpeg

    async def _run(self, hub: Hub) -> None:
        delay = RETRY_MIN_SECONDS
        timeout = aiohttp.ClientTimeout(total=None, sock_connect=self.config[CONF_TIMEOUT],
                                        sock_read=self.config[CONF_TIMEOUT])
        headers = {}
        if self.config.get(CONF_USERNAME):
            headers["Authorization"] = _basic_auth(
                self.config[CONF_USERNAME], self.config.get(CONF_PASSWORD, ""))
        async with aiohttp.ClientSession(timeout=timeout, headers=headers) as session:
            while True:
                try:
                    await self._read(hub, session)
                except CameraError as err:
                    self._set_error(str(err))
                else:
                    self._set_error("stream ended")
                await asyncio.sleep(delay)
                delay = RETRY_MIN_SECONDS if self._attr_available else min(
                    delay * 2, RETRY_MAX_SECONDS)

    async def _read(self, hub: Hub, session: aiohttp.ClientSession) -> None:
        if self.config.get(CONF_STREAM_URL):
            last = 0.0
            async for jpeg in mjpeg_frames(session, self.config[CONF_STREAM_URL],
                                           self.config[CONF_TIMEOUT]):
                if time.monotonic() - last < self.frame_interval:
                    continue  # frame-rate limit: drop, do not queue
                last = time.monotonic()
                await self._accept(hub, jpeg)
        elif self.config.get(CONF_SNAPSHOT_URL):
            while True:
                jpeg = await snapshot(session, self.config[CONF_SNAPSHOT_URL])
                await self._accept(hub, jpeg)
                await asyncio.sleep(self.frame_interval)
        elif self.config.get(CONF_RTSP_URL):
            reader = RtspReader(self.config[CONF_RTSP_URL], hub.loop, self.frame_interval)
            reader.start()
            try:
                while True:
                    async with asyncio.timeout(self.config[CONF_TIMEOUT]):
                        item = await reader.queue.get()
                    if isinstance(item, CameraError):
                        raise item
                    self._set_frame(item, None)
            except TimeoutError as err:
                raise CameraError("RTSP stream sent no frame in time") from err
            finally:
                reader.stop()

    async def _accept(self, hub: Hub, jpeg: bytes) -> None:
        frame = await hub.async_add_executor_job(decode_jpeg, jpeg)
        self._set_frame(frame, jpeg)

    def _set_frame(self, frame: Any, jpeg: bytes | None) -> None:
        was_available = self._attr_available
        self.latest_frame, self.latest_frame_time = frame, time.time()
        self._latest_jpeg = jpeg
        self.frames += 1
        self._attr_available, self.last_error = True, None
        if not was_available:
            _LOGGER.info("Camera %s is streaming", self.entity_id)
        # Frames do not change the state; write only when availability does.
        if not was_available:
            self.async_write_state()

    def _set_error(self, error: str) -> None:
        if self._attr_available or self.last_error is None:
            _LOGGER.warning("Camera %s unavailable: %s", self.entity_id, error)
        self._attr_available, self.last_error = False, error
        self.latest_frame = None
        self.async_write_state()
