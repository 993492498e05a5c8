"""`menjin pipia`: the personal-information impact assessment of the site, from live data."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from hub.cli.common import add_config_argument
from hub.cli.people_common import print_json, run_with_store
from hub.people.store import PeopleStore
from hub.privacy.pipia import async_build_pipia


def register(subparsers: Any) -> None:
    """Add the `pipia` command."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "pipia", help="write the personal-information impact assessment report")
    add_config_argument(parser)
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.add_argument("-o", "--output", type=Path, help="file to write (default: stdout)")
    parser.set_defaults(func=lambda a: run_with_store(a, _pipia))


async def _pipia(store: PeopleStore, args: argparse.Namespace) -> int:
    report = await async_build_pipia(store)
    if args.json:
        print_json(report.as_dict())
    elif args.output:
        args.output.write_text(report.as_markdown(), encoding="utf-8")
        print(f"Wrote {args.output}", file=sys.stderr)
    else:
        print(report.as_markdown())
    for warning in report.warnings:
        print(f"Warning: {warning}", file=sys.stderr)
    return 0
