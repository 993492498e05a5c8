"""`menjin erase PERSON`: delete everything about a person now; one audit entry remains."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from hub.cli.common import add_config_argument
from hub.cli.people_common import actor, run_with_store
from hub.people.store import PeopleStore
from hub.privacy.rights import async_erase_person


def register(subparsers: Any) -> None:
    """Add the `erase` command."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "erase", help="erase everything held about one person")
    add_config_argument(parser)
    parser.add_argument("person")
    parser.add_argument("--reason", default="request")
    parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    parser.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    if not args.yes:
        if not sys.stdin.isatty():
            print("Error: erasure cannot be undone; pass --yes to confirm", file=sys.stderr)
            return 2
        answer = input(f"Erase everything about {args.person}? This cannot be undone [y/N] ")
        if answer.strip().lower() not in ("y", "yes"):
            return 1
    return run_with_store(args, _erase)


async def _erase(store: PeopleStore, args: argparse.Namespace) -> int:
    counts = await async_erase_person(store, args.person, actor(), args.reason)
    removed = ", ".join(f"{table} {n}" for table, n in counts.items() if n)
    print(f"Erased {args.person}: {removed}")
    return 0
