"""Integrations are set up in dependency order; a failing one does not stop the rest."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from hub.bootstrap import async_from_config_dir
from tests.conftest import ConfigWriter

RECORDER = """
import asyncio
ORDER = []

async def async_setup(hub, config):
    await asyncio.sleep(float(config.get("delay", 0)))
    hub.data.setdefault("order", []).append("{domain}")
    return config.get("ok", True)
"""


def recorder(domain: str, **manifest: object) -> tuple[dict[str, object], str]:
    return manifest, RECORDER.replace("{domain}", domain)


async def test_dependencies_first_and_independent_ones_concurrently(
    config_dir: ConfigWriter,
) -> None:
    folder = config_dir(
        """
        store: {delay: 0.05}
        gates: {}
        slow_a: {delay: 0.2}
        slow_b: {delay: 0.2}
        """,
        integrations={
            "store": recorder("store"),
            "gates": recorder("gates", dependencies=["store"]),
            "slow_a": recorder("slow_a"),
            "slow_b": recorder("slow_b"),
        },
    )
    hub, results = await async_from_config_dir(folder)
    try:
        order = hub.data["order"]
        assert order.index("store") < order.index("gates")
        assert all(result.ok for result in results.values())
        # slow_a and slow_b overlapped: together they took about one delay, not two.
        total = results["slow_a"].seconds + results["slow_b"].seconds
        assert max(results["slow_a"].seconds, results["slow_b"].seconds) < total
        assert set(hub.integrations) == {"store", "gates", "slow_a", "slow_b"}
    finally:
        await hub.async_stop()


async def test_failing_setup_is_reported_and_others_start(
    config_dir: ConfigWriter, caplog: pytest.LogCaptureFixture
) -> None:
    folder = config_dir(
        "raiser: {}\nfalsy: {ok: false}\nfine: {}\nneeds_raiser: {}\n",
        integrations={
            "raiser": ({}, "async def async_setup(hub, config):\n    raise OSError('port busy')\n"),
            "falsy": recorder("falsy"),
            "fine": recorder("fine"),
            "needs_raiser": recorder("needs_raiser", dependencies=["raiser"]),
        },
    )
    with caplog.at_level(logging.INFO):
        hub, results = await async_from_config_dir(folder)
    try:
        assert results["fine"].ok
        assert not results["raiser"].ok
        assert results["raiser"].error == "OSError: port busy"
        assert not results["falsy"].ok
        assert results["needs_raiser"].error == "dependency 'raiser' failed to set up"
        assert "Setup of integration raiser failed: OSError: port busy" in caplog.text
        assert "Traceback" not in caplog.text
        assert "fine" in hub.integrations and "raiser" not in hub.integrations
        assert hub.is_running
    finally:
        await hub.async_stop()


async def test_custom_integration_overrides_builtin_with_warning(
    config_dir: ConfigWriter, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    import integrations
    from hub.loader import IntegrationCatalog

    builtin_root = tmp_path / "builtin"
    (builtin_root / "gatekit").mkdir(parents=True)
    (builtin_root / "gatekit" / "manifest.json").write_text(
        json.dumps({"domain": "gatekit", "name": "Built-in", "version": "1"})
    )
    monkeypatch.setattr(integrations, "__path__", [str(builtin_root)])
    assert not IntegrationCatalog(config_dir("")).get("gatekit").is_custom
    folder = config_dir("", integrations={"gatekit": recorder("gatekit")})
    with caplog.at_level(logging.WARNING):
        catalog = IntegrationCatalog(folder)
    assert catalog.get("gatekit").is_custom
    assert "Custom integration gatekit overrides the built-in one" in caplog.text


async def test_stop_waits_for_tracked_tasks_and_cancels_background_loops(
    config_dir: ConfigWriter,
) -> None:
    import asyncio

    from hub.core import CoreState, Hub

    hub = Hub(config_dir(""))
    await hub.async_start()
    finished: list[str] = []
    cancelled: list[str] = []

    async def short_job() -> None:
        await asyncio.sleep(0.05)
        finished.append("job")

    async def forever() -> None:
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            cancelled.append("loop")
            raise

    hub.async_create_task(short_job(), "job")
    hub.async_create_background_task(forever(), "loop")
    await asyncio.sleep(0)
    await hub.async_stop()
    assert finished == ["job"]
    assert cancelled == ["loop"]
    assert hub.state is CoreState.stopped


async def test_stop_is_bounded_when_a_background_task_swallows_its_cancellation(
    config_dir: ConfigWriter, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
) -> None:
    import asyncio

    from hub import core
    from hub.core import CoreState, Hub

    monkeypatch.setattr(core, "STOP_GRACE_SECONDS", 0.2)
    hub = Hub(config_dir(""))
    await hub.async_start()
    release = asyncio.Event()

    async def stubborn() -> None:
        # What asyncio.wait_for on Python 3.11 can do: the cancellation is lost.
        while not release.is_set():
            try:
                await asyncio.sleep(3600)
            except asyncio.CancelledError:
                continue

    hub.async_create_background_task(stubborn(), "stubborn loop")
    await asyncio.sleep(0)
    await hub.async_stop()
    assert hub.state is CoreState.stopped
    assert "Background task stubborn loop ignored its cancellation" in caplog.text
    release.set()
    await asyncio.sleep(0)
    for task in asyncio.all_tasks():
        if task.get_name() == "stubborn loop":
            task.cancel()


async def test_executor_job_runs_off_the_loop(config_dir: ConfigWriter) -> None:
    import threading

    from hub.core import Hub

    hub = Hub(config_dir(""))
    loop_thread = threading.get_ident()
    worker_thread = await hub.async_add_executor_job(threading.get_ident)
    assert worker_thread != loop_thread
    await hub.async_stop()
