"""`menjin trace AUTOMATION`: the last runs of an automation, step by step."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from typing import Any

from hub.automation.trace import read_traces
from hub.cli.common import add_config_argument
from hub.const import STORAGE_DIR


def register(subparsers: Any) -> None:
    """Add the `trace` command."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "trace", help="show the recorded runs of an automation"
    )
    add_config_argument(parser)
    parser.add_argument("automation", help="automation id (or automation.<id>)")
    parser.add_argument("--last", type=int, default=5, help="how many runs (default 5)")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.set_defaults(func=show_traces)


def show_traces(args: argparse.Namespace) -> int:
    """Print the traces the running (or last) hub wrote for one automation."""
    automation_id = args.automation.removeprefix("automation.")
    traces = read_traces(args.config / STORAGE_DIR, automation_id)[-args.last:]
    if not traces:
        print(f"No traces for automation '{automation_id}' in {args.config} (it has not run, "
              "or the id is wrong).", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(traces, ensure_ascii=False, indent=1))
        return 0
    for trace in traces:
        started = datetime.fromtimestamp(trace["started"], UTC).isoformat(timespec="milliseconds")
        print(f"run {trace['run_id']} at {started}: {trace['outcome']}"
              f"{' - ' + trace['reason'] if trace.get('reason') else ''}"
              f" ({trace['duration_ms']} ms)")
        print(f"  trigger: {trace['trigger'].get('description')}")
        for step in trace["steps"]:
            detail = step.get("error") or _summary(step["result"])
            print(f"  {step['path']:<28} {step['kind']:<16} {step['duration_ms']:>8.2f} ms  "
                  f"{detail}")
    return 0


def _summary(result: dict[str, Any]) -> str:
    if "reason" in result:
        return f"{'ok' if result.get('ok', result.get('if', True)) else 'failed'}: " \
               f"{result['reason']}"
    return ", ".join(f"{key}={value}" for key, value in result.items() if key != "details")
