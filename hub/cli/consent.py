"""`menjin consent grant|withdraw|list`: the consent ledger from the command line."""

from __future__ import annotations

import argparse
from typing import Any

from hub.cli.common import add_config_argument
from hub.cli.people_common import actor, run_with_store
from hub.people.store import PeopleStore
from hub.privacy.const import Purpose


def register(subparsers: Any) -> None:
    """Add `consent` and its actions."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "consent", help="record or withdraw a person's consent")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    purposes = [p.value for p in Purpose]

    grant = actions.add_parser("grant", help="record a consent")
    add_config_argument(grant)
    grant.add_argument("person")
    grant.add_argument("--purpose", choices=purposes, default=Purpose.gate_entry.value)
    grant.add_argument("--by", required=True, help="who consented (name as signed)")
    grant.add_argument("--guardian", help="guardian id, when a guardian consents")
    grant.add_argument("--channel", default="paper", help="paper, app, kiosk, ...")
    grant.add_argument("--text-version", required=True, help="version of the notice text shown")
    grant.set_defaults(func=lambda a: run_with_store(a, _grant))

    withdraw = actions.add_parser("withdraw", help="withdraw a consent (deletes the face now)")
    add_config_argument(withdraw)
    withdraw.add_argument("person")
    withdraw.add_argument("--purpose", choices=purposes, default=Purpose.gate_entry.value)
    withdraw.add_argument("--by", required=True)
    withdraw.add_argument("--channel", default="paper")
    withdraw.set_defaults(func=lambda a: run_with_store(a, _withdraw))

    listing = actions.add_parser("list", help="a person's consent history")
    add_config_argument(listing)
    listing.add_argument("person")
    listing.set_defaults(func=lambda a: run_with_store(a, _list))


async def _grant(store: PeopleStore, args: argparse.Namespace) -> int:
    consent = await store.consents.async_grant(
        args.person, Purpose(args.purpose), args.by, args.channel, args.text_version,
        guardian_id=args.guardian, actor=actor())
    print(consent.id)
    return 0


async def _withdraw(store: PeopleStore, args: argparse.Namespace) -> int:
    result = await store.consents.async_withdraw(
        args.person, Purpose(args.purpose), args.by, args.channel, actor=actor())
    print(f"withdrawn: {result.consents} consent(s); face credentials deleted: "
          f"{result.faces_deleted}; snapshots deleted: {result.snapshots_deleted}")
    return 0


async def _list(store: PeopleStore, args: argparse.Namespace) -> int:
    for c in await store.consents.async_history(args.person):
        state = f"withdrawn {c.withdrawn_at:%Y-%m-%d}" if c.withdrawn_at else "active"
        print(f"{c.id} {c.purpose:24} {c.granted_by_role:8} {c.channel:8} "
              f"{c.text_version:6} {c.granted_at:%Y-%m-%d} {state}")
    return 0
