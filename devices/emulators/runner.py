"""Run one emulator from the command line (`python -m devices.emulators.<name>` or
`menjin emulate <kind>`), print its ports as one JSON line, and run until stopped."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from devices.emulators.control import LOOPBACK

KINDS = ("modbus_turnstile", "modbus_relay", "modbus_thermal", "mqtt_thermal",
         "mqtt_card_reader", "camera")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options shared by every emulator kind."""
    parser.add_argument("kind", choices=KINDS, help="which device to emulate")
    parser.add_argument("--host", default=LOOPBACK, help="bind address (loopback only)")
    parser.add_argument("--port", type=int, default=0,
                        help="Modbus or HTTP port (default: a free one)")
    parser.add_argument("--control-port", type=int, default=0,
                        help="HTTP control port of Modbus/MQTT emulators (default: a free one)")
    parser.add_argument("--broker-host", default=LOOPBACK, help="MQTT broker (loopback only)")
    parser.add_argument("--broker-port", type=int, default=1883)
    parser.add_argument("--prefix", default="homeassistant", help="MQTT discovery prefix")
    parser.add_argument("--node-id", default=None, help="MQTT node id")
    parser.add_argument("--images", type=Path, default=None, help="camera: folder of images")
    parser.add_argument("--name", default="Emulated camera", help="camera: name")
    parser.add_argument("--no-zeroconf", action="store_true", help="camera: do not announce")


def build(args: argparse.Namespace) -> Any:
    """Create the emulator object for the parsed options."""
    if args.kind == "modbus_turnstile":
        from devices.emulators.modbus_turnstile import TurnstileEmulator

        return TurnstileEmulator()
    if args.kind == "modbus_relay":
        from devices.emulators.modbus_relay import RelayBoardEmulator

        return RelayBoardEmulator()
    if args.kind == "modbus_thermal":
        from devices.emulators.modbus_thermal import ThermalEmulator

        return ThermalEmulator()
    mqtt_options = {"prefix": args.prefix, "broker_host": args.broker_host,
                    "broker_port": args.broker_port}
    if args.kind == "mqtt_thermal":
        from devices.emulators.mqtt_thermal import MqttThermalEmulator

        return MqttThermalEmulator(args.node_id or "thermal_1", **mqtt_options)
    if args.kind == "mqtt_card_reader":
        from devices.emulators.mqtt_card_reader import MqttCardReaderEmulator

        return MqttCardReaderEmulator(args.node_id or "reader_1", **mqtt_options)
    from devices.emulators.camera import CameraEmulator

    return CameraEmulator(args.images, args.name, zeroconf=not args.no_zeroconf)


async def async_run(args: argparse.Namespace) -> int:
    """Start the emulator, print where it listens, wait for SIGINT/SIGTERM."""
    emulator = build(args)
    if args.kind.startswith("modbus"):
        await emulator.start(args.host, args.port, args.control_port)
        info = {"kind": args.kind, "modbus_port": emulator.port,
                "control_port": emulator.control.port}
    elif args.kind.startswith("mqtt"):
        await emulator.start(args.control_port)
        info = {"kind": args.kind, "control_port": emulator.control.port,
                "config_topics": emulator.state()["config_topics"]}
    else:
        await emulator.start(args.host, args.port)
        info = {"kind": args.kind, "http_port": emulator.port,
                "snapshot": f"http://{args.host}:{emulator.port}/snapshot.jpg"}
    print(json.dumps(info), flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    await emulator.stop()
    return 0


def main(argv: Sequence[str] | None = None, args: argparse.Namespace | None = None) -> int:
    """Entry point of `python -m devices.emulators.<name>`."""
    if args is None:
        parser = argparse.ArgumentParser(prog="python -m devices.emulators")
        add_arguments(parser)
        argv = list(argv or [])
        args = parser.parse_args([*argv, *sys.argv[1:]])
    logging.basicConfig(level=logging.WARNING)
    try:
        return asyncio.run(async_run(args))
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except ConnectionError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
