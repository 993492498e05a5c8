"""Run a validated action sequence, recording every step in a trace."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import hub.config.validation as cv
from hub.automation.conditions import ConditionBuilder
from hub.automation.trace import Trace
from hub.context import Context
from hub.exceptions import HubError
from hub.template import TemplateError, render_complex

if TYPE_CHECKING:
    from hub.automation.engine import TriggerAttacher
    from hub.core import Hub

_LOGGER = logging.getLogger(__name__)


class StopRun(Exception):
    """`stop:` ended the run (with `error: true` it counts as a failure)."""

    def __init__(self, reason: str, error: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.error = error


class ActionError(HubError):
    """An action failed; the message names the step."""


class ScriptRunner:
    """Executes one run of a sequence with its own variables and trace."""

    def __init__(
        self,
        hub: Hub,
        name: str,
        conditions: ConditionBuilder,
        attach_triggers: TriggerAttacher,
        variables: dict[str, Any],
        context: Context,
        trace: Trace,
    ) -> None:
        self.hub = hub
        self.name = name
        self.conditions = conditions
        self.attach_triggers = attach_triggers
        self.variables = variables
        self.context = context
        self.trace = trace

    def render(self, value: Any) -> Any:
        """Render templates in a value with the run's variables."""
        return render_complex(value, self.variables, self.hub)

    async def run_sequence(self, sequence: list[dict[str, Any]], path: str) -> None:
        """Run actions in order; an error stops the run unless `continue_on_error`."""
        for index, action in enumerate(sequence):
            if not action.get("enabled", True):
                continue
            step_path = f"{path}/{index}"
            step = self.trace.step(step_path, action["_kind"])
            try:
                result = await getattr(self, f"_run_{action['_kind']}")(action, step_path)
            except StopRun as stop:
                self.trace.end_step(step, {"stopped": stop.reason})
                raise
            except asyncio.CancelledError:
                self.trace.end_step(step, error="cancelled")
                raise
            except Exception as err:
                message = str(err) if isinstance(err, HubError | TemplateError) else (
                    f"{type(err).__name__}: {err}")
                self.trace.end_step(step, error=message)
                if action.get("continue_on_error"):
                    _LOGGER.warning("%s: %s failed, continuing: %s", self.name, step_path, message)
                    continue
                raise ActionError(f"{step_path} ({action['_kind']}): {message}") from err
            self.trace.end_step(step, result)

    async def _run_action(self, action: dict[str, Any], path: str) -> dict[str, Any]:
        domain, service = action["action"].split(".", 1)
        data = self.render(action["data"])
        if isinstance(data, str):
            raise ActionError(f"data must render to a mapping, got {data!r}")
        data = dict(data)
        target = self.render(action["target"])
        if "entity_id" in target:
            data["entity_id"] = target["entity_id"]
        await self.hub.services.async_call(domain, service, data, self.context.child())
        return {"action": action["action"], "data": _shown(data)}

    async def _run_delay(self, action: dict[str, Any], path: str) -> dict[str, Any]:
        seconds = _seconds(self.render(action["delay"]))
        await asyncio.sleep(seconds)
        return {"delay": seconds}

    async def _run_wait_for_trigger(self, action: dict[str, Any], path: str) -> dict[str, Any]:
        timeout = action.get("timeout")
        seconds = None if timeout is None else _seconds(self.render(timeout))
        fired: asyncio.Future[dict[str, Any]] = self.hub.loop.create_future()

        def on_trigger(variables: dict[str, Any], context: Context | None) -> None:
            if not fired.done():
                fired.set_result(variables["trigger"])

        detach = await self.attach_triggers(
            action["wait_for_trigger"], on_trigger, f"{self.name} {path}", self.variables
        )
        try:
            async with asyncio.timeout(seconds):
                trigger = await fired
        except TimeoutError:
            self.variables["wait"] = {"trigger": None, "timed_out": True}
            if not action["continue_on_timeout"]:
                raise StopRun(f"{path}: timed out waiting for trigger", False) from None
            return {"timed_out": True}
        finally:
            detach()
        self.variables["wait"] = {"trigger": trigger, "timed_out": False}
        return {"trigger": trigger.get("description")}

    async def _run_choose(self, action: dict[str, Any], path: str) -> dict[str, Any]:
        for index, option in enumerate(action["choose"]):
            check = self.conditions.build_all(self.hub, option["conditions"])
            result = await check(self.variables)
            self.variables["condition"] = result.as_variable()
            if result.ok:
                await self.run_sequence(option["sequence"], f"{path}/choose/{index}/sequence")
                return {"chosen": index, "reason": result.reason}
        if "default" in action:
            await self.run_sequence(action["default"], f"{path}/default")
            return {"chosen": "default"}
        return {"chosen": None}

    async def _run_if(self, action: dict[str, Any], path: str) -> dict[str, Any]:
        result = await self.conditions.build_all(self.hub, action["if"])(self.variables)
        self.variables["condition"] = result.as_variable()
        branch = "then" if result.ok else "else"
        if branch in action:
            await self.run_sequence(action[branch], f"{path}/{branch}")
        return {"if": result.ok, "reason": result.reason, "condition": result.as_dict()}

    async def _run_variables(self, action: dict[str, Any], path: str) -> dict[str, Any]:
        for key, value in action["variables"].items():
            self.variables[key] = self.render(value)
        return {"variables": sorted(action["variables"])}

    async def _run_parallel(self, action: dict[str, Any], path: str) -> dict[str, Any]:
        branches = [
            item["sequence"] if "sequence" in item and "_kind" not in item else [item]
            for item in action["parallel"]
        ]
        results = await asyncio.gather(
            *(self.run_sequence(branch, f"{path}/parallel/{index}")
              for index, branch in enumerate(branches)),
            return_exceptions=True,
        )
        for result in results:
            if isinstance(result, BaseException):
                raise result
        return {"branches": len(branches)}

    async def _run_sequence(self, action: dict[str, Any], path: str) -> dict[str, Any]:
        await self.run_sequence(action["sequence"], f"{path}/sequence")
        return {}

    async def _run_stop(self, action: dict[str, Any], path: str) -> dict[str, Any]:
        raise StopRun(str(self.render(action["stop"])), action["error"])

    async def _run_event(self, action: dict[str, Any], path: str) -> dict[str, Any]:
        data = self.render(action["event_data"])
        self.hub.bus.async_fire(action["event"], data, context=self.context.child())
        return {"event": action["event"]}

    async def _run_condition(self, action: dict[str, Any], path: str) -> dict[str, Any]:
        result = await self.conditions.build(self.hub, action["condition_config"])(self.variables)
        if not result.ok:
            raise StopRun(f"condition failed: {result.reason}", False)
        return {"condition": result.as_dict()}


def _seconds(value: Any) -> float:
    duration = value if isinstance(value, timedelta) else cv.positive_duration(value)
    return float(duration.total_seconds())


def _shown(data: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in data.items() if key not in ("pin", "value")}

