"""`menjin bench devices`: discovery time, turnstile.open latency, MQTT reconnect time.

Everything runs on loopback against the emulators (real pymodbus servers, the
system Mosquitto on 1883 with a unique discovery prefix, a zeroconf-announced
HTTP camera) and, for the reconnect, a private mosquitto on a spare port that
this benchmark starts and restarts itself.
"""

from __future__ import annotations

import argparse
import asyncio
import socket
import statistics
import subprocess
import tempfile
import textwrap
import time
import uuid
from pathlib import Path
from typing import Any

from devices.emulators.camera import CameraEmulator
from devices.emulators.modbus_base import COILS
from devices.emulators.modbus_relay import RelayBoardEmulator
from devices.emulators.modbus_thermal import ThermalEmulator
from devices.emulators.modbus_turnstile import TurnstileEmulator
from devices.emulators.mqtt_card_reader import MqttCardReaderEmulator
from devices.emulators.mqtt_thermal import MqttThermalEmulator
from hub.bench.report import print_results
from hub.bootstrap import async_from_config_dir
from hub.core import Hub


def register_bench(targets: Any) -> None:
    """Add the `devices` benchmark target."""
    parser: argparse.ArgumentParser = targets.add_parser(
        "devices", help="device discovery, turnstile.open latency and MQTT reconnect")
    parser.add_argument("--opens", type=int, default=1000, help="turnstile.open calls")
    parser.add_argument("--restarts", type=int, default=3, help="broker restarts")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(func=run_bench)


def run_bench(args: argparse.Namespace) -> int:
    """Run the three measurements and print them."""
    print_results(asyncio.run(async_measure(args.opens, args.restarts)), args.json)
    return 0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def _wait(predicate: Any, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        if time.monotonic() > deadline:
            raise RuntimeError(f"benchmark gave up waiting for {what}")
        await asyncio.sleep(0.005)


async def async_measure(opens: int, restarts: int) -> dict[str, Any]:
    """All measurements; each one checks that the thing measured really happened."""
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as folder:
        results.update(await _discovery_and_open(Path(folder), opens))
    with tempfile.TemporaryDirectory() as folder:
        results.update(await _reconnect(Path(folder), restarts))
    return results


async def _discovery_and_open(folder: Path, opens: int) -> dict[str, Any]:
    prefix = f"mjbench_{uuid.uuid4().hex[:8]}"
    turnstile, relay, thermal = TurnstileEmulator(walk_through=False), RelayBoardEmulator(), \
        ThermalEmulator()
    mqtt_thermal = MqttThermalEmulator("bench_th", prefix=prefix)
    reader = MqttCardReaderEmulator("bench_cr", prefix=prefix)
    camera = CameraEmulator(name="Bench cam")
    ports = [await e.start(control_port=None) for e in (turnstile, relay, thermal)]
    await mqtt_thermal.start(None)
    await reader.start(None)
    camera_port = await camera.start()
    (folder / "configuration.yaml").write_text(textwrap.dedent(f"""
        modbus:
          scan_interval: 1.0
          discovery:
            scan_interval: 30
            targets: [{{hosts: 127.0.0.1, ports: [{", ".join(map(str, ports))}]}}]
        mqtt:
          discovery_prefix: {prefix}
          birth_message: {{topic: {prefix}_hub/status}}
          will_message: {{topic: {prefix}_hub/status}}
        camera:
          auto_adopt: true
        zeroconf:
          announce: false
    """))
    expected = {f"modbus_127_0_0_1_{port}_1" for port in ports} | {
        "mqtt_menjin_emu_bench_th", "mqtt_menjin_emu_bench_cr",
        f"zeroconf_bench_cam_{camera_port}"}
    started = time.perf_counter()
    hub, _results = await async_from_config_dir(folder)
    seen: dict[str, float] = {}
    try:
        manager = hub.data["device_manager"]

        def all_seen() -> bool:
            for device_id in expected & set(manager.entries):
                seen.setdefault(device_id, time.perf_counter() - started)
            return len(seen) == len(expected)

        await _wait(all_seen, 30, "discovery of every emulated device")
        latencies = await _open_latency(hub, turnstile, ports[0], opens)
    finally:
        await hub.async_stop()
        for emulator in (turnstile, relay, thermal, mqtt_thermal, reader, camera):
            await emulator.stop()
    by_source = {"modbus": 0.0, "mqtt": 0.0, "zeroconf": 0.0}
    for device_id, seconds in seen.items():
        source = device_id.split("_", 1)[0]
        by_source[source] = max(by_source[source], seconds)
    return {
        "discovery_devices": len(seen),
        "discovery_all_s": round(max(seen.values()), 3),
        **{f"discovery_{source}_s": round(value, 3) for source, value in by_source.items()},
        "turnstile_open_calls": len(latencies),
        "turnstile_open_to_coil_median_ms": round(statistics.median(latencies) * 1000, 3),
        "turnstile_open_to_coil_p95_ms": round(
            statistics.quantiles(latencies, n=100)[94] * 1000, 3),
        "turnstile_open_to_coil_max_ms": round(max(latencies) * 1000, 3),
    }


async def _open_latency(hub: Hub, turnstile: TurnstileEmulator, port: int, opens: int
                        ) -> list[float]:
    manager = hub.data["device_manager"]
    device_id = f"modbus_127_0_0_1_{port}_1"
    await manager.async_confirm(device_id)
    await _wait(lambda: bool(hub.states.entity_ids("turnstile")), 10, "the turnstile entity")
    entity_id = hub.states.entity_ids("turnstile")[0]
    await _wait(lambda: hub.states.is_state(entity_id, "normal"), 10, "turnstile online")
    latencies = []
    for _ in range(opens):
        start = time.perf_counter()
        await hub.services.async_call("turnstile", "open", {"entity_id": entity_id})
        # The emulator timestamps every write it receives (same clock, same process).
        written = next((w[0] for w in reversed(turnstile.store.writes)
                        if w[1] == COILS and w[2] == 0 and w[0] >= start), None)
        if written is None:
            raise RuntimeError("turnstile.open returned but the coil was not written")
        latencies.append(written - start)
    return latencies


async def _reconnect(folder: Path, restarts: int) -> dict[str, Any]:
    port = _free_port()
    conf = folder / "mosquitto.conf"
    conf.write_text(f"listener {port} 127.0.0.1\nallow_anonymous true\npersistence false\n")

    def start_broker() -> subprocess.Popen[bytes]:
        process = subprocess.Popen(["mosquitto", "-c", str(conf)], stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    return process
            time.sleep(0.01)
        raise RuntimeError("private mosquitto did not start")

    broker = start_broker()
    config_dir = folder / "config"
    config_dir.mkdir()
    (config_dir / "configuration.yaml").write_text(
        f"mqtt:\n  port: {port}\n  discovery: false\n  reconnect_max_delay: 2\n")
    hub, _results = await async_from_config_dir(config_dir)
    times, resubscribed = [], []
    try:
        client = hub.data["mqtt"].client
        received: list[bytes] = []
        client.async_subscribe("bench/ping", lambda message: received.append(message.payload))
        await _wait(lambda: client.connected, 10, "the first connection")
        for round_number in range(restarts):
            broker.terminate()
            broker.wait(10)
            await _wait(lambda: not client.connected, 10, "the disconnect")
            broker = start_broker()
            restarted = time.perf_counter()
            await _wait(lambda n=round_number: client.connect_count == n + 2, 30,
                        "the reconnect")
            times.append(time.perf_counter() - restarted)
            payload = f"ping {round_number}".encode()
            while payload not in received:
                # Publishing through a separate client proves the broker routes to us again.
                await asyncio.to_thread(_publish_once, port, payload)
                await asyncio.sleep(0.02)
            resubscribed.append(time.perf_counter() - restarted)
    finally:
        await hub.async_stop()
        broker.terminate()
        broker.wait(10)
    return {
        "mqtt_restarts": restarts,
        "mqtt_reconnect_s": [round(t, 3) for t in times],
        "mqtt_reconnect_max_s": round(max(times), 3),
        "mqtt_subscriptions_restored_max_s": round(max(resubscribed), 3),
    }


def _publish_once(port: int, payload: bytes) -> None:
    import paho.mqtt.publish as publish

    publish.single("bench/ping", payload, hostname="127.0.0.1", port=port)
