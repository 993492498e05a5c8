"""Automations run end to end: triggers, conditions, actions, modes and traces."""

from __future__ import annotations

import asyncio
import json

import pytest

from hub.automation.trace import read_traces
from hub.cli import main as cli_main
from hub.core import Hub
from tests.automation.conftest import Recorder, StartHub


async def settle(hub: Hub, rounds: int = 20) -> None:
    for _ in range(rounds):
        await asyncio.sleep(0)


async def test_event_trigger_condition_and_templated_service_call(
    start_hub: StartHub, recorder: Recorder
) -> None:
    hub = await start_hub(
        """
        - id: greet
          alias: Greet at gate
          triggers:
            - trigger: event
              event_type: person_arrived
              event_data: {gate: north}
          conditions:
            - "{{ trigger.event.data.name != 'Mallory' }}"
          actions:
            - action: test.record
              data:
                message: "{{ trigger.event.data.name }} entered at {{ trigger.gate }}"
        """
    )
    hub.bus.async_fire("person_arrived", {"gate": "south", "name": "Lina"})
    hub.bus.async_fire("person_arrived", {"gate": "north", "name": "Mallory"})
    hub.bus.async_fire("person_arrived", {"gate": "north", "name": "Lina"})
    calls = await recorder.wait(1)
    await settle(hub)
    assert [call.data["message"] for call in calls] == ["Lina entered at north"]
    assert hub.states.is_state("automation.greet", "on")
    # The service call's context descends from the triggering event's.
    assert calls[0].context.parent_id is not None


async def test_numeric_state_fires_on_crossing_only(
    start_hub: StartHub, recorder: Recorder
) -> None:
    hub = await start_hub(
        """
        - id: fever
          triggers:
            - trigger: numeric_state
              entity_id: sensor.gate_temperature
              above: 37.3
          actions:
            - action: test.record
              data: {t: "{{ trigger.to_state.state }}"}
        """
    )
    for value in ("36.5", "37.9", "38.2", "36.6", "37.5"):
        hub.states.async_set("sensor.gate_temperature", value)
        await settle(hub)
    calls = await recorder.wait(2)
    await settle(hub)
    assert [call.data["t"] for call in calls] == ["37.9", "37.5"]


async def test_state_trigger_with_for_is_cancelled_when_state_reverts(
    start_hub: StartHub, recorder: Recorder
) -> None:
    hub = await start_hub(
        """
        - id: held_open
          triggers:
            - trigger: state
              entity_id: binary_sensor.door
              to: "on"
              for: 0.5
          actions:
            - action: test.record
        """
    )
    hub.states.async_set("binary_sensor.door", "on")
    await asyncio.sleep(0.05)
    hub.states.async_set("binary_sensor.door", "off")
    await asyncio.sleep(0.7)
    assert recorder.calls == []
    hub.states.async_set("binary_sensor.door", "on")
    await recorder.wait(1)


async def test_choose_if_variables_parallel_and_stop(
    start_hub: StartHub, recorder: Recorder
) -> None:
    hub = await start_hub(
        """
        - id: branching
          mode: parallel
          triggers:
            - trigger: event
              event_type: go
          actions:
            - variables:
                level: "{{ trigger.event.data.level }}"
            - choose:
                - conditions: "{{ level | int > 5 }}"
                  sequence:
                    - action: test.record
                      data: {branch: high}
              default:
                - action: test.record
                  data: {branch: low}
            - if:
                - condition: template
                  value_template: "{{ level | int == 0 }}"
              then:
                - stop: "level zero"
            - parallel:
                - action: test.record
                  data: {branch: p1}
                - sequence:
                    - action: test.record
                      data: {branch: p2}
        """
    )
    hub.bus.async_fire("go", {"level": 9})
    await recorder.wait(3)
    assert sorted(call.data["branch"] for call in recorder.calls) == ["high", "p1", "p2"]
    recorder.calls.clear()
    hub.bus.async_fire("go", {"level": 0})
    await recorder.wait(1)
    await asyncio.sleep(0.05)
    assert [call.data["branch"] for call in recorder.calls] == ["low"]
    traces = hub.data["automations"]["automation.branching"].traces.snapshot()
    [second] = [trace for trace in traces if trace["run_id"] == 2]
    assert second["outcome"] == "stopped"
    assert second["reason"] == "level zero"


async def test_wait_for_trigger_with_timeout(start_hub: StartHub, recorder: Recorder) -> None:
    hub = await start_hub(
        """
        - id: wait_passage
          triggers:
            - trigger: event
              event_type: granted
          actions:
            - wait_for_trigger:
                - trigger: event
                  event_type: passed
              timeout: 0.3
            - action: test.record
              data:
                passed: "{{ not wait.timed_out }}"
        """
    )
    hub.bus.async_fire("granted")
    await asyncio.sleep(0.05)
    hub.bus.async_fire("passed")
    await recorder.wait(1)
    hub.bus.async_fire("granted")
    await recorder.wait(2)
    assert [call.data["passed"] for call in recorder.calls] == ["True", "False"]


async def test_runtime_template_error_is_traced_and_others_keep_running(
    start_hub: StartHub, recorder: Recorder
) -> None:
    hub = await start_hub(
        """
        - id: broken
          triggers: [{trigger: event, event_type: ping}]
          actions:
            - action: test.record
              data: {x: "{{ trigger.event.data.missing.deeper }}"}
        - id: healthy
          triggers: [{trigger: event, event_type: ping}]
          actions:
            - action: test.record
              data: {x: fine}
        """
    )
    hub.bus.async_fire("ping")
    await recorder.wait(1)
    await asyncio.sleep(0.05)
    assert [call.data["x"] for call in recorder.calls] == ["fine"]
    [trace] = hub.data["automations"]["automation.broken"].traces.snapshot()
    assert trace["outcome"] == "error"
    assert "action/0" in trace["reason"] and "missing" in trace["reason"]


async def test_unavailable_or_failing_service_is_an_error_in_the_trace(
    start_hub: StartHub, recorder: Recorder
) -> None:
    hub = await start_hub(
        """
        - id: ghost
          triggers: [{trigger: event, event_type: ping}]
          actions:
            - action: turnstile.open
              target: {entity_id: turnstile.nowhere}
              continue_on_error: true
            - action: test.record
        """
    )
    hub.bus.async_fire("ping")
    await recorder.wait(1)
    await asyncio.sleep(0.05)
    [trace] = hub.data["automations"]["automation.ghost"].traces.snapshot()
    assert trace["outcome"] == "finished"
    assert "not registered" in trace["steps"][1]["error"]


@pytest.mark.parametrize(
    ("mode", "expected_runs"), [("single", 1), ("parallel", 3), ("queued", 3), ("restart", 1)]
)
async def test_modes(
    start_hub: StartHub, recorder: Recorder, mode: str, expected_runs: int
) -> None:
    hub = await start_hub(
        f"""
        - id: slow
          mode: {mode}
          triggers: [{{trigger: event, event_type: ping}}]
          actions:
            - delay: 0.1
            - action: test.record
        """
    )
    for _ in range(3):
        hub.bus.async_fire("ping")
        await settle(hub)
    await recorder.wait(expected_runs)
    await asyncio.sleep(0.3)  # time enough for a run too many to show itself
    assert len(recorder.calls) == expected_runs
    traces = hub.data["automations"]["automation.slow"].traces.snapshot()
    if mode == "restart":
        assert [trace["outcome"] for trace in traces].count("cancelled") == 2


async def test_trace_file_and_cli(
    start_hub: StartHub, recorder: Recorder, capsys: pytest.CaptureFixture[str]
) -> None:
    hub = await start_hub(
        """
        - id: traced
          triggers: [{trigger: event, event_type: ping}]
          conditions:
            - condition: state
              entity_id: binary_sensor.fire_alarm
              state: "off"
          actions:
            - action: test.record
        """
    )
    hub.bus.async_fire("ping")  # no state yet: condition fails
    await asyncio.sleep(0.05)
    hub.states.async_set("binary_sensor.fire_alarm", "off")
    await asyncio.sleep(0.05)
    hub.bus.async_fire("ping")
    await recorder.wait(1)
    for _ in range(50):
        await asyncio.sleep(0.02)
        if len(read_traces(hub.config.storage_dir, "traced")) == 2:
            break
    traces = read_traces(hub.config.storage_dir, "traced")
    assert [trace["outcome"] for trace in traces] == ["condition_failed", "finished"]
    assert traces[0]["reason"] == "binary_sensor.fire_alarm has no state"
    assert cli_main(["trace", "-c", str(hub.config.config_dir), "traced", "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed[-1]["steps"][-1]["result"]["action"] == "test.record"
    assert cli_main(["trace", "-c", str(hub.config.config_dir), "traced"]) == 0
    assert "condition_failed" in capsys.readouterr().out


async def test_automation_services(start_hub: StartHub, recorder: Recorder) -> None:
    hub = await start_hub(
        """
        - id: manual
          triggers: [{trigger: event, event_type: never}]
          conditions: "{{ false }}"
          actions: [{action: test.record}]
        """
    )
    await hub.services.async_call("automation", "trigger", {"entity_id": "automation.manual"})
    await recorder.wait(1)
    await hub.services.async_call("automation", "turn_off", {"entity_id": "automation.manual"})
    assert hub.states.is_state("automation.manual", "off")
