"""`menjin devices`: list the device registry; confirm or ignore a pending discovery.

Reads and edits `<config>/.storage/device_registry.json` directly, so it works
whether or not the hub runs; a running hub notices the change within a second
and creates the confirmed device's entities.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from hub.cli.common import add_config_argument
from hub.const import STORAGE_DIR
from hub.devices import store
from hub.devices.const import STATUS_CONFIRMED, STATUS_IGNORED, STATUS_PENDING
from hub.devices.entry import DeviceEntry


def register(subparsers: Any) -> None:
    """Add the `devices` command."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "devices", help="list discovered and confirmed devices; confirm or ignore one",
        description="Without an action, list the registry. 'confirm ID' lets a pending "
                    "device (e.g. a turnstile) get entities; 'ignore ID' keeps it out.",
    )
    parser.add_argument("action", nargs="?", choices=("list", "confirm", "ignore"),
                        default="list")
    parser.add_argument("device_id", nargs="?", metavar="ID")
    parser.add_argument("--json", action="store_true", help="print a JSON list")
    add_config_argument(parser)
    parser.set_defaults(func=devices)


def devices(args: argparse.Namespace) -> int:
    """Run the chosen action."""
    storage = args.config.resolve() / STORAGE_DIR
    if args.action == "list":
        return _list(storage, args.json)
    if not args.device_id:
        print(f"menjin devices {args.action} needs a device ID (see menjin devices)",
              file=sys.stderr)
        return 2
    return _decide(storage, args.device_id, args.action, args.json)


def _entries(raw: store.RegistryData) -> list[DeviceEntry]:
    entries = [DeviceEntry.from_dict(item) for item in raw.values()]
    return sorted((e for e in entries if e is not None), key=lambda e: (e.status, e.id))


def _list(storage: Any, as_json: bool) -> int:
    try:
        entries = _entries(store.read_devices(storage))
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    if as_json:
        print(json.dumps([entry.summary() for entry in entries], indent=2))
        return 0
    if not entries:
        print("No devices yet: start the hub (menjin run) and let it discover them.")
        return 0
    for entry in entries:
        actuator = " [actuator]" if entry.actuator else ""
        print(f"{entry.id}  {entry.status}{actuator}  {entry.name}  "
              f"({entry.manufacturer or '?'} {entry.model or '?'}) via {entry.source}"
              f"/{entry.integration}")
        if entry.status == STATUS_PENDING:
            print(f"    matched: {entry.matched}")
            print(f"    confirm: menjin devices confirm {entry.id}")
        for entity_id in entry.entities:
            print(f"    {entity_id}: {entry.states.get(entity_id, 'unknown')}")
    return 0


def _decide(storage: Any, device_id: str, action: str, as_json: bool) -> int:
    status = STATUS_CONFIRMED if action == "confirm" else STATUS_IGNORED
    problem: list[str] = []

    def change(raw: store.RegistryData) -> store.RegistryData:
        item = raw.get(device_id)
        if item is None:
            known = ", ".join(sorted(k for k, v in raw.items()
                                     if v.get("status") == STATUS_PENDING)) or "none"
            problem.append(f"no device '{device_id}' in the registry (pending: {known})")
        elif item.get("status") != STATUS_PENDING:
            problem.append(f"device '{device_id}' is {item.get('status')}, not pending")
        else:
            item["status"] = status
            item["adopted_by"] = "installer" if status == STATUS_CONFIRMED else None
        return raw

    try:
        raw, _mtime = store.update_devices(storage, change)
    except (OSError, ValueError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    if problem:
        print(f"error: {problem[0]}", file=sys.stderr)
        return 1
    entry = DeviceEntry.from_dict(raw[device_id])
    if as_json and entry is not None:
        print(json.dumps(entry.summary(), indent=2))
    else:
        print(f"Device {device_id} {status}. A running hub picks this up within a second.")
    return 0
