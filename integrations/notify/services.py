"""`notify.send`: queue a message for people, guardians or targets, and return at once.

```yaml
- action: notify.send
  data:
    guardians_of: "{{ trigger.person_id }}"     # and/or person: / targets:
    message_key: student_entered                # or message: "text" / {en: …, zh-CN: …}
    data: {person_id: …, person_name: …, gate: …, direction: …}
```
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import voluptuous as vol

import hub.config.validation as cv
from hub.exceptions import ServiceValidationError
from hub.notify.compose import SendRequest
from hub.notify.recipients import split_targets
from hub.services import ServiceCall
from integrations.notify.const import DOMAIN, SERVICE_SEND

if TYPE_CHECKING:
    from hub.core import Hub
    from integrations.notify.manager import NotifyManager


def _names(value: Any) -> list[str]:
    return split_targets(value)


def _one_recipient(data: dict[str, Any]) -> dict[str, Any]:
    if not (data.get("targets") or data.get("person") or data.get("guardians_of")):
        raise vol.Invalid("name at least one recipient: targets, person or guardians_of")
    if not (data.get("message") or data.get("message_key")):
        raise vol.Invalid("give a message or a message_key")
    return data


SEND_SCHEMA = vol.All(vol.Schema({
    vol.Optional("targets", default=[]): _names,
    vol.Optional("person", default=[]): _names,
    vol.Optional("guardians_of", default=[]): _names,
    vol.Exclusive("message", "text"): vol.Any(cv.string, {cv.string: cv.string}),
    vol.Exclusive("message_key", "text"): cv.string,
    vol.Optional("title"): cv.string,
    vol.Optional("data", default={}): vol.Any(dict, None),
    vol.Optional("key"): cv.string,
    vol.Optional("urgent", default=False): cv.boolean,
}), _one_recipient)


def request_from(data: dict[str, Any], context_id: str | None) -> SendRequest:
    """A SendRequest from validated service data."""
    return SendRequest(
        targets=tuple(data["targets"]), persons=tuple(data["person"]),
        guardians_of=tuple(data["guardians_of"]), message=data.get("message"),
        message_key=data.get("message_key"), title=data.get("title"),
        data=data.get("data") or {}, key=data.get("key"), urgent=data["urgent"],
        context_id=context_id)


def register(hub: Hub, manager: NotifyManager) -> None:
    """Register `notify.send`."""

    async def send(call: ServiceCall) -> dict[str, Any]:
        result = await manager.async_send(request_from(dict(call.data), call.context.id))
        if result["errors"]:
            # Queued what could be; the rest is in the outbox as dead letters.
            raise ServiceValidationError(
                f"notify.send queued {len(result['queued'])} message(s); not sendable: "
                + "; ".join(result["errors"]))
        return result

    hub.services.async_register(DOMAIN, SERVICE_SEND, send, SEND_SCHEMA)
