"""Modbus RTU: over TCP (a serial device server) and on an RS-485 bus made of pseudo-terminals.

Every device is a real pymodbus server speaking RTU frames; the serial bus is
real ptys opened by pyserial on both ends, bridged like the two wires of RS-485.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from pymodbus.client import AsyncModbusSerialClient, AsyncModbusTcpClient
from pymodbus.exceptions import ModbusIOException
from pymodbus.framer import FramerType

from devices.emulators.modbus_base import HOLDING
from devices.emulators.modbus_relay import RelayBoardEmulator
from devices.emulators.modbus_serial import VirtualRs485Bus
from devices.emulators.modbus_turnstile import HR_MODE, MODES, TurnstileEmulator
from hub.cli import main as menjin
from hub.exceptions import HubError
from integrations.modbus import discovery
from integrations.modbus.bus import ModbusBus
from integrations.modbus.coordinator import ModbusTarget
from tests.devices_helpers import start_hub, state, wait_until

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="the RS-485 bus is made of ptys")


@pytest.fixture
async def rs485(tmp_path: Path) -> AsyncIterator[VirtualRs485Bus]:
    """A virtual RS-485 bus whose USB adapter is plugged in at tmp_path/ttyUSB0."""
    bus = VirtualRs485Bus(tmp_path / "ttyUSB0")
    bus.plug()
    yield bus
    bus.close()


def logged(caplog: pytest.LogCaptureFixture, *parts: str) -> bool:
    """True when one warning or error record contains every part."""
    return any(record.levelno >= logging.WARNING and all(p in record.getMessage() for p in parts)
               for record in caplog.records)


async def test_rtu_emulators_answer_only_their_own_slave_id(rs485: VirtualRs485Bus) -> None:
    tcp_board, serial_board = RelayBoardEmulator(), RelayBoardEmulator()
    port = await tcp_board.start(framer="rtu", device_id=4, control_port=None)
    await serial_board.start_serial(rs485.attach(), device_id=2)
    over_tcp = AsyncModbusTcpClient("127.0.0.1", port=port, framer=FramerType.RTU,
                                    timeout=0.3, retries=0)
    serial = AsyncModbusSerialClient(str(rs485.adapter_path), baudrate=9600, timeout=0.3,
                                     retries=0)
    try:
        for client, board, slave in ((over_tcp, tcp_board, 4), (serial, serial_board, 2)):
            assert await client.connect()
            await client.write_coil(5, True, device_id=slave)
            assert board.state()["channels"][5] is True
            answer = await client.read_discrete_inputs(0, count=8, device_id=slave)
            assert answer.bits[5] is True
            with pytest.raises(ModbusIOException):  # another slave id: silence, as on a bus
                await client.read_coils(0, count=8, device_id=slave + 1)
            assert (await client.read_coils(5, count=1, device_id=slave)).bits[0] is True
    finally:
        over_tcp.close()
        serial.close()
        await tcp_board.stop()
        await serial_board.stop()


async def test_rtu_over_tcp_turnstile_is_read_and_opened_and_a_wrong_slave_id_is_named(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    turnstile = TurnstileEmulator()
    port = await turnstile.start(framer="rtu", device_id=3, control_port=None)
    hub = await start_hub(tmp_path / "config", f"""
        modbus:
          timeout: 0.3
          retries: 0
          scan_interval: 0.1
          devices:
            - {{type: rtuovertcp, host: 127.0.0.1, port: {port}, device_id: 3,
               profile: generic_modbus_turnstile, name: Gate 5}}
            - {{type: rtuovertcp, host: 127.0.0.1, port: {port}, device_id: 9,
               profile: modbus_relay_board_8ch, name: Wrong Id}}
    """)
    gate = "turnstile.gate_5_turnstile"
    try:
        await wait_until(lambda: state(hub, gate) == "normal", "the gate over RTU over TCP")
        turnstile.store.set(HOLDING, HR_MODE, [MODES["locked"]])  # changed at the device
        await wait_until(lambda: state(hub, gate) == "locked", "the mode read back")
        await hub.services.async_call("turnstile", "set_mode", {"entity_id": gate,
                                                                "mode": "normal"})
        assert turnstile.mode == "normal"
        await hub.services.async_call("turnstile", "open", {"entity_id": gate})
        assert turnstile.open_commands["in"] == 1  # the coil reached the device
        await wait_until(lambda: hub.states.get(gate).attributes["passages_in"] == 1,
                         "the passage counted on the entity")

        # Nobody answers slave 9: a clear error, and the gate next to it works on.
        await wait_until(lambda: logged(caplog, "Wrong Id", "slave 9", "did not answer",
                                        "check the device's slave id"), "the wrong id named")
        assert state(hub, "relay.wrong_id_relay_1") == "unavailable"
        await hub.services.async_call("turnstile", "open", {"entity_id": gate,
                                                            "direction": "out"})
        assert turnstile.open_commands["out"] == 1
        assert state(hub, gate) == "normal" and hub.is_running
        manager = hub.data["device_manager"]
        assert manager.entries[f"modbus_127_0_0_1_{port}_3"].data["type"] == "rtuovertcp"
    finally:
        await hub.async_stop()
        await turnstile.stop()


async def test_serial_bus_is_shared_read_commanded_and_survives_an_unplugged_adapter(
        tmp_path: Path, rs485: VirtualRs485Bus, caplog: pytest.LogCaptureFixture) -> None:
    turnstile, board = TurnstileEmulator(), RelayBoardEmulator()
    await turnstile.start_serial(rs485.attach(), device_id=1, baudrate=9600)
    await board.start_serial(rs485.attach(), device_id=2, baudrate=9600)
    line = f"type: serial, port: {rs485.adapter_path}, baudrate: 9600"
    hub = await start_hub(tmp_path / "config", f"""
        modbus:
          timeout: 0.3
          retries: 0
          scan_interval: 0.1
          devices:
            - {{{line}, device_id: 1, profile: generic_modbus_turnstile, name: Gate 1}}
            - {{{line}, device_id: 2, profile: modbus_relay_board_8ch, name: Board}}
            - {{{line}, device_id: 7, profile: modbus_thermal_sensor, name: Nobody}}
    """)
    gate, relay = "turnstile.gate_1_turnstile", "relay.board_relay_3"
    try:
        await wait_until(lambda: state(hub, gate) == "normal", "the gate on RS-485")
        await wait_until(lambda: state(hub, relay) == "off", "the relay board on RS-485")
        # One port, one connection: pyserial locks the port, a second open would fail.
        coordinators = hub.data["modbus"].coordinators.values()
        assert len({id(c.connection) for c in coordinators}) == 1

        await hub.services.async_call("relay", "turn_on", {"entity_id": relay})
        assert board.state()["channels"][2] is True
        await wait_until(lambda: state(hub, relay) == "on", "the relay read back")
        await hub.services.async_call("turnstile", "open", {"entity_id": gate,
                                                            "direction": "out"})
        assert turnstile.open_commands["out"] == 1
        await wait_until(lambda: hub.states.get(gate).attributes["passages_out"] == 1,
                         "the passage counted on the entity")

        # A slave id nobody has: named in the log, the others keep the bus.
        await wait_until(lambda: logged(caplog, "Nobody", "slave 7", "did not answer",
                                        "baud rate and parity"), "the silent slave named")
        assert state(hub, "sensor.nobody_temperature") == "unavailable"

        rs485.unplug()  # the USB/RS-485 adapter is pulled out
        await wait_until(lambda: state(hub, gate) == state(hub, relay) == "unavailable",
                         "both devices unavailable")
        await wait_until(lambda: logged(caplog, "is the USB/RS-485 adapter plugged in?"),
                         "the unplugged adapter named")
        with pytest.raises(HubError, match="unavailable"):
            await hub.services.async_call("turnstile", "open", {"entity_id": gate})
        assert hub.is_running

        rs485.plug()  # and put back: the hub reconnects on its own
        await wait_until(lambda: state(hub, gate) == "normal", "the gate back")
        await hub.services.async_call("relay", "turn_off", {"entity_id": relay})
        assert board.state()["channels"][2] is False
    finally:
        await hub.async_stop()
        await turnstile.stop()
        await board.stop()


async def test_discovery_never_probes_a_serial_port() -> None:
    serial = ModbusTarget(ModbusBus("serial", "", "/dev/ttyUSB0", 9600), 1)
    with pytest.raises(ValueError, match="Modbus TCP only"):
        await discovery.scan([serial])


SERIAL = "type: serial, port: /dev/ttyUSB0, baudrate: 9600, profile: generic_modbus_turnstile"


@pytest.mark.parametrize(("devices", "expected"), [
    ([f"{{{SERIAL}, parity: X}}"],
     "[modbus.devices.0.parity] parity must be N (none), E (even) or O (odd)"),
    (["{type: serial, port: /dev/ttyUSB0, baudrate: 9601, profile: generic_modbus_turnstile}"],
     "[modbus.devices.0.baudrate] baudrate must be one of 1200, 2400, 4800, 9600"),
    ([f"{{{SERIAL}, stopbits: 3}}"], "[modbus.devices.0.stopbits] stopbits must be one of 1, 2"),
    ([f"{{{SERIAL}, bytesize: 9}}"], "[modbus.devices.0.bytesize] bytesize must be one of 7, 8"),
    (["{type: serial, port: /dev/ttyUSB0, profile: generic_modbus_turnstile}"],
     "[modbus.devices.0.baudrate] baudrate is required for a serial device"),
    (["{type: serial, baudrate: 9600, profile: generic_modbus_turnstile}"],
     "[modbus.devices.0.port] port is required for a serial device"),
    (["{type: serial, port: 502, baudrate: 9600, profile: generic_modbus_turnstile}"],
     "[modbus.devices.0.port] the port of a serial device is its path, like /dev/ttyUSB0"),
    ([f"{{{SERIAL}, host: 10.0.0.9}}"], "[modbus.devices.0.host] a serial device has no host"),
    ([f"{{{SERIAL}, device_id: 0}}"],
     "[modbus.devices.0.device_id] an RTU slave id is 1-247 (0 is the broadcast address"),
    (["{host: 10.0.0.9, baudrate: 9600, profile: generic_modbus_turnstile}"],
     "[modbus.devices.0.baudrate] baudrate applies to type: serial only"),
    (["{type: rtu, host: 10.0.0.9, profile: generic_modbus_turnstile}"],
     "[modbus.devices.0.type] type must be tcp (Modbus TCP), rtuovertcp"),
    ([f"{{{SERIAL}, device_id: 1}}",
      "{type: serial, port: /dev/ttyUSB0, baudrate: 19200, device_id: 2, profile: x}"],
     "[modbus.devices.1.baudrate] the device on line 3 uses baudrate 9600 on /dev/ttyUSB0, "
     "and one bus runs with one baudrate, got 19200"),
    ([f"{{{SERIAL}, device_id: 4}}", f"{{{SERIAL}, device_id: 4, parity: none}}"],
     "[modbus.devices.1.device_id] slave id 4 on /dev/ttyUSB0 is taken by the device on line 3"),
])
def test_bad_serial_settings_are_named_with_their_fix(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], devices: list[str],
        expected: str) -> None:
    items = "".join(f"\n    - {item}" for item in devices)
    (tmp_path / "configuration.yaml").write_text(f"modbus:\n  devices:{items}\n")
    assert menjin(["check-config", "-c", str(tmp_path)]) == 1
    assert expected in capsys.readouterr().err


def test_every_bad_entry_is_reported_at_once_and_good_serial_settings_pass(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "configuration.yaml").write_text(f"""modbus:
  devices:
    - {{{SERIAL}, parity: X, stopbits: 3}}
    - {{type: serial, port: ttyUSB1, baudrate: 9600, profile: generic_modbus_turnstile}}
  discovery:
    targets: [{{hosts: 127.0.0.1, type: serial}}]
""")
    assert menjin(["check-config", "-c", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "4 configuration errors found" in err
    assert "[modbus.devices.1.port]" in err and "stopbits" in err
    assert "[modbus.discovery.targets.0.type] unknown option 'type'" in err  # no serial scans

    (tmp_path / "configuration.yaml").write_text(f"""modbus:
  devices:
    - {{{SERIAL}, device_id: 1, parity: even, stopbits: "1"}}
    - {{{SERIAL}, device_id: 2, parity: E}}
    - {{type: rtuovertcp, host: 10.0.0.9, port: 4196, device_id: 1, profile: x}}
""")
    assert menjin(["check-config", "-c", str(tmp_path)]) == 0
