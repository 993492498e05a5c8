"""Frame sources: snapshot polling, MJPEG over HTTP and RTSP through OpenCV's FFmpeg.

Each source is an async iterator of JPEG bytes or decoded frames; decoding
and RTSP reads block, so they run in the executor or in a reader thread.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import AsyncIterator
from typing import Any

import aiohttp

from .const import MAX_FRAME_BYTES

_LOGGER = logging.getLogger(__name__)

_SOI, _EOI = b"\xff\xd8", b"\xff\xd9"


class CameraError(Exception):
    """The camera is unreachable, hangs, or serves something that is not an image."""


def decode_jpeg(data: bytes) -> Any:
    """Decode image bytes to a BGR array; raise CameraError for non-images (blocking)."""
    import cv2
    import numpy as np

    frame = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    if frame is None:
        raise CameraError(f"received {len(data)} bytes that are not an image")
    return frame


def encode_jpeg(frame: Any) -> bytes:
    """Encode a BGR array as JPEG (blocking)."""
    import cv2

    ok, encoded = cv2.imencode(".jpg", frame)
    if not ok:
        raise CameraError("could not encode frame")
    return bytes(encoded.tobytes())


async def snapshot(session: aiohttp.ClientSession, url: str) -> bytes:
    """One snapshot; CameraError if it is not an image response."""
    try:
        async with session.get(url) as response:
            if response.status != 200:
                raise CameraError(f"snapshot answered HTTP {response.status}")
            data = await response.content.read(MAX_FRAME_BYTES + 1)
    except (aiohttp.ClientError, TimeoutError) as err:
        raise CameraError(f"snapshot failed: {type(err).__name__} {err}") from err
    if len(data) > MAX_FRAME_BYTES:
        raise CameraError("snapshot is larger than any camera frame")
    return data


async def mjpeg_frames(session: aiohttp.ClientSession, url: str, patience: float
                       ) -> AsyncIterator[bytes]:
    """JPEG frames of an MJPEG stream, found by their start and end markers.

    A stream that keeps sending bytes but no image for `patience` seconds is
    broken (an error page, a misconfigured encoder): raise instead of waiting.
    """
    loop = asyncio.get_running_loop()
    try:
        async with session.get(url) as response:
            if response.status != 200:
                raise CameraError(f"stream answered HTTP {response.status}")
            buffer = b""
            last_frame = loop.time()
            async for chunk in response.content.iter_any():
                buffer += chunk
                if loop.time() - last_frame > patience:
                    raise CameraError(f"stream sent no image for {patience:.0f} s")
                while True:
                    start = buffer.find(_SOI)
                    end = buffer.find(_EOI, start + 2) if start >= 0 else -1
                    if start < 0 or end < 0:
                        break
                    yield buffer[start : end + 2]
                    last_frame = loop.time()
                    buffer = buffer[end + 2 :]
                if len(buffer) > MAX_FRAME_BYTES:
                    raise CameraError("stream sent more than a frame's worth of non-image data")
    except (aiohttp.ClientError, TimeoutError) as err:
        raise CameraError(f"stream failed: {type(err).__name__} {err}") from err


class RtspReader:
    """Reads an RTSP stream with OpenCV (FFmpeg) in its own thread, newest frame wins."""

    def __init__(self, url: str, loop: asyncio.AbstractEventLoop, min_interval: float) -> None:
        self.url = url
        self.loop = loop
        self.min_interval = min_interval
        self.queue: asyncio.Queue[Any] = asyncio.Queue(maxsize=1)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="menjin-rtsp", daemon=True)

    def start(self) -> None:
        """Start the reader thread."""
        self._thread.start()

    def stop(self) -> None:
        """Ask the thread to stop after its current read."""
        self._stop.set()

    def _offer(self, item: Any) -> None:
        if self.queue.full():
            self.queue.get_nowait()
        self.queue.put_nowait(item)

    def _run(self) -> None:
        import time

        import cv2

        capture = cv2.VideoCapture(self.url, cv2.CAP_FFMPEG)
        try:
            if not capture.isOpened():
                self.loop.call_soon_threadsafe(self._offer, CameraError("cannot open RTSP"))
                return
            last = 0.0
            while not self._stop.is_set():
                ok, frame = capture.read()
                if not ok:
                    self.loop.call_soon_threadsafe(self._offer, CameraError("RTSP read failed"))
                    return
                now = time.monotonic()
                if now - last >= self.min_interval:
                    last = now
                    self.loop.call_soon_threadsafe(self._offer, frame)
        finally:
            capture.release()
