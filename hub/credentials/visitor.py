"""Visitor passes: a resident or staff member lets a named visitor in with a QR code.

The visitor becomes a person of kind `visitor` with the visit as their validity
window, and no face: visitors are not enrolled by default (the least intrusive
method, CAC/MPS Measures art. 10). The pass is an ordinary QR credential
limited to the chosen gates and number of uses, so the gate checks it through
the same credential flow as any other QR pass.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from hub.credentials.model import Credential
from hub.people.const import PersonKind, PersonStatus
from hub.people.errors import PersonNotFound
from hub.people.model import Person
from hub.people.persons import new_person_id

if TYPE_CHECKING:
    from hub.people.store import PeopleStore

# Who may invite a visitor.
HOST_KINDS = frozenset({PersonKind.resident, PersonKind.staff})
MAX_USES = 50


class VisitorPassError(ValueError):
    """A pass that cannot be issued; the message says what to change."""


@dataclass(frozen=True, slots=True)
class VisitorPass:
    """An issued pass: the visitor, their QR credential and the token to show."""

    visitor: Person
    credential: Credential
    token: str
    host_id: str
    gates: tuple[str, ...]


async def async_issue_visitor_pass(
    store: PeopleStore, host_id: str, visitor_name: str, valid_from: datetime,
    valid_until: datetime, gates: Sequence[str], uses: int = 1,
    actor: str = "system", visitor_id: str | None = None,
) -> VisitorPass:
    """Create the visitor (no face) and a QR pass for the given gates, window and uses."""
    host = await store.persons.async_get(host_id)
    if host is None:
        raise PersonNotFound(host_id)
    if host.kind not in HOST_KINDS or host.status is not PersonStatus.active:
        raise VisitorPassError(
            f"'{host_id}' may not invite visitors: only active residents and staff may")
    if not visitor_name.strip():
        raise VisitorPassError("give the visitor's name")
    if not gates:
        raise VisitorPassError("name at least one gate the pass opens")
    if not 1 <= uses <= MAX_USES:
        raise VisitorPassError(f"uses must be between 1 and {MAX_USES}")
    if valid_until <= valid_from:
        raise VisitorPassError("the visit must end after it starts")
    visitor = await store.persons.async_add(Person(
        visitor_id or new_person_id(), visitor_name.strip(), PersonKind.visitor,
        valid_from=valid_from, valid_until=valid_until,
        attributes={"host": host_id, "invited_by": actor}))
    credential, token = await store.credentials.async_issue_qr(
        visitor.id, valid_from, valid_until, uses, actor=actor, gates=gates,
        data={"host": host_id})
    return VisitorPass(visitor, credential, token, host_id, tuple(sorted(set(gates))))


def pass_message_data(issued: VisitorPass, gate_names: dict[str, str],
                      tz_name: str) -> dict[str, object]:
    """The fields the `visitor_pass` message renders (and a receiving app can use)."""
    from zoneinfo import ZoneInfo

    tz = ZoneInfo(tz_name)
    start, end = issued.credential.valid_from, issued.credential.valid_until
    assert start is not None and end is not None
    return {
        "visitor_name": issued.visitor.name, "visitor_id": issued.visitor.id,
        "host": issued.host_id, "gates": list(issued.gates),
        "gate_names": [gate_names.get(gate, gate) for gate in issued.gates],
        "valid_from": start.isoformat(), "valid_until": end.isoformat(),
        "valid_from_text": start.astimezone(tz).strftime("%m-%d %H:%M"),
        "valid_until_text": end.astimezone(tz).strftime("%m-%d %H:%M"),
        "uses": issued.credential.uses_left, "token": issued.token,
        "credential_id": issued.credential.id,
    }
