"""`menjin retention run`: apply the retention policy now."""

from __future__ import annotations

import argparse
from typing import Any

from hub.cli.common import add_config_argument
from hub.cli.people_common import actor, run_with_store
from hub.people.store import PeopleStore
from hub.privacy.retention import async_run_retention


def register(subparsers: Any) -> None:
    """Add `retention run`."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "retention", help="delete data whose retention period is over")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    run = actions.add_parser("run", help="apply the retention policy now")
    add_config_argument(run)
    run.set_defaults(func=lambda a: run_with_store(a, _run))


async def _run(store: PeopleStore, args: argparse.Namespace) -> int:
    counts = await async_run_retention(store, actor())
    for name, count in counts.items():
        print(f"{name:16} {count} removed")
    return 0
