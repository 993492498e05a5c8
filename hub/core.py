"""The Hub: owner of the loop, bus, states, services, configuration and tasks.

Everything an integration needs reaches it through the Hub object passed to
`async_setup(hub, config)`; there is no global state outside it.
"""

from __future__ import annotations

import asyncio
import enum
import logging
import signal
import time
from collections.abc import Awaitable, Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from hub.const import EVENT_HUB_START, EVENT_HUB_STARTED, EVENT_HUB_STOP, STORAGE_DIR
from hub.events import EventBus
from hub.services import ServiceRegistry
from hub.states import StateMachine

_LOGGER = logging.getLogger(__name__)
_T = TypeVar("_T")

# How long shutdown waits for tracked tasks before cancelling them.
STOP_GRACE_SECONDS = 10.0
EXECUTOR_WORKERS = 4
# How long start-up waits for start listeners before saying which are slow.
START_WAIT_SECONDS = 30.0


class CoreState(enum.Enum):
    """Lifecycle of the hub."""

    not_running = "NOT_RUNNING"
    starting = "STARTING"
    running = "RUNNING"
    stopping = "STOPPING"
    stopped = "STOPPED"


@dataclass(slots=True)
class HubConfig:
    """Site-wide settings from the `menjin:` section and where the config folder is."""

    config_dir: Path
    name: str = "menjin"
    time_zone: str = "UTC"
    site: dict[str, Any] = field(default_factory=dict)

    @property
    def tzinfo(self) -> ZoneInfo:
        """The site's time zone, for schedules and notification times."""
        return ZoneInfo(self.time_zone)

    def path(self, *parts: str) -> Path:
        """A path inside the config folder."""
        return self.config_dir.joinpath(*parts)

    @property
    def storage_dir(self) -> Path:
        """Where the hub keeps its own files (registries, database)."""
        return self.config_dir / STORAGE_DIR


class Hub:
    """The root object of a running menjin site."""

    def __init__(self, config_dir: Path | str) -> None:
        self.loop = asyncio.get_running_loop()
        self.config = HubConfig(config_dir=Path(config_dir).resolve())
        self.state = CoreState.not_running
        self._tasks: set[asyncio.Task[Any]] = set()
        self._background_tasks: set[asyncio.Task[Any]] = set()
        self._executor = ThreadPoolExecutor(
            max_workers=EXECUTOR_WORKERS, thread_name_prefix="menjin-executor"
        )
        self.bus = EventBus(self.loop, self.async_create_task)
        self.states = StateMachine(self.bus)
        self.services = ServiceRegistry(self.bus, self.async_create_task)
        # Loaded integrations by domain, and a place for their runtime objects.
        self.integrations: dict[str, Any] = {}
        self.data: dict[str, Any] = {}
        self._stopped = asyncio.Event()
        self.exit_code = 0

    @property
    def is_running(self) -> bool:
        """True while the hub is starting or running."""
        return self.state in (CoreState.starting, CoreState.running)

    def async_create_task(
        self, target: Coroutine[Any, Any, _T] | Awaitable[_T], name: str | None = None
    ) -> asyncio.Task[_T]:
        """Run a coroutine as a task the hub tracks and waits for on shutdown."""
        task: asyncio.Task[_T] = self.loop.create_task(target, name=name)  # type: ignore[arg-type]
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    def async_create_background_task(
        self, target: Coroutine[Any, Any, _T], name: str
    ) -> asyncio.Task[_T]:
        """Run a long-lived loop (poller, connection) that shutdown cancels at once."""
        task = self.loop.create_task(target, name=name)
        self._background_tasks.add(task)
        task.add_done_callback(self._background_tasks.discard)
        return task

    def async_add_executor_job(self, func: Callable[..., _T], *args: Any) -> asyncio.Future[_T]:
        """Run blocking work (file I/O, decoding, sqlite) off the event loop."""
        return self.loop.run_in_executor(self._executor, func, *args)

    async def async_start(self) -> None:
        """Announce start-up; the hub is ready once the start listeners have finished.

        Automations attach their triggers and the web server starts listening in
        `hub_started` listeners, so "ready" means they are in place.
        """
        started = time.monotonic()
        self.state = CoreState.starting
        self.bus.async_fire(EVENT_HUB_START)
        await self.async_block_till_done()
        self.state = CoreState.running
        self.bus.async_fire(EVENT_HUB_STARTED)
        await self.async_block_till_done()
        _LOGGER.debug("Hub started in %.1f ms", (time.monotonic() - started) * 1000)

    async def async_block_till_done(self, max_wait: float = START_WAIT_SECONDS) -> None:
        """Wait until the tracked tasks running now (and those they start) are done.

        Long-lived loops are background tasks and are not waited for; a task still
        running after `max_wait` seconds is named in the log and start-up goes on.
        """
        deadline = self.loop.time() + max_wait
        current = asyncio.current_task()
        while True:
            pending = {task for task in self._tasks if task is not current and not task.done()}
            if not pending:
                return
            remaining = deadline - self.loop.time()
            if remaining <= 0:
                _LOGGER.warning("Still running after %.0f s of start-up: %s", max_wait,
                                ", ".join(sorted(task.get_name() for task in pending)))
                return
            await asyncio.wait(pending, timeout=remaining)

    async def async_stop(self, exit_code: int = 0) -> None:
        """Stop gracefully: tell listeners, wait for tracked tasks, then cancel stragglers."""
        if self.state in (CoreState.stopping, CoreState.stopped):
            return
        self.exit_code = exit_code
        self.state = CoreState.stopping
        self.bus.async_fire(EVENT_HUB_STOP)
        background = set(self._background_tasks)
        for task in background:
            task.cancel()
        if background:
            # Bounded: a task that swallows its cancellation must not keep the
            # hub (and the process supervisor waiting on it) from stopping.
            _done, stuck = await asyncio.wait(background, timeout=STOP_GRACE_SECONDS)
            for task in stuck:
                _LOGGER.error("Background task %s ignored its cancellation; leaving it behind",
                              task.get_name())
        pending = {task for task in self._tasks if task is not asyncio.current_task()}
        if pending:
            _done, still_running = await asyncio.wait(pending, timeout=STOP_GRACE_SECONDS)
            for task in still_running:
                _LOGGER.warning("Cancelling task %s that did not finish on shutdown",
                                task.get_name())
                task.cancel()
            if still_running:
                await asyncio.gather(*still_running, return_exceptions=True)
        self._executor.shutdown(wait=False, cancel_futures=True)
        self.state = CoreState.stopped
        self._stopped.set()

    def async_register_signal_handlers(self) -> None:
        """Stop gracefully on SIGINT and SIGTERM."""
        for sig in (signal.SIGINT, signal.SIGTERM):
            self.loop.add_signal_handler(
                sig, lambda: self.async_create_task(self.async_stop(), "stop on signal")
            )

    async def async_wait_stopped(self) -> int:
        """Wait until `async_stop` has finished; return the exit code."""
        await self._stopped.wait()
        return self.exit_code
