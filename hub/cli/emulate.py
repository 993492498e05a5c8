"""`menjin emulate KIND`: run a real-protocol device emulator on loopback."""

from __future__ import annotations

import argparse
from typing import Any


def register(subparsers: Any) -> None:
    """Add the `emulate` command."""
    from devices.emulators.runner import add_arguments

    parser: argparse.ArgumentParser = subparsers.add_parser(
        "emulate", help="run an emulated device (turnstile, relay, sensors, camera) on loopback"
    )
    add_arguments(parser)
    parser.set_defaults(func=emulate)


def emulate(args: argparse.Namespace) -> int:
    """Run the chosen emulator until interrupted."""
    from devices.emulators.runner import main

    return main(args=args)
