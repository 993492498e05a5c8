"""Fixtures: a real hub with people + notify on a temporary config folder, real receivers."""

from __future__ import annotations

import textwrap
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest

from hub.bootstrap import async_from_config_dir
from hub.core import Hub
from hub.privacy.keys import SiteKey
from tests.conftest import ConfigWriter
from tests.notify.helpers import Receiver

HOOK_SECRET = "test-hook-secret-0123456789"
StartSite = Callable[..., Awaitable[Hub]]


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    instance = Receiver(HOOK_SECRET)
    await instance.start()
    yield instance
    await instance.stop()


def site_files(notify: str, extra: str = "") -> tuple[str, dict[str, str]]:
    """configuration.yaml text and files for a site with people and notify."""
    configuration = (
        "menjin:\n  name: Test School\n  time_zone: Asia/Shanghai\npeople: {}\n"
        "notify: !include notify.yaml\n" + textwrap.dedent(extra))
    files = {
        "notify.yaml": textwrap.dedent(notify),
        "secrets.yaml": f"site_key: {SiteKey.generate().as_text()}\n"
                        f"hook_secret: {HOOK_SECRET}\none_key_secret: one-key-test-secret-123\n",
    }
    return configuration, files


@pytest.fixture
async def start_site(config_dir: ConfigWriter) -> AsyncIterator[StartSite]:
    """Start a hub whose `notify:` section is the given YAML (plus extra sections)."""
    hubs: list[Hub] = []

    async def start(notify: str, extra: str = "", files: dict[str, str] | None = None) -> Hub:
        configuration, site = site_files(notify, extra)
        folder: Path = config_dir(configuration, files={**site, **(files or {})})
        hub, results = await async_from_config_dir(folder)
        hubs.append(hub)
        failed = {domain: result.error for domain, result in results.items() if not result.ok}
        assert not failed, failed
        return hub

    yield start
    for hub in hubs:
        await hub.async_stop()


from tests.storage.fixtures import (  # noqa: E402, F401  (both back-ends for store tests)
    people_config,
    pg_dsn,
    site_key,
    storage_options,
    store,
)
