"""`menjin people add|list|show|suspend|activate|remove|guardian|card|pin|keygen`."""

from __future__ import annotations

import argparse
import sys
from datetime import date, datetime
from typing import Any

from hub.cli.common import add_config_argument
from hub.cli.people_common import actor, print_json, run_with_store
from hub.people.const import PersonKind, PersonStatus
from hub.people.model import Person
from hub.people.persons import new_person_id
from hub.people.store import PeopleStore
from hub.privacy.keys import SiteKey


def register(subparsers: Any) -> None:
    """Add `people` and its actions."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "people", help="add, list, show, suspend and remove people")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)

    add = actions.add_parser("add", help="add a person")
    add_config_argument(add)
    add.add_argument("name", help="display name")
    add.add_argument("--id", help="person id (default: generated)")
    add.add_argument("--kind", choices=[k.value for k in PersonKind], default="student")
    add.add_argument("--group", action="append", default=[], help="group (repeatable)")
    add.add_argument("--birth-date", type=date.fromisoformat, help="YYYY-MM-DD")
    add.add_argument("--valid-from", type=datetime.fromisoformat, help="permit start (ISO)")
    add.add_argument("--valid-until", type=datetime.fromisoformat, help="permit end (ISO)")
    add.add_argument("--attr", action="append", default=[], metavar="KEY=VALUE")
    add.set_defaults(func=lambda a: run_with_store(a, _add))

    listing = actions.add_parser("list", help="list people")
    add_config_argument(listing)
    listing.add_argument("--kind", choices=[k.value for k in PersonKind])
    listing.add_argument("--group")
    listing.add_argument("--status", choices=[s.value for s in PersonStatus])
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(func=lambda a: run_with_store(a, _list))

    for name, help_text, handler in (
        ("show", "show one person, their credentials and consents", _show),
        ("suspend", "stop a person passing any gate", _suspend),
        ("activate", "let a suspended person pass again", _activate),
        ("remove", "mark a person as left (erased after the leavers' retention)", _remove),
    ):
        sub = actions.add_parser(name, help=help_text)
        add_config_argument(sub)
        sub.add_argument("person")
        sub.set_defaults(func=lambda a, h=handler: run_with_store(a, h))

    guardian = actions.add_parser("guardian", help="link a guardian to a person")
    add_config_argument(guardian)
    guardian.add_argument("person")
    guardian.add_argument("name")
    guardian.add_argument("--relation", default="guardian")
    guardian.add_argument("--notify", action="append", default=[], help="notification target")
    guardian.add_argument("--guardian-person", help="the guardian's own person id, if any")
    guardian.set_defaults(func=lambda a: run_with_store(a, _guardian))

    card = actions.add_parser("card", help="issue a card to a person")
    add_config_argument(card)
    card.add_argument("person")
    card.add_argument("number")
    card.set_defaults(func=lambda a: run_with_store(a, _card))

    pin = actions.add_parser("pin", help="set a person's PIN (read from stdin)")
    add_config_argument(pin)
    pin.add_argument("person")
    pin.set_defaults(func=lambda a: run_with_store(a, _pin))

    keygen = actions.add_parser("keygen", help="print a new site key for secrets.yaml")
    keygen.set_defaults(func=_keygen)


def _keygen(args: argparse.Namespace) -> int:
    print(f"site_key: {SiteKey.generate().as_text()}")
    print("# put this line in secrets.yaml, keep a backup offline; losing it loses every "
          "face, card and QR pass", file=sys.stderr)
    return 0


def _aware(value: datetime | None, store: PeopleStore) -> datetime | None:
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=store.tz)


async def _add(store: PeopleStore, args: argparse.Namespace) -> int:
    attributes = dict(item.split("=", 1) for item in args.attr if "=" in item)
    person = await store.persons.async_add(Person(
        id=args.id or new_person_id(), name=args.name, kind=PersonKind(args.kind),
        groups=frozenset(args.group), birth_date=args.birth_date,
        valid_from=_aware(args.valid_from, store), valid_until=_aware(args.valid_until, store),
        attributes=attributes,
    ))
    print(person.id)
    return 0


async def _list(store: PeopleStore, args: argparse.Namespace) -> int:
    people = await store.persons.async_list(
        kind=PersonKind(args.kind) if args.kind else None,
        status=PersonStatus(args.status) if args.status else None, group=args.group)
    if args.json:
        print_json([{"id": p.id, "name": p.name, "kind": p.kind, "status": p.status,
                     "groups": sorted(p.groups)} for p in people])
        return 0
    for p in people:
        print(f"{p.id:16} {p.kind:10} {p.status:9} {p.name}  [{', '.join(sorted(p.groups))}]")
    print(f"{len(people)} people", file=sys.stderr)
    return 0


async def _show(store: PeopleStore, args: argparse.Namespace) -> int:
    person = await store.persons.async_require(args.person)
    credentials = await store.credentials.async_list(person.id)
    consents = await store.consents.async_history(person.id)
    guardians = await store.persons.async_guardians(person.id)
    print_json({
        "id": person.id, "name": person.name, "kind": person.kind, "status": person.status,
        "groups": sorted(person.groups), "birth_date": person.birth_date,
        "valid_from": person.valid_from, "valid_until": person.valid_until,
        "attributes": dict(person.attributes),
        "qualification": person.qualification and {
            "status": person.qualification.status,
            "reviewer": person.qualification.reviewer,
            "valid_until": person.qualification.valid_until},
        "guardians": [{"id": g.id, "name": g.name, "relation": g.relation} for g in guardians],
        "credentials": [{"id": c.id, "type": c.type, "valid_until": c.valid_until,
                         "uses_left": c.uses_left} for c in credentials],
        "consents": [{"id": c.id, "purpose": c.purpose, "by": c.granted_by_role,
                      "granted_at": c.granted_at, "withdrawn_at": c.withdrawn_at}
                     for c in consents],
    })
    return 0


async def _set_status(store: PeopleStore, person_id: str, status: PersonStatus) -> int:
    await store.persons.async_set_status(person_id, status)
    print(f"{person_id}: {status}")
    return 0


async def _suspend(store: PeopleStore, args: argparse.Namespace) -> int:
    return await _set_status(store, args.person, PersonStatus.suspended)


async def _activate(store: PeopleStore, args: argparse.Namespace) -> int:
    return await _set_status(store, args.person, PersonStatus.active)


async def _remove(store: PeopleStore, args: argparse.Namespace) -> int:
    await _set_status(store, args.person, PersonStatus.left)
    days = store.config.retention.leavers.days
    print(f"Their data is erased by the retention job after {days} days; "
          f"`menjin erase {args.person}` erases it now.", file=sys.stderr)
    return 0


async def _guardian(store: PeopleStore, args: argparse.Namespace) -> int:
    guardian = await store.persons.async_add_guardian(
        args.person, args.name, args.relation, args.notify, args.guardian_person)
    print(guardian.id)
    return 0


async def _card(store: PeopleStore, args: argparse.Namespace) -> int:
    credential = await store.credentials.async_add_card(args.person, args.number, actor())
    print(credential.id)
    return 0


async def _pin(store: PeopleStore, args: argparse.Namespace) -> int:
    pin = sys.stdin.readline().strip()
    credential = await store.credentials.async_set_pin(args.person, pin, actor())
    print(credential.id)
    return 0
