"""Modbus against real pymodbus servers (the emulators) on ephemeral loopback ports."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from devices.emulators.modbus_relay import RelayBoardEmulator
from devices.emulators.modbus_thermal import ThermalEmulator
from devices.emulators.modbus_turnstile import TurnstileEmulator
from hub.cli import main as menjin
from hub.devices.store import read_devices
from hub.exceptions import HubError
from integrations.modbus import codec
from tests.devices_helpers import free_port, start_hub, state, wait_until


@pytest.fixture
async def turnstile():
    emulator = TurnstileEmulator()
    await emulator.start()
    yield emulator
    await emulator.stop()


@pytest.fixture
async def relay_board():
    emulator = RelayBoardEmulator()
    await emulator.start()
    yield emulator
    await emulator.stop()


async def test_discovery_by_43_14_then_confirmation_then_open(
        tmp_path: Path, turnstile: TurnstileEmulator, relay_board: RelayBoardEmulator) -> None:
    thermal = ThermalEmulator(37.9)
    await thermal.start(control_port=None)
    silent_port = free_port()
    hub = await start_hub(tmp_path / "config", f"""
        modbus:
          scan_interval: 0.1
          discovery:
            scan_interval: 0.5
            targets:
              - hosts: 127.0.0.1
                ports: [{turnstile.port}, {relay_board.port}, {thermal.port}, {silent_port}]
    """)
    try:
        manager = hub.data["device_manager"]
        gate_id = f"modbus_127_0_0_1_{turnstile.port}_1"
        thermo_id = f"modbus_127_0_0_1_{thermal.port}_1"
        await wait_until(lambda: {gate_id, thermo_id} <= set(manager.entries), "discovery")
        # The sensor is adopted at once; the turnstile waits and has no entity at all.
        await wait_until(lambda: state(hub, "sensor.mj_th1_at_127_0_0_1_"
                                       f"{thermal.port}_temperature") == "37.9", "temperature")
        assert manager.entries[gate_id].status == "pending"
        assert "MJ-TS100" in manager.entries[gate_id].matched
        assert hub.states.all("turnstile") == [] and hub.states.all("relay") == []

        storage = tmp_path / "config" / ".storage"
        await wait_until(lambda: gate_id in read_devices(storage), "the pending entry on disk")
        assert menjin(["devices", "confirm", gate_id, "-c", str(tmp_path / "config")]) == 0
        entity_id = await wait_until(lambda: next(iter(hub.states.entity_ids("turnstile")), None),
                                     "the confirmed turnstile")
        await wait_until(lambda: state(hub, entity_id) == "normal", "turnstile state")
        await hub.services.async_call("turnstile", "open",
                                      {"entity_id": entity_id, "direction": "out"})
        await wait_until(lambda: turnstile.passages("out") == 1, "a passage out")
        await wait_until(lambda: hub.states.get(entity_id).attributes["passages_out"] == 1,
                         "the counter on the entity")
        await hub.services.async_call("turnstile", "set_mode",
                                      {"entity_id": entity_id, "mode": "free"})
        assert turnstile.mode == "free"
        await wait_until(lambda: state(hub, entity_id) == "free", "mode free")
        assert hub.states.all("relay") == []  # the relay board is still pending
    finally:
        await hub.async_stop()
        await thermal.stop()


async def test_configured_devices_go_unavailable_and_come_back(
        tmp_path: Path, turnstile: TurnstileEmulator, relay_board: RelayBoardEmulator) -> None:
    hub = await start_hub(tmp_path / "config", f"""
        modbus:
          timeout: 0.3
          retries: 0
          scan_interval: 0.1
          devices:
            - {{host: 127.0.0.1, port: {turnstile.port}, profile: generic_modbus_turnstile,
               name: Gate 3}}
            - {{host: 127.0.0.1, port: {relay_board.port}, profile: modbus_relay_board_8ch,
               name: Board}}
    """)
    try:
        await wait_until(lambda: state(hub, "turnstile.gate_3_turnstile") == "normal", "gate")
        await hub.services.async_call("relay", "turn_on", {"entity_id": "relay.board_relay_3"})
        assert relay_board.state()["channels"][2] is True
        await wait_until(lambda: state(hub, "relay.board_relay_3") == "on", "relay on")
        await hub.services.async_call("turnstile", "open", {"entity_id":
                                                            "turnstile.gate_3_turnstile"})
        await wait_until(lambda: turnstile.passages("in") == 1, "a passage in")

        turnstile.store.silent = True  # the device hangs: requests time out
        await wait_until(lambda: state(hub, "turnstile.gate_3_turnstile") == "unavailable",
                         "unavailable after timeouts")
        with pytest.raises(HubError, match="unavailable"):
            await hub.services.async_call("turnstile", "open",
                                          {"entity_id": "turnstile.gate_3_turnstile"})
        manager = hub.data["device_manager"]
        gate = manager.entries[f"modbus_127_0_0_1_{turnstile.port}_1"]
        await wait_until(lambda: gate.status == "unavailable", "registry unavailable")
        assert state(hub, "relay.board_relay_3") == "on"  # the other device is unaffected
        turnstile.store.silent = False
        await wait_until(lambda: state(hub, "turnstile.gate_3_turnstile") == "normal",
                         "back after the device returns")
        assert gate.status == "confirmed"
    finally:
        await hub.async_stop()


async def test_a_device_answering_garbage_is_unavailable_and_the_hub_runs_on(
        tmp_path: Path) -> None:
    connections = 0

    async def garbage(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal connections
        connections += 1
        try:
            while await reader.read(260):
                writer.write(os.urandom(64))
                await writer.drain()
        except ConnectionError:
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(garbage, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    hub = await start_hub(tmp_path / "config", f"""
        modbus:
          timeout: 0.2
          retries: 1
          scan_interval: 0.1
          devices:
            - {{host: 127.0.0.1, port: {port}, profile: modbus_thermal_sensor, name: Noise}}
          discovery:
            scan_interval: 0.5
            timeout: 0.2
            targets: [{{hosts: 127.0.0.1, ports: {port}}}]
    """)
    try:
        await wait_until(lambda: connections >= 3, "several attempts at the garbage device")
        assert state(hub, "sensor.noise_temperature") == "unavailable"
        assert hub.is_running
        assert list(hub.data["device_manager"].entries) == [f"modbus_127_0_0_1_{port}_1"]
    finally:
        await hub.async_stop()
        server.close()
        await server.wait_closed()


def test_bad_modbus_config_is_reported_by_check_config(tmp_path: Path, capsys) -> None:
    (tmp_path / "configuration.yaml").write_text(
        "modbus:\n  discovery:\n    targets:\n      - hosts: 10.0.0.0/8\n")
    assert menjin(["check-config", "-c", str(tmp_path)]) == 1
    assert "probes" in capsys.readouterr().err


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(["int16", "uint16", "int32", "uint32"]),
       st.sampled_from(["big", "little"]), st.sampled_from(["big", "little"]),
       st.integers(min_value=-(2**31), max_value=2**32 - 1))
def test_codec_roundtrips_integers(data_type: str, byte_order: str, word_order: str,
                                   value: int) -> None:
    bits = 16 if "16" in data_type else 32
    low, high = (-(2 ** (bits - 1)), 2 ** (bits - 1) - 1) if data_type.startswith("int") \
        else (0, 2**bits - 1)
    value = min(max(value, low), high)
    registers = codec.encode(value, data_type, byte_order, word_order)
    assert all(0 <= r <= 0xFFFF for r in registers)
    assert codec.decode(registers, data_type, byte_order, word_order) == value


def test_codec_scale_offset_and_float_word_order() -> None:
    assert codec.decode([0xFF9C], "int16", scale=0.1) == pytest.approx(-10.0)
    assert codec.decode([365], "int16", scale=0.1, precision=1) == 36.5
    assert codec.decode([100], "uint16", scale=0.5, offset=-40) == 10
    regs = codec.encode(36.6, "float32", word_order="little")
    assert codec.decode(regs, "float32", word_order="little", precision=2) == 36.6
    with pytest.raises(ValueError):
        codec.decode([1], "int32")
