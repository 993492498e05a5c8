"""The emulators speak their real protocols and can be scripted over HTTP."""

from __future__ import annotations

import json
import subprocess
import sys

import aiohttp
import cv2
import numpy as np
from pymodbus.client import AsyncModbusTcpClient

from devices.emulators.camera import CameraEmulator
from devices.emulators.modbus_relay import RelayBoardEmulator
from devices.emulators.modbus_thermal import ThermalEmulator
from devices.emulators.modbus_turnstile import TurnstileEmulator
from tests.devices_helpers import wait_until


async def test_turnstile_counts_passages_refuses_when_locked_and_alarms_on_force() -> None:
    turnstile = TurnstileEmulator()
    port = await turnstile.start()
    client = AsyncModbusTcpClient("127.0.0.1", port=port)
    try:
        assert await client.connect()
        await client.write_coil(0, True)
        await wait_until(lambda: turnstile.passages("in") == 1, "a passage in")
        coils = await client.read_coils(0, count=2)
        assert coils.bits[:2] == [False, False]  # the device released the coil itself
        counters = await client.read_input_registers(0, count=4)
        assert counters.registers == [0, 1, 0, 0]

        await client.write_register(0, 1)  # locked
        await client.write_coil(1, True)
        await wait_until(lambda: turnstile.refused_opens == 1, "the refused open")
        assert turnstile.passages("out") == 0

        async with aiohttp.ClientSession() as session:
            base = f"http://127.0.0.1:{turnstile.control.port}"
            async with session.post(f"{base}/passage", json={"direction": "out"}) as resp:
                body = await resp.json()
            assert body["alarm"] is True and body["passages_out"] == 1
            async with session.post(f"{base}/nonsense") as resp:
                assert resp.status == 404
        alarm = await client.read_discrete_inputs(0, count=1)
        assert alarm.bits[0] is True
    finally:
        client.close()
        await turnstile.stop()


async def test_each_emulator_answers_43_14_with_its_own_identity() -> None:
    emulators = [TurnstileEmulator(), RelayBoardEmulator(), ThermalEmulator(36.6)]
    ports = [await emulator.start(control_port=None) for emulator in emulators]
    try:
        codes = []
        for port in ports:
            client = AsyncModbusTcpClient("127.0.0.1", port=port)
            assert await client.connect()
            response = await client.read_device_information(read_code=1)
            client.close()
            codes.append(response.information[1].decode())
        assert codes == ["MJ-TS100", "MJ-RB8", "MJ-TH1"]
    finally:
        for emulator in emulators:
            await emulator.stop()


async def test_camera_serves_snapshots_mjpeg_and_shows_a_chosen_image(tmp_path) -> None:
    for name, colour in (("a.png", 30), ("b.png", 220)):
        cv2.imwrite(str(tmp_path / name), np.full((60, 80, 3), colour, np.uint8))
    camera = CameraEmulator(tmp_path, zeroconf=False)
    port = await camera.start()
    base = f"http://127.0.0.1:{port}"
    try:
        async with aiohttp.ClientSession() as session:
            async with session.post(f"{base}/show", json={"image": "b.png"}) as resp:
                assert (await resp.json())["current"] == "b.png"
            async with session.get(f"{base}/snapshot.jpg") as resp:
                data = await resp.read()
            frame = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
            assert frame.shape == (60, 80, 3) and frame.mean() > 150
            async with session.get(f"{base}/stream.mjpg") as resp:
                assert resp.headers["Content-Type"].startswith("multipart/x-mixed-replace")
                chunk = await resp.content.read(4096)
            assert b"\xff\xd8" in chunk
            async with session.post(f"{base}/show", json={"image": "missing.png"}) as resp:
                assert resp.status == 400
    finally:
        await camera.stop()


def test_menjin_emulate_runs_and_prints_its_ports() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "hub", "emulate", "modbus_relay"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        info = json.loads(process.stdout.readline())
        assert info["kind"] == "modbus_relay" and info["modbus_port"] > 0
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_emulators_refuse_non_loopback_addresses() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "devices.emulators.modbus_thermal", "--host", "0.0.0.0"],
        capture_output=True, text=True, timeout=30)
    assert result.returncode == 2 and "loopback" in result.stderr
