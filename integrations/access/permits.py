"""`access.check_permits`: announce permits and qualification reviews about to run out.

Fires one `permit_expiring` event per person whose permit (validity window) or
contractor qualification ends within the given days, so a blueprint can tell
the site office before a contractor is turned away at the gate.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import voluptuous as vol

from hub.core import Hub
from hub.people.const import DATA_STORE, PersonKind, PersonStatus
from hub.services import ServiceCall

EVENT_PERMIT_EXPIRING = "permit_expiring"

SCHEMA = vol.Schema({
    vol.Optional("within_days", default=7): vol.All(vol.Coerce(float), vol.Range(min=0, max=365)),
    vol.Optional("kind", default="contractor"): vol.In([kind.value for kind in PersonKind]),
})


async def async_check_permits(hub: Hub, within_days: float, kind: str) -> list[dict[str, Any]]:
    """Every active person of `kind` whose permit or review ends within the window."""
    store = hub.data[DATA_STORE]
    now = datetime.now(UTC)
    horizon = now + timedelta(days=within_days)
    expiring = []
    for person in await store.persons.async_list(kind=PersonKind(kind),
                                                 status=PersonStatus.active):
        ends = [("permit", person.valid_until)]
        if person.qualification is not None:
            ends.append(("qualification", person.qualification.valid_until))
        for what, until in ends:
            if until is not None and now <= until <= horizon:
                expiring.append({
                    "person_id": person.id, "person_name": person.name,
                    "person_kind": person.kind.value, "what": what,
                    "expires": until.isoformat(),
                    "days_left": round((until - now).total_seconds() / 86400, 1),
                    "firm": person.attributes.get("firm"),
                })
    return expiring


def register(hub: Hub) -> None:
    """Register the service."""

    async def check(call: ServiceCall) -> list[dict[str, Any]]:
        found = await async_check_permits(hub, call.data["within_days"], call.data["kind"])
        for item in found:
            hub.bus.async_fire(EVENT_PERMIT_EXPIRING, item, context=call.context)
        return found

    hub.services.async_register("access", "check_permits", check, SCHEMA)
