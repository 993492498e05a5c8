"""`trigger: mqtt` against the real Mosquitto on 127.0.0.1:1883."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

from hub.callback import callback
from hub.config.load import load_config_dir
from hub.core import Hub
from hub.events import Event
from tests.devices_helpers import start_hub, wait_until
from tests.integrations.mqtt_helpers import MqttTestClient, unique_prefix


async def test_mqtt_trigger_runs_automation_with_payload(tmp_path: Path) -> None:
    prefix = unique_prefix()
    folder = tmp_path / "config"
    folder.mkdir()
    (folder / "automations.yaml").write_text(f"""
- id: intercom
  triggers:
    - trigger: mqtt
      topic: {prefix}/intercom/+/call
  actions:
    - event: visitor_call
      event_data:
        gate: "{{{{ trigger.payload_json.gate }}}}"
        household: "{{{{ trigger.topic.split('/')[2] }}}}"
- id: exact_payload
  triggers:
    - trigger: mqtt
      topic: {prefix}/alarm
      payload: fire
  actions:
    - event: fire_alarm
""")
    hub: Hub = await start_hub(folder, f"""
        mqtt:
          broker: 127.0.0.1
          discovery_prefix: {prefix}
        automation: !include automations.yaml
    """)
    publisher: MqttTestClient | None = None
    try:
        await wait_until(lambda: hub.data["mqtt"].client.ready, "the subscriptions")
        publisher = MqttTestClient()
        waiter = asyncio.ensure_future(hub.bus.async_wait_for("visitor_call", timeout=10))
        publisher.publish(f"{prefix}/intercom/b5_1201/call", '{"gate": "home_gate"}')
        event = await waiter
        assert event.data == {"gate": "home_gate", "household": "b5_1201"}
        fired: list[str] = []
        hub.bus.async_listen("fire_alarm", _record(fired))
        publisher.publish(f"{prefix}/alarm", "drill")
        publisher.publish(f"{prefix}/alarm", "fire")
        await wait_until(lambda: fired, "the fire alarm automation")
        await asyncio.sleep(0.2)
        assert fired == ["fire"]  # "drill" did not match the payload filter
    finally:
        if publisher is not None:
            publisher.close()
        await hub.async_stop()


def _record(into: list[str]) -> Callable[[Event], None]:
    @callback
    def listener(event: Event) -> None:
        into.append("fire")

    return listener


def test_bad_topic_filter_is_a_config_error(tmp_path: Path) -> None:
    folder = tmp_path / "config"
    folder.mkdir()
    (folder / "configuration.yaml").write_text(
        "mqtt: {}\nautomation:\n  - id: x\n    triggers:\n      - trigger: mqtt\n"
        "        topic: a/#/b\n    actions:\n      - event: y\n")
    [issue] = [str(item) for item in load_config_dir(folder).issues]
    assert "'#' may only be a whole last level" in issue
    assert ":6:" in issue
