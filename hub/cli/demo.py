"""`menjin demo`: start the demo school on emulated devices and play a morning at Gate 3."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import socket
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from hub.demo.data import DemoDataMissing, cast, find_faces, find_models
from hub.exceptions import HubError

REPO_ROOT = Path(__file__).resolve().parents[2]


def register(subparsers: Any) -> None:
    """Add the `demo` command."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "demo", help="run the demo school gate on emulated devices")
    parser.add_argument("--photos", type=Path, default=None,
                        help="folder of face photos, one sub-folder per person "
                             "(default: $MENJIN_DATA_DIR/faces or ../shared/data/faces)")
    parser.add_argument("--config", "-c", type=Path, default=None,
                        help="the demo config to copy (default: the shipped config/)")
    parser.add_argument("--workdir", type=Path, default=None,
                        help="where the demo's working copy lives (default: a temp folder)")
    parser.add_argument("--port", type=int, default=8123, help="web UI port (default 8123)")
    parser.add_argument("--once", action="store_true",
                        help="play the morning, print a summary and exit")
    parser.add_argument("--json", action="store_true",
                        help="with --once: print one JSON object instead of text")
    parser.add_argument("-v", "--verbose", action="store_true", help="show the hub's log")
    parser.set_defaults(func=run_demo)


def _free_port(preferred: int) -> int:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", preferred))
            return preferred
        except OSError:
            sock.bind(("127.0.0.1", 0))
            return int(sock.getsockname()[1])


def run_demo(args: argparse.Namespace) -> int:
    """Set up, play, report."""
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING,
                        format="%(asctime)s %(levelname)-7s %(name)s: %(message)s")
    if not args.verbose:
        logging.getLogger("pymodbus").setLevel(logging.ERROR)
    quiet = args.json
    say = (lambda text: print(text, file=sys.stderr)) if quiet else print
    try:
        faces = find_faces(args.photos, REPO_ROOT)
        people = cast(faces, 4)
    except DemoDataMissing as err:
        print(str(err), file=sys.stderr)
        return 1
    config_src = args.config or REPO_ROOT / "config"
    try:
        return asyncio.run(_async_demo(args, config_src, people, find_models(faces), say))
    except (HubError, OSError) as err:
        print(f"Demo failed: {err}", file=sys.stderr)
        return 1


async def _async_demo(args: argparse.Namespace, config_src: Path, people: Any,
                      models: Path | None, say: Any) -> int:
    from hub.demo.runner import async_start_site, async_stop_site
    from hub.demo.scenario import async_play
    from hub.demo.summary import notifications_of, summary_lines

    say("menjin demo: a morning at Gate 3 of Sunflower Primary School")
    site = await async_start_site(config_src, people, models, args.workdir,
                                  _free_port(args.port))
    ready = site.ready_seconds
    try:
        say(f"Hub ready in {ready:.1f} s (face models loaded; emulated turnstile, relay board, "
            f"thermal sensor, camera{', card reader' if site.mqtt else ''} online); "
            f"4 students enrolled from photos in {site.enrol_seconds:.1f} s.")
        if not site.mqtt:
            say("Note: no MQTT broker on 127.0.0.1:1883, so card taps are sent to the hub "
                "directly instead of through the emulated MQTT reader.")
        if site.url:
            say(f"Web UI: {site.url}/  (log in as "
                + ", ".join(f"{u.username} / {u.password}" for u in site.users)
                + "; passwords are new each run)")
        say("")
        decisions = await async_play(site, say)
        notifications = await notifications_of(site)
        result = {
            "ready_seconds": round(ready, 2),
            "ui": site.url,
            "decisions": [_decision_json(d) for d in decisions],
            "notifications": notifications,
        }
        if args.json:
            print(json.dumps(result, ensure_ascii=False))
        else:
            for line in summary_lines(result):
                say(line)
        if args.once:
            return 0
        say("\nThe site keeps running for you to explore; Ctrl-C stops it.")
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        import signal

        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await stop.wait()
        return 0
    finally:
        await async_stop_site(site)


def _decision_json(decision: dict[str, Any]) -> dict[str, Any]:
    return {
        "person": decision.get("person_id"),
        "name": decision.get("person_name"),
        "gate": decision["gate"],
        "direction": decision["direction"],
        "credential": decision["credential"],
        "granted": bool(decision["granted"]),
        "reasons": list(decision.get("reasons") or []),
        "time": datetime.fromtimestamp(decision["time"], UTC).isoformat(),
    }
