"""`access.issue_visitor_pass`: a resident or staff member invites a named visitor.

```yaml
- action: access.issue_visitor_pass
  data:
    host: r1201                 # the inviting resident or staff member
    visitor_name: Zhang Wei
    gates: [north_gate]
    valid_for: {hours: 4}       # or valid_from / valid_until
    uses: 1
    deliver_to: [r1201_app]     # optional; default: the host's own notify targets
```

The QR token goes out through `notify.send` (durable, retried); it is not
returned to the caller, so it never lands in an automation trace.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any

import voluptuous as vol

import hub.config.validation as cv
from hub.core import Hub
from hub.credentials.visitor import (
    VisitorPassError,
    async_issue_visitor_pass,
    pass_message_data,
)
from hub.exceptions import ServiceValidationError
from hub.people.const import DATA_STORE
from hub.people.errors import PersonNotFound
from hub.services import ServiceCall
from integrations.access.gates import GateRuntime

_LOGGER = logging.getLogger(__name__)


def _aware(value: Any) -> datetime:
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    if moment.tzinfo is None:
        raise vol.Invalid("give a time zone (e.g. 2026-03-02T14:00+08:00)")
    return moment


SCHEMA = vol.Schema({
    vol.Required("host"): cv.string,
    vol.Required("visitor_name"): cv.string,
    vol.Required("gates"): vol.All(cv.ensure_list, [cv.slug], vol.Length(min=1)),
    vol.Optional("valid_from"): _aware,
    vol.Exclusive("valid_until", "end"): _aware,
    vol.Exclusive("valid_for", "end"): cv.positive_duration,
    vol.Optional("uses", default=1): vol.All(vol.Coerce(int), vol.Range(min=1, max=50)),
    vol.Optional("deliver_to"): vol.All(cv.ensure_list, [cv.string]),
    vol.Optional("message_key", default="visitor_pass"): cv.string,
})
DEFAULT_VISIT = timedelta(hours=4)


def register(hub: Hub, gates: dict[str, GateRuntime]) -> None:
    """Register `access.issue_visitor_pass`."""

    async def issue(call: ServiceCall) -> dict[str, Any]:
        data = call.data
        unknown = [gate for gate in data["gates"] if gate not in gates]
        if unknown:
            raise ServiceValidationError(
                f"access.issue_visitor_pass: unknown gate(s) {', '.join(unknown)}")
        start = data.get("valid_from") or datetime.now(UTC)
        end = data.get("valid_until") or start + (data.get("valid_for") or DEFAULT_VISIT)
        actor = call.context.user_id or f"person:{data['host']}"
        try:
            issued = await async_issue_visitor_pass(
                hub.data[DATA_STORE], data["host"], data["visitor_name"], start, end,
                data["gates"], data["uses"], actor=actor)
        except PersonNotFound as err:
            raise ServiceValidationError(f"access.issue_visitor_pass: {err}") from err
        except VisitorPassError as err:
            raise ServiceValidationError(f"access.issue_visitor_pass: {err}") from err
        message = pass_message_data(issued, {g: r.name for g, r in gates.items()},
                                    hub.config.time_zone)
        result: dict[str, Any] = {"visitor_id": issued.visitor.id,
                                  "credential_id": issued.credential.id,
                                  "valid_until": end.isoformat(), "queued": []}
        if not hub.services.has_service("notify", "send"):
            _LOGGER.warning("Visitor pass %s issued, but notify is not set up to deliver it",
                            issued.credential.id)
            return result
        recipients = ({"targets": data["deliver_to"]} if data.get("deliver_to")
                      else {"person": data["host"]})
        sent = await hub.services.async_call("notify", "send", {
            **recipients, "message_key": data["message_key"], "data": message,
            "key": f"visitor_pass:{issued.credential.id}", "urgent": True,
        }, call.context.child())
        result["queued"] = sent["queued"]
        return result

    hub.services.async_register("access", "issue_visitor_pass", issue, SCHEMA)
