"""notify.send through the outbox to a real webhook receiver."""

from __future__ import annotations

from hub.notify.const import OutboxStatus
from hub.notify.outbox import Outbox
from hub.people.const import PersonKind
from hub.people.model import Person
from hub.privacy.const import Purpose
from tests.notify.conftest import StartSite
from tests.notify.helpers import Receiver, wait_until

WEBHOOK = """
language: en
targets:
  desk:
    platform: webhook
    url: {url}
    secret: !secret hook_secret
recipients:
  guard_desk: {{targets: [desk], language: en}}
gate_names:
  gate_3: {{en: Gate 3, zh-CN: 3号门}}
"""


async def test_send_to_desk_is_signed_and_carries_the_key(
        start_site: StartSite, receiver: Receiver) -> None:
    hub = await start_site(WEBHOOK.format(url=receiver.url))
    result = await hub.services.async_call("notify", "send", {
        "targets": ["guard_desk"], "message": "Unknown face at the main gate",
        "data": {"gate": "gate_3", "image": b"\xff\xd8"}})
    assert len(result["queued"]) == 1
    [post] = await receiver.wait_for(1)
    assert post["message"] == "Unknown face at the main gate"
    assert post["key"] == result["queued"][0]
    assert "image" not in post["data"]  # no image ever leaves the site
    assert receiver.bad_signatures == 0
    outbox: Outbox = hub.data["notify_outbox"]
    await wait_until(lambda: _status(outbox, post["key"], OutboxStatus.sent), "marked sent")


async def _status(outbox: Outbox, key: str, status: OutboxStatus) -> bool:
    message = await outbox.async_get(key)
    return message is not None and message.status is status


async def test_guardians_get_the_school_message_in_their_language(
        start_site: StartSite, receiver: Receiver) -> None:
    hub = await start_site(WEBHOOK.format(url=receiver.url))
    store = hub.data["people_store"]
    await store.persons.async_add(Person("lina", "Lina", PersonKind.student,
                                         attributes={"name_zh": "琳娜"}))
    await store.persons.async_add(Person("mum", "Li Mei", PersonKind.resident,
                                         attributes={"language": "zh-CN"}))
    mum = await store.persons.async_add_guardian("lina", "Li Mei", "mother", ["desk"],
                                                 guardian_person_id="mum")
    await store.persons.async_add_guardian("lina", "John", "father", ["desk"])
    await store.consents.async_grant("lina", Purpose.guardian_notifications, "Li Mei",
                                     "paper", "v1", guardian_id=mum.id)
    result = await hub.services.async_call("notify", "send", {
        "guardians_of": "lina", "message_key": "student_entered",
        "data": {"person_id": "lina", "person_name": "Lina", "gate": "gate_3",
                 "direction": "in", "time": "07:42"}})
    assert len(result["queued"]) == 2
    posts = await receiver.wait_for(2)
    texts = sorted(post["message"] for post in posts)
    assert texts == ["Lina entered school, Gate 3, 07:42", "琳娜 07:42 从 3号门 进校"]


async def test_no_consent_no_guardian_message(start_site: StartSite, receiver: Receiver) -> None:
    hub = await start_site(WEBHOOK.format(url=receiver.url))
    store = hub.data["people_store"]
    await store.persons.async_add(Person("lina", "Lina", PersonKind.student))
    await store.persons.async_add_guardian("lina", "Li Mei", "mother", ["desk"])
    result = await hub.services.async_call("notify", "send", {
        "guardians_of": "lina", "message_key": "student_entered",
        "data": {"person_name": "Lina", "gate": "gate_3"}})
    assert result["queued"] == [] and "guardian_notifications" in result["skipped"][0]


async def test_payload_is_json_with_key_header(start_site: StartSite, receiver: Receiver) -> None:
    hub = await start_site(WEBHOOK.format(url=receiver.url))
    await hub.services.async_call("notify", "send", {
        "targets": "desk", "message": "hello", "key": "event-1"})
    await receiver.wait_for(1)
    headers = receiver.headers[0]
    assert headers["Idempotency-Key"] == receiver.posts[0]["key"]
    assert headers["Content-Type"].startswith("application/json")
    # The same caller key queues nothing new: the outbox drops the repeat.
    again = await hub.services.async_call("notify", "send", {
        "targets": "desk", "message": "hello", "key": "event-1"})
    assert again["queued"] == [receiver.posts[0]["key"]]
    outbox: Outbox = hub.data["notify_outbox"]
    assert (await outbox.async_counts())["sent"] + (await outbox.async_counts())["pending"] == 1
