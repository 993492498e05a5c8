"""Real receivers for notification tests: an aiohttp webhook endpoint that dedups by key."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web


@dataclass
class Receiver:
    """A webhook receiver on loopback; `statuses` scripts the answers (then 200)."""

    secret: str
    url: str = ""
    posts: list[dict[str, Any]] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)
    keys: Counter[str] = field(default_factory=Counter)
    statuses: list[int] = field(default_factory=list)
    bad_signatures: int = 0
    arrived: asyncio.Event = field(default_factory=asyncio.Event)
    _runner: web.AppRunner | None = None

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        expected = "sha256=" + hmac.new(self.secret.encode(), body, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(request.headers.get("X-Menjin-Signature", ""), expected):
            self.bad_signatures += 1
            return web.Response(status=401)
        if self.statuses:
            status = self.statuses.pop(0)
            if status != 200:
                return web.Response(status=status)
        payload = json.loads(body)
        key = request.headers.get("Idempotency-Key", "")
        assert key == payload["key"]
        self.keys[key] += 1
        if self.keys[key] == 1:  # dedup by key, as the issue asks receivers to do
            self.posts.append(payload)
            self.headers.append(dict(request.headers))
        self.arrived.set()
        return web.Response(status=200)

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/hook", self.handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}/hook"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def wait_for(self, count: int, seconds: float = 10.0) -> list[dict[str, Any]]:
        async with asyncio.timeout(seconds):
            while len(self.posts) < count:
                self.arrived.clear()
                await self.arrived.wait()
        return self.posts

    @property
    def duplicates(self) -> int:
        return sum(n - 1 for n in self.keys.values())


async def wait_until(predicate: Any, what: str, seconds: float = 10.0) -> None:
    """Poll a condition (which may be a coroutine function) until it holds."""
    async with asyncio.timeout(seconds):
        while True:
            value = predicate()
            if asyncio.iscoroutine(value):
                value = await value
            if value:
                return
            await asyncio.sleep(0.02)
    raise AssertionError(what)
