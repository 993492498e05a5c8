"""Running automations: attach triggers, check conditions, run actions by mode."""

from __future__ import annotations

import asyncio
import itertools
import logging
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from hub.automation.conditions import ConditionBuilder
from hub.automation.const import (
    CONF_ACTIONS,
    CONF_ALIAS,
    CONF_CONDITIONS,
    CONF_ID,
    CONF_MAX,
    CONF_MODE,
    CONF_STORED_TRACES,
    CONF_TRACE,
    CONF_TRIGGERS,
    CONF_VARIABLES,
    MODE_PARALLEL,
    MODE_QUEUED,
    MODE_RESTART,
    MODE_SINGLE,
)
from hub.automation.platforms import find_platform
from hub.automation.script import ActionError, ScriptRunner, StopRun
from hub.automation.trace import Trace, TraceStore
from hub.automation.triggers import BUILTIN_PLATFORMS, TriggerAction, TriggerInfo, Unsubscribe
from hub.const import EVENT_AUTOMATION_TRIGGERED, STATE_OFF, STATE_ON
from hub.context import Context
from hub.entities.entity import Entity
from hub.loader import IntegrationCatalog
from hub.template import TemplateError, render_complex

if TYPE_CHECKING:
    from hub.core import Hub

_LOGGER = logging.getLogger(__name__)

TriggerAttacher = Callable[
    [list[dict[str, Any]], TriggerAction, str, dict[str, Any]], Awaitable[Unsubscribe]
]


def make_trigger_attacher(hub: Hub, catalog: IntegrationCatalog | None) -> TriggerAttacher:
    """A function that attaches validated triggers and returns one detach function."""

    async def attach(
        triggers: list[dict[str, Any]], action: TriggerAction, name: str,
        variables: dict[str, Any],
    ) -> Unsubscribe:
        removers: list[Unsubscribe] = []
        for index, config in enumerate(triggers):
            if not config.get("enabled", True):
                continue
            platform = find_platform("trigger", config["trigger"], BUILTIN_PLATFORMS, catalog)
            config = render_complex(config, variables, hub) if variables else config
            info = TriggerInfo(name, index, str(config.get("id", index)))
            removers.append(await platform.async_attach(hub, config, action, info))

        def detach() -> None:
            for remove in removers:
                remove()

        return detach

    return attach


class Automation(Entity):
    """One automation: an entity (`automation.<id>`, on/off) that runs on its triggers."""

    domain = "automation"

    def __init__(
        self, hub: Hub, config: dict[str, Any], catalog: IntegrationCatalog | None
    ) -> None:
        self._hub = hub
        self.hub = hub
        self.config = config
        self.automation_id: str = config[CONF_ID]
        self._attr_name = config.get(CONF_ALIAS) or self.automation_id
        self._attr_unique_id = self.automation_id
        self.entity_id = f"automation.{self.automation_id}"
        self.mode: str = config[CONF_MODE]
        self.max_runs: int = config[CONF_MAX]
        self.conditions = ConditionBuilder(catalog)
        self._check = self.conditions.build_all(hub, config[CONF_CONDITIONS])
        self._attach_triggers = make_trigger_attacher(hub, catalog)
        self._detach: Unsubscribe | None = None
        self._runs: set[asyncio.Task[None]] = set()
        self._queue_lock = asyncio.Lock()
        self._queued = 0
        self._run_ids = itertools.count(1)
        self.enabled = True
        self.last_triggered: float | None = None
        self.traces = TraceStore(
            self.automation_id, hub.config.storage_dir,
            config[CONF_TRACE].get(CONF_STORED_TRACES, 20),
        )
        blueprint = config.get("blueprint") or {}
        self._inputs: dict[str, Any] = dict(blueprint.get("inputs", {}))

    @property
    def state(self) -> str:
        return STATE_ON if self.enabled else STATE_OFF

    @property
    def extra_state_attributes(self) -> dict[str, Any]:
        blueprint = self.config.get("blueprint")
        return {
            "id": self.automation_id,
            "mode": self.mode,
            "current": len(self._runs),
            "last_triggered": self.last_triggered,
            **({"blueprint": blueprint["path"]} if blueprint else {}),
        }

    async def async_enable(self) -> None:
        """Attach the triggers."""
        if self._detach is None:
            self._detach = await self._attach_triggers(
                self.config[CONF_TRIGGERS], self._on_trigger, self.automation_id,
                self._inputs,
            )
        self.enabled = True
        self.async_write_state()

    async def async_disable(self) -> None:
        """Detach the triggers and cancel running runs."""
        if self._detach is not None:
            self._detach()
            self._detach = None
        for task in list(self._runs):
            task.cancel()
        self.enabled = False
        self.async_write_state()

    async def _on_trigger(self, variables: dict[str, Any], context: Context | None) -> None:
        await self.async_trigger(variables, context)

    async def async_trigger(
        self, variables: dict[str, Any], context: Context | None = None,
        skip_condition: bool = False,
    ) -> Trace | None:
        """Start a run according to the mode; returns its trace when it ran to the end."""
        if not self.enabled:
            return None
        if self.mode == MODE_SINGLE and self._runs:
            _LOGGER.warning("%s: already running, trigger ignored (mode: single)",
                            self.automation_id)
            return None
        if self.mode == MODE_RESTART:
            for task in list(self._runs):
                task.cancel()
        if self.mode == MODE_PARALLEL and len(self._runs) >= self.max_runs:
            _LOGGER.warning("%s: %d runs already, trigger ignored", self.automation_id,
                            len(self._runs))
            return None
        if self.mode == MODE_QUEUED:
            if self._queued >= self.max_runs:
                _LOGGER.warning("%s: queue full (%d), trigger ignored", self.automation_id,
                                self.max_runs)
                return None
            self._queued += 1
            try:
                async with self._queue_lock:
                    return await self._start_run(variables, context, skip_condition)
            finally:
                self._queued -= 1
        return await self._start_run(variables, context, skip_condition)

    async def _start_run(
        self, variables: dict[str, Any], context: Context | None, skip_condition: bool
    ) -> Trace:
        run_context = (context or Context()).child(user_id=None)
        trace = Trace(self.automation_id, next(self._run_ids), run_context,
                      dict(variables.get("trigger", {})))
        task = asyncio.current_task()
        assert task is not None
        self._runs.add(task)
        try:
            await self._run(trace, variables, run_context, skip_condition)
        except asyncio.CancelledError:
            trace.finish("cancelled", "a newer run replaced it (mode: restart) or it was disabled")
            if self._hub.is_running:
                self._save(trace)
                return trace
            raise
        finally:
            self._runs.discard(task)
        self._save(trace)
        return trace

    async def _run(
        self, trace: Trace, trigger_variables: dict[str, Any], context: Context,
        skip_condition: bool,
    ) -> None:
        variables: dict[str, Any] = {**self._inputs, "inputs": dict(self._inputs),
                                     **trigger_variables}
        try:
            for key, value in self.config[CONF_VARIABLES].items():
                variables[key] = render_complex(value, variables, self._hub)
        except TemplateError as err:
            trace.finish("error", f"variables: {err}")
            _LOGGER.error("%s: %s", self.automation_id, trace.reason)
            return
        if not skip_condition:
            step = trace.step("condition", "conditions")
            result = await self._check(variables)
            trace.end_step(step, result.as_dict())
            if not result.ok:
                trace.finish("condition_failed", result.reason)
                return
        self.last_triggered = time.time()
        self.async_write_state()
        self._hub.bus.async_fire(
            EVENT_AUTOMATION_TRIGGERED,
            {"entity_id": self.entity_id, "name": self.name,
             "source": trace.trigger.get("description")},
            context=context,
        )
        runner = ScriptRunner(self._hub, self.automation_id, self.conditions,
                              self._attach_triggers, variables, context, trace)
        try:
            await runner.run_sequence(self.config[CONF_ACTIONS], "action")
        except StopRun as stop:
            trace.finish("error" if stop.error else "stopped", stop.reason)
            return
        except ActionError as err:
            trace.finish("error", str(err))
            _LOGGER.error("%s: %s", self.automation_id, err)
            return
        trace.finish("finished")

    def _save(self, trace: Trace) -> None:
        self.traces.add(trace)
        self._hub.async_create_task(self._async_write_traces(), f"traces {self.automation_id}")

    async def _async_write_traces(self) -> None:
        snapshot = self.traces.snapshot()
        try:
            await self._hub.async_add_executor_job(self.traces.write, snapshot)
        except OSError as err:
            _LOGGER.warning("Cannot write traces of %s: %s", self.automation_id, err)
