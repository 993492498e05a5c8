"""One-key open: one tap opens one gate once; every attack is refused and logged."""

from __future__ import annotations

import base64
import json
import re
import time
from dataclasses import dataclass, field
from datetime import timedelta

import aiohttp
import pytest

from hub.core import Hub
from hub.entities.component import async_add_entities
from hub.entities.relay import RelayEntity
from hub.notify.signing import sign
from hub.people.const import Decision, PersonKind
from hub.people.model import Person
from tests.notify.conftest import StartSite
from tests.notify.helpers import Receiver

SITE = """
language: en
targets:
  app: {{platform: webhook, url: {url}, secret: !secret hook_secret}}
one_key: {{secret: !secret one_key_secret}}
"""
EXTRA = """
http: {server_port: 0}
access:
  gates:
    gate_3: {name: Gate 3, relay: relay.door_strike}
    gate_4: {name: Gate 4, relay: relay.door_strike}
"""
ONE_KEY_SECRET = b"one-key-test-secret-123"


class DoorStrike(RelayEntity):
    """Counts pulses: the only way a door could open in these tests."""

    _attr_name = "Door strike"

    def __init__(self) -> None:
        self.pulses = 0

    async def async_pulse(self, duration: timedelta) -> None:
        self.pulses += 1


@dataclass
class Site:
    hub: Hub
    receiver: Receiver
    door: DoorStrike
    base: str
    used: list[str] = field(default_factory=list)

    async def link(self, event: str, resident: str = "r1201", **extra: object) -> str:
        count = len(self.receiver.posts)
        await self.hub.services.async_call("notify", "one_key_open", {
            "gate": "gate_3", "resident": resident, "visitor_event": event,
            "visitor_name": "Mr Zhang", **extra})
        posts = await self.receiver.wait_for(count + 1)
        return str(posts[count]["data"]["url"])

    async def denials(self) -> list[tuple[str, ...]]:
        entries = await self.hub.data["people_store"].access_log.async_query(
            gate_id="gate_3", decision=Decision.denied)
        return [tuple(entry.record.reasons) for entry in entries]


@pytest.fixture
async def site(start_site: StartSite, receiver: Receiver) -> Site:
    hub = await start_site(SITE.format(url=receiver.url), extra=EXTRA)
    door = DoorStrike()
    await async_add_entities(hub, "relay", [door], "test")
    store = hub.data["people_store"]
    await store.persons.async_add(Person("r1201", "Wang Fang", PersonKind.resident,
                                         attributes={"notify_targets": "app"}))
    server = hub.data["http"]
    for _ in range(200):
        if server.port:
            break
        await __import__("asyncio").sleep(0.01)
    return Site(hub, receiver, door, server.url)


async def test_get_shows_a_button_and_post_opens_once(site: Site) -> None:
    url = await site.link("visitor-1")
    assert url.startswith(site.base + "/api/one_key/")
    [post] = site.receiver.posts
    assert "Mr Zhang is at Gate 3" in post["message"] and url in post["message"]
    assert post["data"]["actions"][0]["method"] == "POST"
    async with aiohttp.ClientSession() as client:
        for _ in range(3):  # link-preview bots fetch; nothing opens
            async with client.get(url) as response:
                page = await response.text()
                assert response.status == 200 and "<form method=\"post\">" in page
        assert site.door.pulses == 0
        async with client.post(url, data={"gate": "gate_3"}) as response:
            assert response.status == 200 and "opening" in await response.text()
        assert site.door.pulses == 1
        async with client.post(url, data={"gate": "gate_3"}) as response:
            assert response.status == 409 and "already used" in await response.text()
        async with client.get(url) as response:
            assert response.status == 409
    assert site.door.pulses == 1
    entries = await site.hub.data["people_store"].access_log.async_query(gate_id="gate_3")
    granted = [e for e in entries if e.record.decision is Decision.granted]
    assert len(granted) == 1
    assert granted[0].record.rule == "one_key_open" and granted[0].record.credential_type == "guard"
    assert granted[0].record.details == {"user_id": "resident:r1201"}
    assert ("one-key link refused: used",) in await site.denials()


def _tamper(url: str, **changes: object) -> str:
    token = url.rsplit("/", 1)[1]
    payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims.update(changes)
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return url.rsplit("/", 1)[0] + f"/{forged}.{signature}"


async def test_forged_expired_wrong_gate_and_replayed_links_open_nothing(site: Site) -> None:
    url = await site.link("visitor-2")
    expired = site.base + "/api/one_key/" + sign(ONE_KEY_SECRET, "one_key", {
        "g": "gate_3", "r": "r1201", "v": None, "e": "visitor-x", "n": "0" * 32,
        "x": int(time.time()) - 1})
    async with aiohttp.ClientSession() as client:
        forged = _tamper(url, x=int(time.time()) + 3600)
        async with client.post(forged) as response:
            assert response.status == 403 and "not valid" in await response.text()
        async with client.post(_tamper(url, g="gate_4")) as response:
            assert response.status == 403
        async with client.post(expired) as response:
            assert response.status == 410 and "expired" in await response.text()
        async with client.post(url, data={"gate": "gate_4"}) as response:
            assert response.status == 403 and "another gate" in await response.text()
        async with client.post(site.base + "/api/one_key/garbage") as response:
            assert response.status == 403
        # A second link for the same visitor event: opening one closes the other.
        second = await site.link("visitor-2")
        async with client.post(url) as response:
            assert response.status == 200
        async with client.post(second) as response:
            assert response.status == 409 and "already opened" in await response.text()
    assert site.door.pulses == 1
    reasons = {reason for reasons in await site.denials() for reason in reasons}
    assert {"one-key link refused: forged", "one-key link refused: expired",
            "one-key link refused: wrong_gate", "one-key link refused: replayed"} <= reasons


async def test_unknown_gate_or_resident_is_refused_at_issue(site: Site) -> None:
    from hub.exceptions import ServiceValidationError

    with pytest.raises(ServiceValidationError, match="unknown gate"):
        await site.hub.services.async_call("notify", "one_key_open", {
            "gate": "back_door", "resident": "r1201"})
    with pytest.raises(ServiceValidationError, match="unknown resident"):
        await site.hub.services.async_call("notify", "one_key_open", {
            "gate": "gate_3", "resident": "ghost"})
    assert re.match(r"^http://127\.0\.0\.1:\d+$", site.base)


async def test_snapshot_link_only_with_consent(site: Site) -> None:
    from hub.privacy.const import Purpose

    store = site.hub.data["people_store"]
    await store.persons.async_add(Person("ada", "Ada", PersonKind.resident))
    nonce, ciphertext = store.snapshot_cipher.encrypt(b"\xff\xd8fake-jpeg", "snap1")
    now = time.time()
    await store.db.execute(
        "INSERT INTO snapshots (id, person_id, access_id, ts, expires_at, nonce, ciphertext) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)", ("snap1", "ada", None, now, now + 600, nonce, ciphertext))
    data = {"person_id": "ada", "snapshot_id": "snap1", "image": b"\xff\xd8"}
    await site.hub.services.async_call("notify", "send", {
        "targets": "app", "message": "Ada entered", "data": data})
    [text_only] = await site.receiver.wait_for(1)
    assert "snapshot_url" not in text_only["data"] and "image" not in text_only["data"]
    await store.consents.async_grant("ada", Purpose.snapshot, "Ada", "app", "v1")
    await site.hub.services.async_call("notify", "send", {
        "targets": "app", "message": "Ada entered", "data": data})
    posts = await site.receiver.wait_for(2)
    link = posts[1]["data"]["snapshot_url"]
    assert link.startswith(site.base + "/api/notify/snapshot/")
    async with aiohttp.ClientSession() as client:
        async with client.get(link) as response:
            assert response.status == 200 and await response.read() == b"\xff\xd8fake-jpeg"
        async with client.get(_tamper(link, s="snap2")) as response:
            assert response.status == 403
