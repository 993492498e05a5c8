"""`menjin bench bus`: events and state writes per second through the core.

Every event fired is counted at the listener, so a bus that drops events
cannot report a good number.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from typing import Any

from hub.bench.report import print_results
from hub.callback import callback
from hub.const import EVENT_STATE_CHANGED
from hub.core import Hub
from hub.events import Event


def register_bench(targets: Any) -> None:
    """Add the `bus` benchmark target."""
    parser: argparse.ArgumentParser = targets.add_parser(
        "bus", help="event bus and state machine throughput"
    )
    parser.add_argument("--events", type=int, default=200_000, help="events per measurement")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(func=run_bench)


def run_bench(args: argparse.Namespace) -> int:
    """Run every measurement and print the numbers."""
    print_results(asyncio.run(async_measure(args.events)), args.json)
    return 0


async def async_measure(count: int) -> dict[str, Any]:
    """Measure callback, coroutine and state-write throughput, checking delivery."""
    with tempfile.TemporaryDirectory() as config_dir:
        hub = Hub(config_dir)
        try:
            return {
                "events": count,
                "fire_callback_1l_events_per_s": await _callbacks(hub, count, 1),
                "fire_callback_10l_events_per_s": await _callbacks(hub, count, 10),
                "fire_coroutine_1l_events_per_s": await _coroutine(hub, count),
                "state_set_per_s": await _states(hub, count),
            }
        finally:
            await hub.async_stop()


def _check(name: str, delivered: int, expected: int) -> None:
    if delivered != expected:
        raise RuntimeError(f"{name}: {delivered} of {expected} deliveries arrived")


async def _callbacks(hub: Hub, count: int, listeners: int) -> float:
    delivered = 0

    @callback
    def listener(event: Event) -> None:
        nonlocal delivered
        delivered += 1

    removers = [hub.bus.async_listen("bench_event", listener) for _ in range(listeners)]
    fire = hub.bus.async_fire
    data = {"gate": "gate_3"}
    started = time.perf_counter()
    for _ in range(count):
        fire("bench_event", data)
    elapsed = time.perf_counter() - started
    for remove in removers:
        remove()
    _check(f"{listeners} callback listeners", delivered, count * listeners)
    return count / elapsed


async def _coroutine(hub: Hub, count: int) -> float:
    delivered = 0
    all_done = asyncio.Event()

    async def listener(event: Event) -> None:
        nonlocal delivered
        delivered += 1
        if delivered == count:
            all_done.set()

    remove = hub.bus.async_listen("bench_event", listener)
    fire = hub.bus.async_fire
    started = time.perf_counter()
    for _ in range(count):
        fire("bench_event")
    await all_done.wait()
    elapsed = time.perf_counter() - started
    remove()
    _check("coroutine listener", delivered, count)
    return count / elapsed


async def _states(hub: Hub, count: int) -> float:
    delivered = 0

    @callback
    def listener(event: Event) -> None:
        nonlocal delivered
        delivered += 1

    remove = hub.bus.async_listen(EVENT_STATE_CHANGED, listener)
    set_state = hub.states.async_set
    started = time.perf_counter()
    for index in range(count):
        set_state("sensor.gate_3_temperature", str(index))
    elapsed = time.perf_counter() - started
    remove()
    _check("state writes", delivered, count)
    return count / elapsed
