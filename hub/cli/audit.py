"""`menjin audit verify|list`: check the audit chain, read recent entries."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from typing import Any

from hub.cli.common import add_config_argument
from hub.cli.people_common import run_with_store
from hub.people.store import PeopleStore


def register(subparsers: Any) -> None:
    """Add `audit verify` and `audit list`."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "audit", help="verify or read the audit log")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    verify = actions.add_parser("verify", help="check the whole hash chain")
    add_config_argument(verify)
    verify.set_defaults(func=lambda a: run_with_store(a, _verify))
    listing = actions.add_parser("list", help="recent entries, newest first")
    add_config_argument(listing)
    listing.add_argument("--subject")
    listing.add_argument("--limit", type=int, default=50)
    listing.set_defaults(func=lambda a: run_with_store(a, _list))


async def _verify(store: PeopleStore, args: argparse.Namespace) -> int:
    result = await store.audit.async_verify()
    if result.ok:
        print(f"Audit chain intact: {result.entries} entries")
        return 0
    print(f"Audit chain BROKEN after {result.entries} good entries: {result.problem}",
          file=sys.stderr)
    return 1


async def _list(store: PeopleStore, args: argparse.Namespace) -> int:
    for e in await store.audit.async_entries(subject=args.subject, limit=args.limit):
        when = datetime.fromtimestamp(e.ts, UTC).astimezone(store.tz)
        print(f"{e.seq:6} {when:%Y-%m-%d %H:%M:%S} {e.actor:16} {e.action:20} "
              f"{e.subject_type}:{e.subject or '-'} {e.details}")
    return 0
