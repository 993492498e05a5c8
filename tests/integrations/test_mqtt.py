"""MQTT against the real Mosquitto on 127.0.0.1:1883 (unique prefixes) and a private one."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from devices.emulators.mqtt_card_reader import MqttCardReaderEmulator
from devices.emulators.mqtt_thermal import MqttThermalEmulator
from hub.core import Hub
from integrations.mqtt.client import ReceivedMessage
from tests.devices_helpers import free_port, start_hub, state, wait_until
from tests.integrations.mqtt_helpers import MqttTestClient, PrivateBroker, unique_prefix


def _config(prefix: str, port: int = 1883, extra: str = "") -> str:
    return f"""
        mqtt:
          port: {port}
          discovery_prefix: {prefix}
          birth_message: {{topic: {prefix}_hub/status}}
          will_message: {{topic: {prefix}_hub/status}}
        {extra}
    """


@pytest.fixture
def client():
    test_client = MqttTestClient()
    yield test_client
    test_client.close()


async def test_emulated_sensors_are_discovered_after_the_hub_birth(tmp_path: Path) -> None:
    prefix = unique_prefix()
    # Node ids are client ids and topics on the shared broker: unique, so a run of this
    # test elsewhere at the same time cannot take our emulators' sessions over.
    th, cr = f"th{prefix[-6:]}", f"cr{prefix[-6:]}"
    thermal = MqttThermalEmulator(th, prefix=prefix)
    reader = MqttCardReaderEmulator(cr, prefix=prefix)
    await thermal.start(None)
    await reader.start(None)
    # Both announced before the hub existed (not retained): only the birth brings them back.
    hub = await start_hub(tmp_path / "config", _config(prefix))
    try:
        await wait_until(lambda: state(hub, f"sensor.thermal_sensor_{th}_temperature") == "36.5",
                         "the temperature")
        assert thermal.announcements >= 2 and reader.announcements >= 2
        # Its own discovery message may be handled after the temperature's first reading.
        await wait_until(lambda: hub.states.get(f"binary_sensor.thermal_sensor_{th}_fever"),
                         "the fever sensor")
        await wait_until(lambda: hub.data["mqtt"].client.ready, "the sensors' subscriptions")
        thermal._action_set({"temperature": 38.4})
        await wait_until(lambda: state(hub, f"binary_sensor.thermal_sensor_{th}_fever") == "on",
                         "fever")
        credentials, id_cards = [], []
        hub.bus.async_listen("credential_presented", _collect(credentials))
        hub.bus.async_listen("id_card_read", _collect(id_cards))
        await wait_until(lambda: state(hub, f"card_reader.card_reader_{cr}_card") == "unknown",
                         "the reader")
        await wait_until(lambda: hub.data["mqtt"].client.ready, "the reader's subscriptions")
        reader._action_read({"card": "04A1B2C3"})
        reader._action_id({"name": "Lina Wang", "id_number": "110101201001011234"})
        await wait_until(lambda: credentials and id_cards, "both reads")
        assert credentials[0]["value"] == "04A1B2C3"
        assert id_cards[0]["id_number"] == "110101201001011234"
        for current in hub.states.all():
            assert "04A1B2C3" not in json.dumps(current.as_dict(), default=str)
        manager = hub.data["device_manager"]
        assert manager.entries[f"mqtt_menjin_emu_{th}"].profile == "mqtt_thermal_sensor"
        assert manager.entries[f"mqtt_menjin_emu_{cr}"].status == "confirmed"

        await thermal.stop()  # publishes offline on its availability topic
        await wait_until(lambda: state(hub, f"sensor.thermal_sensor_{th}_temperature")
                         == "unavailable", "unavailable")
    finally:
        await hub.async_stop()
        await reader.stop()


def _collect(target: list[dict[str, object]]):
    from hub.callback import callback

    @callback
    def handle(event) -> None:
        target.append(dict(event.data))

    return handle


TASMOTA_SWITCH = {
    "name": "Door strike", "uniq_id": "DC4F22_RL_1", "~": "tasmota_door/",
    "cmd_t": "~cmnd/POWER", "stat_t": "~stat/POWER", "pl_on": "ON", "pl_off": "OFF",
    "avty_t": "~tele/LWT", "pl_avail": "Online", "pl_not_avail": "Offline",
    "dev": {"ids": ["DC4F22"], "name": "Door relay", "mdl": "Sonoff Basic", "mf": "Tasmota"},
}


async def test_a_discovered_switch_waits_for_confirmation_then_works(
        tmp_path: Path, client: MqttTestClient) -> None:
    prefix = unique_prefix()
    door = f"{prefix}_door"  # its own topics: other runs share this broker
    switch = {**TASMOTA_SWITCH, "~": f"{door}/"}
    hub = await start_hub(tmp_path / "config", _config(prefix))
    try:
        await wait_until(lambda: hub.data["mqtt"].client.ready, "the subscriptions")
        client.publish(f"{door}/tele/LWT", "Online", retain=True)
        client.publish(f"{prefix}/switch/DC4F22/RL_1/config", json.dumps(switch))
        manager = hub.data["device_manager"]
        await wait_until(lambda: "mqtt_dc4f22" in manager.entries, "the switch entry")
        await asyncio.sleep(0.3)
        assert manager.entries["mqtt_dc4f22"].status == "pending"
        assert hub.states.all("relay") == []

        await manager.async_confirm("mqtt_dc4f22")
        await wait_until(lambda: state(hub, "relay.door_relay_door_strike") == "unknown",
                         "the relay entity")
        await wait_until(lambda: hub.data["mqtt"].client.ready, "the relay's subscriptions")
        client.subscribe(f"{door}/cmnd/POWER")
        await hub.services.async_call("relay", "turn_on",
                                      {"entity_id": "relay.door_relay_door_strike"})
        await wait_until(lambda: (f"{door}/cmnd/POWER", b"ON") in client.received,
                         "the command")
        client.publish(f"{door}/stat/POWER", "ON")
        await wait_until(lambda: state(hub, "relay.door_relay_door_strike") == "on", "on")

        # A repeated config with changes updates the entity in place.
        renamed = {**switch, "name": "Main door strike"}
        client.publish(f"{prefix}/switch/DC4F22/RL_1/config", json.dumps(renamed))
        await wait_until(lambda: (hub.states.get("relay.door_relay_door_strike") or
                                  _none).attributes.get("friendly_name")
                         == "Door relay Main door strike", "the new name")
        # An empty payload removes it.
        client.publish(f"{prefix}/switch/DC4F22/RL_1/config", "")
        await wait_until(lambda: hub.states.get("relay.door_relay_door_strike") is None,
                         "removal")
        assert manager.entries["mqtt_dc4f22"].entities == []
    finally:
        client.publish(f"{door}/tele/LWT", "", retain=True)
        await hub.async_stop()


class _none:
    attributes: dict[str, str] = {}


HOSTILE = [
    ("sensor/a/config", b"{not json"),
    ("sensor/b/config", b"[1, 2, 3]"),
    ("sensor/c/config", b"{" * 5000 + b"}" * 5000),
    ("sensor/d/config", json.dumps({"stat_t": "x", "name": "y" * 70_000}).encode()),
    ("sensor/e/config", json.dumps({"stat_t": "#", "name": "everything"}).encode()),
    ("sensor/f/config", json.dumps({"stat_t": "$SYS/broker/uptime"}).encode()),
    ("switch/g/config", json.dumps({"cmd_t": "{prefix}/lock/x/config"}).encode()),
    ("vacuum/h/config", json.dumps({"stat_t": "a/b"}).encode()),
    ("sensor/i/config", b"\xff\xfe\x00garbage"),
    ("sensor/j/config", json.dumps({"stat_t": "a/+/b"}).encode()),
    ("sensor/k/config", json.dumps({"stat_t": "ok/t", "val_tpl": "{{ value_json."}).encode()),
    ("sensor/l/config", json.dumps({"stat_t": "ok/t", "uniq_id": "../../etc"}).encode()),
    ("device/m/config", json.dumps({"dev": {"ids": ["m"]}, "cmps": "nope"}).encode()),
    ("device/n/config", json.dumps({"dev": {"ids": ["n"]}, "cmps": {
        "x": {"p": "sensor", "stat_t": "#"}}}).encode()),
    ("sensor/o/config", json.dumps({"~": "#", "stat_t": "~/state"}).encode()),
]


async def test_hostile_discovery_payloads_are_refused_and_the_hub_runs_on(
        tmp_path: Path, client: MqttTestClient, caplog: pytest.LogCaptureFixture) -> None:
    prefix = unique_prefix()
    hub = await start_hub(tmp_path / "config", _config(prefix))
    try:
        discovery = hub.data["mqtt"]
        await wait_until(lambda: discovery.client.ready, "the subscriptions")
        for topic, payload in HOSTILE:
            client.publish(f"{prefix}/{topic}", payload.replace(b"{prefix}", prefix.encode()))
        client.publish(f"{prefix}/sensor/good/config", json.dumps(
            {"stat_t": f"{prefix}_good/t", "name": "Good", "uniq_id": "good1"}))
        await wait_until(lambda: discovery.rejected == len(HOSTILE), "every refusal")
        await wait_until(lambda: hub.states.get("sensor.good"), "the good sensor")
        # Its state topic is routed to us only once the broker acknowledged it.
        await wait_until(lambda: discovery.client.ready, "the good sensor's subscription")
        assert len(hub.states.all()) == 1
        assert not any(t in ("#", "a/+/b") or t.startswith("$")
                       for t in discovery.client._subscriptions)
        assert "Ignored MQTT discovery message" in caplog.text
        # Huge state payloads are dropped, the entity keeps its last value.
        client.publish(f"{prefix}_good/t", "21.5")
        await wait_until(lambda: state(hub, "sensor.good") == "21.5", "a value")
        client.publish(f"{prefix}_good/t", "9" * 100_000)
        client.publish(f"{prefix}_good/t", "22")
        await wait_until(lambda: state(hub, "sensor.good") == "22", "the next value")
        assert hub.is_running
    finally:
        await hub.async_stop()


async def test_a_late_subscriber_to_a_subscribed_topic_gets_its_retained_message(
        tmp_path: Path, client: MqttTestClient) -> None:
    # Two entities of one device share its availability topic; the second is often
    # created after the retained "online" reached the first, and must not stay unavailable.
    prefix = unique_prefix()
    topic = f"{prefix}_dev/availability"
    client.publish(topic, "online", retain=True)
    hub = await start_hub(tmp_path / "config", _config(prefix))
    try:
        mqtt_client = hub.data["mqtt"].client
        first: list[ReceivedMessage] = []
        second: list[ReceivedMessage] = []
        mqtt_client.async_subscribe(topic, first.append)
        await wait_until(lambda: first, "the retained message")
        mqtt_client.async_subscribe(topic, second.append)
        await wait_until(lambda: second, "the retained message for the late subscriber")
        await wait_until(lambda: mqtt_client.ready, "the repeated subscription")
        client.publish(topic, "offline")
        await wait_until(lambda: len(second) == 2, "a live message")
        # The first subscriber saw the retained message once, then the live one.
        assert [m.payload for m in first] == [b"online", b"offline"]
        assert [m.payload for m in second] == [b"online", b"offline"]
    finally:
        client.publish(topic, "", retain=True)
        await hub.async_stop()


async def test_reconnect_after_a_broker_restart_restores_subscriptions(tmp_path: Path) -> None:
    port = free_port()
    broker = PrivateBroker(tmp_path, port)
    broker.start()
    prefix = unique_prefix()
    hub: Hub | None = None
    try:
        hub = await start_hub(tmp_path / "config", _config(prefix, port, """
          reconnect_max_delay: 2
        """))
        mqtt_client = hub.data["mqtt"].client
        await wait_until(lambda: mqtt_client.ready, "first connection")
        publisher = MqttTestClient(port)
        publisher.publish(f"{prefix}/sensor/r1/config",
                          json.dumps({"stat_t": "mjr/t", "name": "R", "uniq_id": "r1"}))
        await wait_until(lambda: state(hub, "sensor.r") == "unknown", "the sensor")
        publisher.close()

        broker.stop()
        await wait_until(lambda: not mqtt_client.connected, "the disconnect")
        assert state(hub, "sensor.r") == "unavailable"
        broker.start()
        await wait_until(lambda: mqtt_client.connect_count == 2, "the reconnect")
        await wait_until(lambda: mqtt_client.ready, "the subscriptions restored")
        publisher = MqttTestClient(port)
        publisher.publish("mjr/t", "7")
        await wait_until(lambda: state(hub, "sensor.r") == "7", "a message after reconnect")
        publisher.close()
    finally:
        if hub is not None:
            await hub.async_stop()
        broker.stop()


async def test_confirmed_devices_come_back_after_a_restart_before_they_announce(
        tmp_path: Path, client: MqttTestClient) -> None:
    prefix = unique_prefix()
    folder = tmp_path / "config"
    hub = await start_hub(folder, _config(prefix, extra="""
        """))
    try:
        await wait_until(lambda: hub.data["mqtt"].client.ready, "the subscriptions")
        client.publish(f"{prefix}/lock/gate/main/config", json.dumps({
            "name": "Main lock", "uniq_id": "lock_main", "cmd_t": "mjlock/set",
            "stat_t": "mjlock/state", "dev": {"ids": ["lockdev"], "name": "Gate lock"}}))
        manager = hub.data["device_manager"]
        await wait_until(lambda: "mqtt_lockdev" in manager.entries, "the lock entry")
        await manager.async_confirm("mqtt_lockdev")
        await wait_until(lambda: hub.states.get("relay.gate_lock_main_lock"), "the lock")
        await hub.services.async_call("relay", "turn_on",
                                      {"entity_id": "relay.gate_lock_main_lock"})
    finally:
        await hub.async_stop()
    again = await start_hub(folder, _config(prefix))
    try:
        # Nothing re-announced, yet the confirmed lock is back from the registry.
        await wait_until(lambda: again.states.get("relay.gate_lock_main_lock"),
                         "the restored lock")
        assert again.data["device_manager"].entries["mqtt_lockdev"].status in (
            "confirmed", "unavailable")
    finally:
        await again.async_stop()
