"""`menjin visitor issue`: a QR pass for a named visitor, delivered through the outbox.

Works without a running hub: the pass is written to the site database and the
message queued in the outbox, which the hub's worker delivers within seconds
of (re)starting or its next look. The token is printed too, for a desk that
hands it over in person.
"""

from __future__ import annotations

import argparse
import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from hub.cli.common import add_config_argument
from hub.cli.people_common import actor, print_json, run_with_store
from hub.config.yaml_loader import Secrets, load_yaml
from hub.const import CONFIG_FILE
from hub.credentials.visitor import async_issue_visitor_pass, pass_message_data
from hub.notify.compose import ComposeSettings, SendRequest, async_compose
from hub.notify.const import DEFAULT_LANGUAGE, EVENT_NOTIFICATION_FAILED
from hub.notify.outbox import Outbox
from hub.notify.recipients import QuietHours, RecipientSettings
from hub.people.store import PeopleStore


def register(subparsers: Any) -> None:
    """Add `visitor issue`."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "visitor", help="issue a QR visitor pass and deliver it")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    issue = actions.add_parser("issue", help="issue a pass for a named visitor")
    add_config_argument(issue)
    issue.add_argument("--host", required=True, help="the inviting resident or staff member")
    issue.add_argument("--name", required=True, help="the visitor's name")
    issue.add_argument("--gate", action="append", required=True, help="gate id (repeatable)")
    issue.add_argument("--from", dest="valid_from", type=datetime.fromisoformat,
                       help="start (ISO, default now)")
    group = issue.add_mutually_exclusive_group()
    group.add_argument("--until", type=datetime.fromisoformat, help="end (ISO)")
    group.add_argument("--hours", type=float, default=4.0, help="length of the visit")
    issue.add_argument("--uses", type=int, default=1)
    issue.add_argument("--deliver-to", action="append", default=[],
                       help="notify target or recipient (default: the host's own targets)")
    issue.add_argument("--json", action="store_true")
    issue.set_defaults(func=lambda a: run_with_store(a, _issue))


def _site_sections(config_dir: Path) -> tuple[dict[str, Any], dict[str, Any], str]:
    config_dir = config_dir.resolve()
    raw: Any = load_yaml(config_dir / CONFIG_FILE, Secrets(config_dir)) or {}
    core = raw.get("menjin") or {}
    return raw.get("notify") or {}, raw.get("access") or {}, str(core.get("time_zone", "UTC"))


def _settings(notify: dict[str, Any], tz: str) -> ComposeSettings:
    quiet = notify.get("quiet_hours")
    return ComposeSettings(
        recipients=RecipientSettings(
            language=str(notify.get("language") or DEFAULT_LANGUAGE),
            quiet_hours=QuietHours.parse(quiet) if quiet else None, time_zone=tz,
            recipients=notify.get("recipients") or {}),
        messages=notify.get("messages") or {}, gate_names=notify.get("gate_names") or {})


def _aware(value: datetime | None, tz: str) -> datetime | None:
    from zoneinfo import ZoneInfo

    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=ZoneInfo(tz))


async def _issue(store: PeopleStore, args: argparse.Namespace) -> int:
    notify, access, tz = await asyncio.to_thread(_site_sections, Path(args.config))
    gates = access.get("gates") or {}
    unknown = [gate for gate in args.gate if gates and gate not in gates]
    if unknown:
        raise ValueError(f"unknown gate(s) {', '.join(unknown)}; configured: "
                         f"{', '.join(sorted(gates))}")
    start = _aware(args.valid_from, tz) or datetime.now(UTC)
    end = _aware(args.until, tz) or start + timedelta(hours=args.hours)
    issued = await async_issue_visitor_pass(store, args.host, args.name, start, end,
                                            args.gate, args.uses, actor=actor())
    names = {gate: str((gates.get(gate) or {}).get("name") or gate) for gate in issued.gates}
    request = SendRequest(
        targets=tuple(args.deliver_to), persons=() if args.deliver_to else (args.host,),
        message_key="visitor_pass", data=pass_message_data(issued, names, tz),
        key=f"visitor_pass:{issued.credential.id}", urgent=True)
    composition = await async_compose(store, _settings(notify, tz), request,
                                      set(notify.get("targets") or {}))
    outbox = Outbox(store.db)
    queued = await outbox.async_enqueue(composition.messages)
    for message, error in composition.dead:
        await outbox.async_record_dead(message, error)
    result = {"visitor_id": issued.visitor.id, "credential_id": issued.credential.id,
              "valid_from": start.isoformat(), "valid_until": end.isoformat(),
              "gates": list(issued.gates), "uses": args.uses, "token": issued.token,
              "queued": queued, "not_sent": composition.errors}
    if args.json:
        print_json(result)
    else:
        print(f"visitor {issued.visitor.id} ({args.name}), pass {issued.credential.id}, "
              f"{', '.join(issued.gates)}, until {end.isoformat()}, {args.uses} use(s)")
        print(f"QR token: {issued.token}")
        print(f"queued {len(queued)} notification(s)")
        for error in composition.errors:
            print(f"not sent ({EVENT_NOTIFICATION_FAILED}): {error}")
    return 0 if queued or not composition.errors else 1
