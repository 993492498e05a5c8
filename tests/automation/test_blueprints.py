"""Blueprints: inputs checked against selectors, optional inputs, !input in templates."""

from __future__ import annotations

from pathlib import Path

from hub.config.load import load_config_dir
from tests.automation.conftest import RECORDER_INTEGRATION, Recorder, StartHub
from tests.conftest import ConfigWriter

FEVER_BLUEPRINT = """
blueprint:
  name: Fever alert
  domain: automation
  version: 2
  input:
    thermometer:
      name: Thermometer
      selector:
        entity:
          filter: {domain: sensor}
    limit:
      name: Limit
      default: 37.3
      selector:
        number: {min: 35, max: 42}
    desk:
      name: Alert message prefix
      default: "Guard desk"
      selector:
        text: {}
triggers:
  - trigger: numeric_state
    entity_id: !input thermometer
    above: !input limit
actions:
  - action: test.record
    data:
      message: "{{ desk }}: {{ trigger.to_state.state }} is above {{ limit }}"
"""


def write(config_dir: ConfigWriter, automations: str, blueprint: str = FEVER_BLUEPRINT) -> Path:
    return config_dir(
        "automation: !include automations.yaml\nrecorder_service: {}\n",
        files={
            "automations.yaml": automations,
            "blueprints/automation/site/fever.yaml": blueprint,
        },
        integrations={"recorder_service": ({}, RECORDER_INTEGRATION)},
    )


async def test_blueprint_runs_with_defaults_and_inputs_in_templates(
    start_hub: StartHub, recorder: Recorder
) -> None:
    hub = await start_hub(
        """
        - id: gate_fever
          use_blueprint:
            path: site/fever.yaml
            version: 2
            input:
              thermometer: sensor.gate_3_temperature
        """,
        files={"blueprints/automation/site/fever.yaml": FEVER_BLUEPRINT},
    )
    hub.states.async_set("sensor.gate_3_temperature", "36.4")
    hub.states.async_set("sensor.gate_3_temperature", "38.1")
    [call] = await recorder.wait(1)
    assert call.data["message"] == "Guard desk: 38.1 is above 37.3"


def test_wrong_selector_type_missing_input_and_unknown_input(config_dir: ConfigWriter) -> None:
    folder = write(
        config_dir,
        """
        - id: bad
          use_blueprint:
            path: site/fever.yaml
            input:
              limit: 55
              colour: red
        - id: wrong_domain
          use_blueprint:
            path: site/fever.yaml
            input:
              thermometer: turnstile.gate_3
        """,
    )
    issues = [str(issue) for issue in load_config_dir(folder).issues]
    text = "\n".join(issues)
    automations = folder / "automations.yaml"
    assert f"{automations}:6: [automation.0.use_blueprint.input.limit] input 'limit': 55 is " \
           "outside 35..42" in text
    assert "[automation.0.use_blueprint.input.colour] blueprint 'Fever alert' has no input " \
           "'colour'" in text
    assert "required input 'thermometer' is missing" in text
    assert "turnstile.gate_3 is not a sensor entity" in text
    assert len(issues) == 4, text


def test_undeclared_input_names_blueprint_file_and_line(config_dir: ConfigWriter) -> None:
    broken = FEVER_BLUEPRINT.replace("above: !input limit", "above: !input threshold")
    folder = write(
        config_dir,
        "- id: x\n  use_blueprint:\n    path: site/fever.yaml\n"
        "    input: {thermometer: sensor.t}\n",
        broken,
    )
    [issue] = [str(issue) for issue in load_config_dir(folder).issues]
    blueprint_file = folder / "blueprints/automation/site/fever.yaml"
    assert f"blueprint {blueprint_file}:25 uses !input threshold but does not declare it" in issue


def test_missing_blueprint_and_path_escape(config_dir: ConfigWriter) -> None:
    folder = write(
        config_dir,
        "- id: a\n  use_blueprint: {path: site/none.yaml}\n"
        "- id: b\n  use_blueprint: {path: ../../etc/passwd}\n",
    )
    text = "\n".join(str(issue) for issue in load_config_dir(folder).issues)
    assert "blueprint 'site/none.yaml' not found" in text
    assert "must be relative, without '..'" in text


def test_outdated_automation_is_reported_as_warning(config_dir: ConfigWriter) -> None:
    folder = write(
        config_dir,
        "- id: old\n  use_blueprint:\n    path: site/fever.yaml\n    version: 1\n"
        "    input: {thermometer: sensor.t}\n",
    )
    config = load_config_dir(folder)
    assert config.issues == []
    [warning] = [str(item) for item in config.warnings]
    assert "written for version 1 of blueprint site/fever.yaml, which is now version 2" in warning


def test_automation_errors_name_file_and_line(config_dir: ConfigWriter) -> None:
    folder = write(
        config_dir,
        """
        - id: broken
          triggers:
            - trigger: teleport
          actions:
            - action: not a service
            - delay: soon
            - frobnicate: true
        - id: broken
          triggers: [{trigger: event, event_type: x}]
          actions: [{action: test.record}]
        """,
    )
    text = "\n".join(str(issue) for issue in load_config_dir(folder).issues)
    automations = folder / "automations.yaml"
    assert f"{automations}:4: [automation.0.triggers.0] unknown trigger 'teleport'" in text
    assert f"{automations}:6: [automation.0.actions.0.action] service must look like" in text
    assert "[automation.0.actions.1.delay]" in text
    assert "[automation.0.actions.2] unknown action" in text
    assert "[automation.1.id] duplicate automation id 'broken'" in text
