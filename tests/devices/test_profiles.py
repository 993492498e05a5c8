"""Device profiles: the shipped ones validate, bad ones say what is wrong, sites override."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from hub.devices.profiles import load_profiles, parse_profile


def test_shipped_profiles_validate_and_know_their_actuators() -> None:
    profiles, errors = load_profiles()
    assert errors == []
    assert {"generic_modbus_turnstile", "modbus_relay_board_8ch", "modbus_thermal_sensor",
            "mqtt_thermal_sensor", "mqtt_card_reader"} <= set(profiles)
    turnstile = profiles["generic_modbus_turnstile"]
    assert "turnstile" in turnstile.domains
    gate = turnstile.entities["turnstile"][0]
    assert gate["open"] == {"in": {"coil": 0}, "out": {"coil": 1}}
    assert gate["passages"]["in"]["data_type"] == "uint32"
    assert turnstile.matches_modbus("menjin emulated devices ", "MJ-TS100")
    assert not turnstile.matches_modbus("Menjin Emulated Devices", "MJ-RB8")
    assert len(profiles["modbus_relay_board_8ch"].entities["relay"]) == 8


@pytest.mark.parametrize(("change", "expected"), [
    ({"protocol": "zigbee"}, "protocol"),
    ({"entities": {"sensor": [{"key": "t", "input_register": 0, "data_type": "int64"}]}},
     "data_type"),
    ({"entities": {"sensor": [{"key": "t", "input_register": 0, "coil": 1}]}},
     "exactly one"),
    ({"entities": {"turnstile": [{"key": "g", "open": {"in": {"coil": 0}}}]}}, "out"),
])
def test_bad_profiles_name_the_field(change: dict[str, object], expected: str) -> None:
    raw = {"profile": "x", "vendor": "V", "model": "M", "protocol": "modbus", **change}
    with pytest.raises(ValueError, match=expected):
        parse_profile(raw, Path("x.yaml"))


def test_a_site_profile_is_loaded_and_overrides_by_name(tmp_path: Path) -> None:
    folder = tmp_path / "device_profiles"
    folder.mkdir()
    (folder / "acme_gate.yaml").write_text(textwrap.dedent("""
        vendor: ACME
        model: G-1
        protocol: modbus
        discovery: {modbus: {vendor: ACME, product_code: G-1}}
        entities:
          turnstile:
            - key: gate
              open: {in: {coil: 10}, out: {coil: 11}}
              pulse: 0.5
    """))
    (folder / "broken.yaml").write_text("vendor: [unclosed")
    profiles, errors = load_profiles(tmp_path)
    assert profiles["acme_gate"].entities["turnstile"][0]["pulse"] == 0.5
    assert len(errors) == 1 and "broken.yaml" in errors[0]
