"""`menjin outbox`: what notifications are pending, sent or dead, and resend dead ones.

Reads the site database directly, so it works whether or not the hub runs. A
dead letter is a message whose retry budget is spent (or that could never be
sent: unknown recipient, template error); `retry` gives it a fresh budget and
the running hub picks it up within seconds.
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from typing import Any

from hub.cli.common import add_config_argument
from hub.cli.people_common import print_json, run_with_store
from hub.notify.const import OutboxStatus
from hub.notify.model import OutboxMessage
from hub.notify.outbox import Outbox
from hub.notify.redact import describe_address
from hub.people.store import PeopleStore


def register(subparsers: Any) -> None:
    """Add `outbox [list|retry]`."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "outbox", help="list pending, sent and dead notifications; retry dead ones")
    add_config_argument(parser)
    parser.add_argument("action", nargs="?", choices=["list", "retry"], default="list")
    parser.add_argument("id", nargs="?", help="retry: one message id (default: every dead one)")
    parser.add_argument("--status", choices=[s.value for s in OutboxStatus])
    parser.add_argument("--limit", type=int, default=50)
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.set_defaults(func=lambda a: run_with_store(a, _run))


def _time(value: float | None) -> str | None:
    return None if value is None else datetime.fromtimestamp(value, UTC).isoformat(
        timespec="seconds")


def _row(message: OutboxMessage) -> dict[str, Any]:
    # The text and data stay out: they hold names, and one-key links are capabilities.
    return {
        "id": message.id, "status": str(message.status), "target": message.target,
        "to": describe_address(message.target, message.address),
        "recipient": message.recipient, "attempts": message.attempts,
        "created_at": _time(message.created_at), "next_attempt_at": _time(
            message.next_attempt_at) if message.status is OutboxStatus.pending else None,
        "sent_at": _time(message.sent_at), "error": message.last_error,
    }


async def _run(store: PeopleStore, args: argparse.Namespace) -> int:
    outbox = Outbox(store.db)
    if args.action == "retry":
        count = await outbox.async_requeue(args.id)
        print(f"{count} dead letter(s) queued again")
        return 0 if count or args.id is None else 1
    counts = await outbox.async_counts()
    status = OutboxStatus(args.status) if args.status else None
    rows = [_row(m) for m in await outbox.async_list(status, args.limit)]
    if args.json:
        print_json({"counts": counts, "messages": rows})
        return 0
    print(f"pending {counts['pending']}  sent {counts['sent']}  dead {counts['dead']}")
    for row in rows:
        line = (f"{row['created_at']}  {row['status']:<7}  {row['id']}  {row['recipient']} "
                f"-> {row['to']}  attempts {row['attempts']}")
        if row["error"]:
            line += f"  error: {row['error']}"
        print(line)
    return 0
