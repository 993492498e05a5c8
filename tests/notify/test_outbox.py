"""Bad input never loses a message: retried, then dead-lettered and announced."""

from __future__ import annotations

import socket
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from hub.events import Event
from hub.exceptions import ServiceValidationError
from hub.notify.const import OutboxStatus
from hub.notify.outbox import Outbox
from tests.notify.conftest import StartSite
from tests.notify.helpers import Receiver, wait_until

FAST_RETRY = """
retry: {{attempts: 3, base_delay: 0.05, max_delay: 0.2}}
targets:
  desk:
    platform: webhook
    url: {url}
    secret: !secret hook_secret
    timeout: 2
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def _dead(outbox: Outbox) -> list[str]:
    return [m.id for m in await outbox.async_list(OutboxStatus.dead)]


async def test_unreachable_endpoint_is_retried_then_dead_lettered(start_site: StartSite) -> None:
    url = f"http://127.0.0.1:{_free_port()}/hook"  # nothing listens there
    hub = await start_site(FAST_RETRY.format(url=url))
    failed: list[Event] = []
    hub.bus.async_listen("notification_failed", _append(failed))
    result = await hub.services.async_call("notify", "send", {
        "targets": "desk", "message": "gate 3 jammed"})
    outbox: Outbox = hub.data["notify_outbox"]
    await wait_until(lambda: _dead(outbox), "dead-lettered")
    [message] = await outbox.async_list(OutboxStatus.dead)
    assert message.id == result["queued"][0] and message.attempts == 3
    assert "unreachable" in (message.last_error or "")
    assert failed and failed[0].data["id"] == message.id and failed[0].data["attempts"] == 3
    # A dead letter is kept and can be sent again once the cause is fixed.
    assert await outbox.async_requeue(message.id) == 1


def _append(bucket: list[Event]):  # type: ignore[no-untyped-def]
    from hub.callback import callback

    @callback
    def listener(event: Event) -> None:
        bucket.append(event)

    return listener


async def test_server_errors_are_retried_until_accepted(
        start_site: StartSite, receiver: Receiver) -> None:
    receiver.statuses = [503, 500]
    hub = await start_site(FAST_RETRY.format(url=receiver.url))
    await hub.services.async_call("notify", "send", {"targets": "desk", "message": "retry me"})
    [post] = await receiver.wait_for(1)
    outbox: Outbox = hub.data["notify_outbox"]
    await wait_until(lambda: _sent_after(outbox, post["key"], 3), "sent on the third try")


async def _sent_after(outbox: Outbox, key: str, attempts: int) -> bool:
    message = await outbox.async_get(key)
    return message is not None and message.status is OutboxStatus.sent \
        and message.attempts == attempts


async def test_client_error_is_dead_at_once(start_site: StartSite, receiver: Receiver) -> None:
    receiver.statuses = [404]
    hub = await start_site(FAST_RETRY.format(url=receiver.url))
    await hub.services.async_call("notify", "send", {"targets": "desk", "message": "x"})
    outbox: Outbox = hub.data["notify_outbox"]
    await wait_until(lambda: _dead(outbox), "dead-lettered")
    [message] = await outbox.async_list(OutboxStatus.dead)
    assert message.attempts == 1 and "HTTP 404" in (message.last_error or "")


async def test_template_error_and_unknown_recipient_are_dead_letters(
        start_site: StartSite, receiver: Receiver) -> None:
    hub = await start_site(FAST_RETRY.format(url=receiver.url))
    failed: list[Event] = []
    hub.bus.async_listen("notification_failed", _append(failed))
    with pytest.raises(ServiceValidationError, match="person_name"):
        await hub.services.async_call("notify", "send", {
            "targets": "desk", "message_key": "student_entered", "data": {"gate": "g"}})
    with pytest.raises(ServiceValidationError, match="unknown person 'nobody'"):
        await hub.services.async_call("notify", "send", {
            "person": "nobody", "message": "hello"})
    with pytest.raises(ServiceValidationError, match="no notify target named 'fax'"):
        await hub.services.async_call("notify", "send", {"targets": "fax", "message": "x"})
    with pytest.raises(ServiceValidationError, match="no message named 'nope'"):
        await hub.services.async_call("notify", "send", {
            "targets": "desk", "message_key": "nope"})
    outbox: Outbox = hub.data["notify_outbox"]
    assert len(await outbox.async_list(OutboxStatus.dead)) == 4
    assert len(failed) == 4
    assert receiver.posts == []


async def test_quiet_hours_hold_a_message_and_urgent_ones_pass(
        start_site: StartSite, receiver: Receiver) -> None:
    now = datetime.now(ZoneInfo("Asia/Shanghai"))
    window = f"{now - timedelta(hours=1):%H:%M}-{now + timedelta(hours=1):%H:%M}"
    hub = await start_site(FAST_RETRY.format(url=receiver.url) + f"""
recipients:
  sleepy: {{targets: [desk], quiet_hours: "{window}"}}
""")
    held = await hub.services.async_call("notify", "send", {
        "targets": "sleepy", "message": "not now"})
    await hub.services.async_call("notify", "send", {
        "targets": "sleepy", "message": "visitor waiting", "urgent": True})
    [post] = await receiver.wait_for(1)
    assert post["message"] == "visitor waiting"
    outbox: Outbox = hub.data["notify_outbox"]
    message = await outbox.async_get(held["queued"][0])
    assert message is not None and message.status is OutboxStatus.pending
    assert message.next_attempt_at > message.created_at + 60
