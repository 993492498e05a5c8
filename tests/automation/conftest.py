"""Fixtures: a hub running the automation integration on a real config folder."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest

from hub.bootstrap import async_from_config_dir
from hub.callback import callback
from hub.core import Hub
from hub.services import ServiceCall
from tests.conftest import ConfigWriter

StartHub = Callable[..., Awaitable[Hub]]


class Recorder:
    """Records calls of a test service, so tests see what automations did."""

    def __init__(self) -> None:
        self.calls: list[ServiceCall] = []
        self.event = asyncio.Event()

    @callback
    def handle(self, call: ServiceCall) -> None:
        self.calls.append(call)
        self.event.set()

    async def wait(self, count: int = 1, seconds: float = 5) -> list[ServiceCall]:
        async with asyncio.timeout(seconds):
            while len(self.calls) < count:
                self.event.clear()
                await self.event.wait()
        return self.calls


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
async def start_hub(
    config_dir: ConfigWriter, recorder: Recorder
) -> AsyncIterator[StartHub]:
    """Write `automations.yaml` (and files), start a hub with `test.record` registered."""
    hubs: list[Hub] = []

    async def start(automations: str, files: dict[str, str] | None = None) -> Hub:
        folder: Path = config_dir(
            "automation: !include automations.yaml\nrecorder_service: {}\n",
            files={"automations.yaml": automations, **(files or {})},
            integrations={"recorder_service": ({}, RECORDER_INTEGRATION)},
        )
        hub, results = await async_from_config_dir(folder)
        hubs.append(hub)
        assert all(result.ok for result in results.values()), results
        hub.services.async_register("test", "record", recorder.handle)
        return hub

    yield start
    for hub in hubs:
        await hub.async_stop()


# A custom integration so `test.record` can be validated at check-config time too.
RECORDER_INTEGRATION = "async def async_setup(hub, config):\n    return True\n"
