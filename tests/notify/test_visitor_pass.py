"""Visitor passes: issued by a resident, delivered by notify, checked at the QR reader."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from hub.callback import callback
from hub.core import Hub
from hub.events import Event
from hub.exceptions import ServiceValidationError
from hub.people.const import PersonKind
from hub.people.model import Person
from tests.notify.conftest import StartSite
from tests.notify.helpers import Receiver

SITE = """
language: en
targets:
  app: {{platform: webhook, url: {url}, secret: !secret hook_secret}}
"""
EXTRA = """
access:
  gates:
    north_gate: {name: North gate}
    garage: {name: Garage}
"""


async def _present(hub: Hub, token: str, gate: str) -> Event:
    """Show a QR code at a gate's reader, as the MQTT QR reader entity does."""
    result: asyncio.Future[Event] = asyncio.get_running_loop().create_future()

    @callback
    def done(event: Event) -> None:
        if not result.done():
            result.set_result(event)

    removers = [hub.bus.async_listen(kind, done) for kind in
                ("credential_recognized", "credential_unknown")]
    hub.bus.async_fire("credential_presented", {
        "type": "qr", "value": token, "gate": gate, "entity_id": "card_reader.north_qr"})
    try:
        return await asyncio.wait_for(result, 5)
    finally:
        for remove in removers:
            remove()


@pytest.fixture
async def hub(start_site: StartSite, receiver: Receiver) -> Hub:
    hub = await start_site(SITE.format(url=receiver.url), extra=EXTRA)
    store = hub.data["people_store"]
    await store.persons.async_add(Person("r1201", "Wang Fang", PersonKind.resident,
                                         attributes={"notify_targets": "app"}))
    await store.persons.async_add(Person("kid", "Lina", PersonKind.student))
    return hub


async def test_pass_is_delivered_and_opens_once_at_its_gate(hub: Hub,
                                                            receiver: Receiver) -> None:
    result = await hub.services.async_call("access", "issue_visitor_pass", {
        "host": "r1201", "visitor_name": "Zhang Wei", "gates": ["north_gate"],
        "valid_for": {"hours": 2}, "uses": 1})
    assert "token" not in result  # never in a trace
    [post] = await receiver.wait_for(1)
    token = post["data"]["token"]
    assert post["message"].startswith("Visitor pass for Zhang Wei: North gate")
    assert token in post["message"]
    visitor = await hub.data["people_store"].persons.async_get(result["visitor_id"])
    assert visitor.kind is PersonKind.visitor and visitor.attributes["host"] == "r1201"
    credentials = await hub.data["people_store"].credentials.async_list(visitor.id)
    assert [c.type for c in credentials] == ["qr"]  # no face enrolled for a visitor

    wrong_gate = await _present(hub, token, "garage")
    assert wrong_gate.event_type == "credential_unknown"
    assert "not valid at gate garage" in wrong_gate.data["reason"]
    accepted = await _present(hub, token, "north_gate")  # the wrong gate spent no use
    assert accepted.event_type == "credential_recognized"
    assert accepted.data["person_id"] == visitor.id and accepted.data["person_kind"] == "visitor"
    reused = await _present(hub, token, "north_gate")
    assert reused.event_type == "credential_unknown" and "no uses left" in reused.data["reason"]


async def test_forged_and_expired_passes_are_refused(hub: Hub, receiver: Receiver) -> None:
    past = datetime.now(UTC) - timedelta(hours=3)
    await hub.services.async_call("access", "issue_visitor_pass", {
        "host": "r1201", "visitor_name": "Late Visitor", "gates": ["north_gate"],
        "valid_from": past.isoformat(), "valid_until": (past + timedelta(hours=1)).isoformat()})
    await hub.services.async_call("access", "issue_visitor_pass", {
        "host": "r1201", "visitor_name": "Li Lei", "gates": ["north_gate"], "uses": 3})
    posts = await receiver.wait_for(2)
    tokens = {post["data"]["visitor_name"]: post["data"]["token"] for post in posts}
    expired = await _present(hub, tokens["Late Visitor"], "north_gate")
    assert expired.event_type == "credential_unknown" and "expired" in expired.data["reason"]
    payload, signature = tokens["Li Lei"].split(".")
    forged = payload[:-2] + ("AA" if payload[-2:] != "AA" else "BB") + "." + signature
    refused = await _present(hub, forged, "north_gate")
    assert refused.event_type == "credential_unknown"
    assert "signature" in refused.data["reason"] or "not a menjin pass" in refused.data["reason"]


async def test_only_residents_and_staff_may_invite(hub: Hub) -> None:
    with pytest.raises(ServiceValidationError, match="only active residents and staff"):
        await hub.services.async_call("access", "issue_visitor_pass", {
            "host": "kid", "visitor_name": "X", "gates": ["north_gate"]})
    with pytest.raises(ServiceValidationError, match="unknown gate"):
        await hub.services.async_call("access", "issue_visitor_pass", {
            "host": "r1201", "visitor_name": "X", "gates": ["roof"]})
