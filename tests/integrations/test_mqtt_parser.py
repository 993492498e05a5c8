"""The discovery parser: abbreviations, `~`, `cmps`, and a fuzz run over hostile input.

Whatever a device sends, the parser returns a message or raises DiscoveryError:
never any other exception. The number of cases run is printed (run with -s).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from integrations.mqtt.parser import DiscoveryError, parse_message

PREFIX = "homeassistant"
CASES = {"count": 0}


def test_abbreviations_base_topic_and_device_level_components() -> None:
    message = parse_message("homeassistant/device/gate3/config", json.dumps({
        "dev": {"ids": "gate3dev", "name": "Gate 3", "mf": "ACME", "mdl": "R2"},
        "o": {"name": "acme-fw", "sw": "2.1"},
        "~": "acme/gate3", "avty_t": "~/lwt",
        "cmps": {
            "temp": {"p": "sensor", "stat_t": "~/temp", "unit_of_meas": "°C",
                     "uniq_id": "g3_temp"},
            "door": {"p": "switch", "cmd_t": "~/door/set", "stat_t": "~/door"},
            "old": {"p": "sensor"},
        },
    }).encode(), PREFIX)
    by_id = {c.discovery_id: c for c in message.configs}
    temp = by_id["device_gate3_temp"].config
    assert temp["state_topic"] == "acme/gate3/temp"
    assert temp["availability_topic"] == "acme/gate3/lwt"
    assert temp["device"]["identifiers"] == ["gate3dev"]
    assert by_id["device_gate3_door"].config["command_topic"] == "acme/gate3/door/set"
    assert message.removed == ["device_gate3_old"]
    assert message.origin == {"name": "acme-fw", "sw_version": "2.1"}


def test_trailing_tilde_zigbee2mqtt_style_and_empty_payload_removes() -> None:
    topic = "homeassistant/binary_sensor/0x00158d/contact/config"
    with pytest.raises(DiscoveryError, match="payload_on"):
        parse_message(topic, json.dumps({"~": "z2m/front_door", "stat_t": "~",
                                         "pl_on": False}).encode(), PREFIX)
    ok = parse_message(topic, json.dumps({
        "~": "z2m/front_door", "stat_t": "~", "pl_on": "false", "pl_off": "true",
        "unknown_option": 1}).encode(), PREFIX)
    assert ok.configs[0].config["state_topic"] == "z2m/front_door"
    assert "unknown_option" not in ok.configs[0].config
    removal = parse_message(topic, b"", PREFIX)
    assert removal.remove_all and removal.removed == ["binary_sensor_0x00158d_contact"]


json_leaf = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
                      st.text(max_size=40))
json_value = st.recursive(json_leaf, lambda children: st.one_of(
    st.lists(children, max_size=4), st.dictionaries(st.text(max_size=12), children,
                                                    max_size=5)), max_leaves=20)
KEYS = ["~", "stat_t", "cmd_t", "t", "name", "uniq_id", "dev", "avty_t", "avty", "val_tpl",
        "p", "cmps", "pl_on", "qos", "json_attr_t", "unit_of_meas", "o", "cred_type"]
TOPIC_VALUES = st.sampled_from(["~/state", "state~", "a/b", "#", "+/x", "$SYS/x", "", "~",
                                "homeassistant/x/y/config", "a" * 300, "x\x00y"])
plausible = st.fixed_dictionaries({}, optional={
    key: st.one_of(TOPIC_VALUES, json_value) for key in KEYS})
topics = st.one_of(
    st.builds(lambda c, n, o: f"{PREFIX}/{c}/{n}{o}/config",
              st.sampled_from(["sensor", "binary_sensor", "switch", "lock", "camera", "tag",
                               "card_reader", "device", "vacuum", "SENSOR", ""]),
              st.sampled_from(["", "node/", "n+/", "../", "a" * 70 + "/"]),
              st.sampled_from(["obj", "o#", "", "x" * 65])),
    st.text(max_size=80))


def _payload(data: Any) -> bytes:
    return json.dumps(data).encode()


@settings(max_examples=2000, deadline=None, suppress_health_check=list(HealthCheck))
@given(topic=topics, payload=st.one_of(
    st.builds(_payload, plausible),
    st.builds(lambda d: _payload({"dev": {"ids": ["x"]}, "cmps": d}),
              st.dictionaries(st.text(max_size=8), plausible, max_size=4)),
    st.builds(_payload, json_value),
    st.binary(max_size=300)))
def test_fuzz_parser_only_raises_discovery_error(topic: str, payload: bytes) -> None:
    CASES["count"] += 1
    try:
        message = parse_message(topic, payload, PREFIX)
    except DiscoveryError:
        return
    for component in message.configs:
        for key, value in component.config.items():
            if key.endswith("topic"):
                assert "#" not in value and "+" not in value and not value.startswith("$")
                assert "~" not in value


def test_report_fuzz_case_count() -> None:
    print(f"\nMQTT discovery parser fuzz: {CASES['count']} cases ran")
    assert CASES["count"] >= 1000
