"""Turn a card, QR pass or PIN read at a reader into a person, without exposing the secret.

The raw value arrives in `credential_presented`; what leaves here is
`credential_recognized` (person fields, credential id) or `credential_unknown`
(with the reason), which the `credential` trigger listens to.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from hub.const import EVENT_CREDENTIAL_PRESENTED
from hub.context import Context
from hub.core import Hub
from hub.credentials.model import Credential
from hub.events import Event
from hub.people.const import DATA_STORE
from integrations.access.const import EVENT_CREDENTIAL_RECOGNIZED, EVENT_CREDENTIAL_UNKNOWN
from integrations.access.decisions import async_person_fields

_LOGGER = logging.getLogger(__name__)


async def _async_resolve(hub: Hub, data: dict[str, Any]) -> tuple[Credential | None, str]:
    store = hub.data[DATA_STORE]
    kind, value = data.get("type"), str(data.get("value") or "")
    if not value:
        return None, "no credential value"
    if kind == "card":
        credential = await store.credentials.async_find_card(value)
        return credential, "" if credential else "card not issued"
    if kind == "qr":
        try:
            return await store.credentials.async_redeem_qr(
                value, gate=str(data["gate"]) if data.get("gate") else None), ""
        except Exception as err:  # every refusal is a reason to show, never a crash
            return None, f"QR pass refused: {err}"
    if kind == "pin":
        person_id = data.get("person_id")
        if not person_id:
            return None, "a PIN needs the person number typed before it"
        credential = await store.credentials.async_verify_pin(str(person_id), value)
        return credential, "" if credential else "wrong PIN"
    return None, f"unsupported credential type {kind!r}"


async def async_on_credential(hub: Hub, gate_directions: dict[str, str], event: Event) -> None:
    """Resolve a presented credential and fire recognised or unknown."""
    data = dict(event.data)
    gate = data.get("gate")
    base = {"gate": gate, "direction": data.get("direction") or gate_directions.get(
        str(gate), "in"), "credential": data.get("type"), "reader": data.get("entity_id")}
    try:
        credential, reason = await _async_resolve(hub, data)
    except Exception as err:
        _LOGGER.error("Credential lookup failed at %s: %s", gate, err)
        credential, reason = None, f"lookup failed: {err}"
    context = Context(parent_id=event.context.id)
    # A redeemed QR pass was checked (window, uses) as it was used up by one.
    if credential is not None and data.get("type") != "qr" and \
            not credential.is_valid_at(datetime.now(UTC)):
        credential, reason = None, "credential expired or revoked"
    if credential is None:
        hub.bus.async_fire(EVENT_CREDENTIAL_UNKNOWN, {**base, "reason": reason}, context=context)
        return
    person = await async_person_fields(hub, credential.person_id)
    hub.bus.async_fire(EVENT_CREDENTIAL_RECOGNIZED,
                       {**base, **person, "credential_id": credential.id}, context=context)


def listen(hub: Hub, gate_directions: dict[str, str]) -> None:
    """Resolve every credential read at a reader."""

    async def on_event(event: Event) -> None:
        await async_on_credential(hub, gate_directions, event)

    hub.bus.async_listen(EVENT_CREDENTIAL_PRESENTED, on_event)
