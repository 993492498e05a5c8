"""Emulated HTTP camera: `/snapshot.jpg`, an MJPEG `/stream.mjpg`, announced over zeroconf.

Frames come from a folder of images (or generated test cards when none is
given). The control surface scripts it: `POST /show {"image": "lina.jpg"}`
shows one image now ("this face walks up to the gate"), `POST /mode
{"mode": "hang"}` makes every request hang, `"garbage"` serves non-images.

Run: `python -m devices.emulators.camera --port 8081 --images ../shared/data/faces/...`.
"""

from __future__ import annotations

import asyncio
import logging
import socket
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from aiohttp import web
from zeroconf import ServiceInfo
from zeroconf.asyncio import AsyncZeroconf

from devices.emulators.control import LOOPBACK, ControlServer, assert_loopback

_LOGGER = logging.getLogger(__name__)

MODEL = "MJ-CAM1"
VENDOR = "Menjin Emulated Devices"
ZEROCONF_TYPE = "_http._tcp.local."
BOUNDARY = "menjinframe"
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".bmp"}
MODES = ("normal", "hang", "garbage")


def _test_card(index: int) -> bytes:
    """A generated 320x240 frame, so the emulator runs without any image folder."""
    frame = np.zeros((240, 320, 3), dtype=np.uint8)
    frame[:] = ((index * 40) % 255, 80, 160)
    cv2.putText(frame, f"menjin {index}", (20, 130), cv2.FONT_HERSHEY_SIMPLEX, 1.2,
                (255, 255, 255), 2)
    ok, encoded = cv2.imencode(".jpg", frame)
    assert ok
    return encoded.tobytes()


def _as_jpeg(path: Path) -> bytes:
    data = path.read_bytes()
    if path.suffix.lower() in (".jpg", ".jpeg"):
        return data
    image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    if image is None:
        raise ValueError(f"{path} is not an image")
    ok, encoded = cv2.imencode(".jpg", image)
    assert ok
    return encoded.tobytes()


class CameraEmulator:
    """An IP camera on loopback, scripted through HTTP."""

    kind = "camera"

    def __init__(
        self,
        images: Path | None = None,
        name: str = "Emulated camera",
        fps: float = 5.0,
        zeroconf: bool = True,
    ) -> None:
        self.name = name
        self.fps = fps
        self.frames: dict[str, bytes] = {}
        if images is not None:
            for path in sorted(images.rglob("*")):
                if path.suffix.lower() in IMAGE_SUFFIXES and len(self.frames) < 200:
                    self.frames[str(path.relative_to(images))] = _as_jpeg(path)
        if not self.frames:
            self.frames = {f"card_{i}.jpg": _test_card(i) for i in range(3)}
        self.images_dir = images
        self.current = next(iter(self.frames))
        self.mode = "normal"
        self.served = 0
        self._zeroconf_enabled = zeroconf
        self._zeroconf: AsyncZeroconf | None = None
        self._info: ServiceInfo | None = None
        self.control = ControlServer(self.state, self.actions(), [
            web.get("/snapshot.jpg", self._snapshot),
            web.get("/stream.mjpg", self._stream),
        ])
        self.port = 0

    def state(self) -> dict[str, Any]:
        """What the camera shows now."""
        return {"kind": self.kind, "name": self.name, "port": self.port, "mode": self.mode,
                "current": self.current, "images": len(self.frames), "served": self.served}

    def actions(self) -> dict[str, Any]:
        """`show` an image (by name, or a path under the image folder), set `mode`, `next`."""
        return {"show": self._action_show, "mode": self._action_mode, "next": self._action_next}

    def _action_show(self, body: dict[str, Any]) -> dict[str, Any]:
        name = str(body["image"])
        if name not in self.frames:
            path = Path(name)
            if not path.is_absolute() and self.images_dir is not None:
                path = self.images_dir / path
            if not path.is_file():
                raise ValueError(f"no image {name!r}")
            self.frames[name] = _as_jpeg(path)
        self.current = name
        return self.state()

    def _action_mode(self, body: dict[str, Any]) -> dict[str, Any]:
        mode = str(body.get("mode"))
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}")
        self.mode = mode
        return self.state()

    def _action_next(self, _body: dict[str, Any]) -> dict[str, Any]:
        names = list(self.frames)
        self.current = names[(names.index(self.current) + 1) % len(names)]
        return self.state()

    def _frame(self) -> bytes:
        if self.mode == "garbage":
            return b"<html>this is not an image</html>"
        return self.frames[self.current]

    async def _snapshot(self, _request: web.Request) -> web.StreamResponse:
        if self.mode == "hang":
            await asyncio.sleep(3600)
        self.served += 1
        content_type = "text/html" if self.mode == "garbage" else "image/jpeg"
        return web.Response(body=self._frame(), content_type=content_type)

    async def _stream(self, request: web.Request) -> web.StreamResponse:
        if self.mode == "hang":
            await asyncio.sleep(3600)
        response = web.StreamResponse(headers={
            "Content-Type": f"multipart/x-mixed-replace; boundary={BOUNDARY}"})
        await response.prepare(request)
        try:
            while True:
                frame = self._frame()
                self.served += 1
                await response.write(
                    f"--{BOUNDARY}\r\nContent-Type: image/jpeg\r\n"
                    f"Content-Length: {len(frame)}\r\n\r\n".encode() + frame + b"\r\n")
                await asyncio.sleep(1 / self.fps)
        except (ConnectionResetError, asyncio.CancelledError):
            pass
        return response

    async def start(self, host: str = LOOPBACK, port: int = 0) -> int:
        """Serve HTTP on loopback and announce over zeroconf (loopback interface only)."""
        assert_loopback(host)
        self.port = await self.control.start(host, port)
        if self._zeroconf_enabled:
            self._zeroconf = AsyncZeroconf(interfaces=[LOOPBACK])
            slug = "".join(ch if ch.isalnum() else "-" for ch in self.name.lower())
            self._info = ServiceInfo(
                ZEROCONF_TYPE,
                f"{self.name} {self.port}.{ZEROCONF_TYPE}",
                addresses=[socket.inet_aton(LOOPBACK)],
                port=self.port,
                properties={
                    "menjin_kind": "camera", "vendor": VENDOR, "model": MODEL,
                    "snapshot": "/snapshot.jpg", "stream": "/stream.mjpg",
                    "serial": f"{slug}-{self.port}",
                },
                server=f"{slug}-{self.port}.local.",
            )
            await self._zeroconf.async_register_service(self._info)
        return self.port

    async def stop(self) -> None:
        """Withdraw the announcement and stop serving."""
        if self._zeroconf is not None:
            if self._info is not None:
                await self._zeroconf.async_unregister_service(self._info)
            await self._zeroconf.async_close()
            self._zeroconf = None
        await self.control.stop()


if __name__ == "__main__":
    from devices.emulators.runner import main

    raise SystemExit(main(["camera"]))
