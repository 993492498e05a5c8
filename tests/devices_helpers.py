"""Helpers shared by the device and integration tests: start a hub, wait for a condition."""

from __future__ import annotations

import asyncio
import socket
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hub.bootstrap import async_from_config_dir
from hub.core import Hub

# Generous: a condition that needs longer means something is broken, not slow.
WAIT_SECONDS = 20.0


async def wait_until(predicate: Callable[[], Any], what: str = "condition",
                     seconds: float = WAIT_SECONDS) -> Any:
    """Poll `predicate` until it returns something truthy; fail with `what` otherwise."""
    deadline = asyncio.get_running_loop().time() + seconds
    while True:
        result = predicate()
        if result:
            return result
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.02)


def write_configuration(folder: Path, configuration: str) -> None:
    """Write configuration.yaml into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "configuration.yaml").write_text(textwrap.dedent(configuration))


async def start_hub(folder: Path, configuration: str) -> Hub:
    """Write configuration.yaml into `folder` and start a hub on it."""
    write_configuration(folder, configuration)
    hub, results = await async_from_config_dir(folder)
    failed = {domain: r.error for domain, r in results.items() if not r.ok}
    assert not failed, failed
    return hub


def free_port() -> int:
    """A TCP port nobody listens on right now (loopback)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def state(hub: Hub, entity_id: str) -> str | None:
    """The state string of an entity, or None."""
    current = hub.states.get(entity_id)
    return None if current is None else current.state
