"""Each channel against a real server: aiosmtpd, apprise's own code, Mosquitto."""

from __future__ import annotations

import asyncio
import json
import secrets
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import paho.mqtt.client as paho
import pytest
from aiohttp import web
from paho.mqtt.enums import CallbackAPIVersion

from hub.notify.const import OutboxStatus
from hub.notify.outbox import Outbox
from tests.notify.conftest import StartSite
from tests.notify.helpers import wait_until
from tests.notify.mail import MailHandler, free_port, self_signed, start_smtp

FAST = "retry: {attempts: 3, base_delay: 0.05, max_delay: 0.2}\n"


@pytest.fixture
def mail() -> Iterator[tuple[MailHandler, int]]:
    handler = MailHandler(refuse={"nobody@home.test"}, defer={"busy@home.test"})
    controller = start_smtp(handler)
    yield handler, int(controller.port)
    controller.stop()


async def _statuses(outbox: Outbox) -> dict[str, OutboxStatus]:
    return {m.recipient + "|" + (m.address or ""): m.status for m in await outbox.async_list()}


async def test_smtp_delivers_refuses_and_retries(
        start_site: StartSite, mail: tuple[MailHandler, int]) -> None:
    handler, port = mail
    hub = await start_site(FAST + f"""
targets:
  school_mail:
    platform: smtp
    host: 127.0.0.1
    port: {port}
    encryption: none
    sender: gate@school.test
""")
    await hub.services.async_call("notify", "send", {
        "targets": ["school_mail:mum@home.test", "school_mail:nobody@home.test",
                    "school_mail:busy@home.test"],
        "message": "琳娜 07:42 从 3号门 进校", "title": "门禁通知"})
    outbox: Outbox = hub.data["notify_outbox"]

    async def settled() -> bool:
        return OutboxStatus.pending not in (await _statuses(outbox)).values()

    await wait_until(settled, "all three settled")
    by_address = {m.address: m for m in await outbox.async_list()}
    assert by_address["mum@home.test"].status is OutboxStatus.sent
    refused = by_address["nobody@home.test"]
    assert refused.status is OutboxStatus.dead and refused.attempts == 1  # 550: permanent
    deferred = by_address["busy@home.test"]
    assert deferred.status is OutboxStatus.dead and deferred.attempts == 3  # 451: retried
    [received] = handler.received
    assert received["Subject"] == "门禁通知"
    assert received["Message-ID"] == f"<{by_address['mum@home.test'].id}@menjin>"
    assert "琳娜 07:42 从 3号门 进校" in received.get_body().get_content()  # type: ignore[union-attr]


async def test_smtp_starttls_with_credentials(start_site: StartSite, tmp_path: Path) -> None:
    handler = MailHandler()
    cert, key = self_signed(tmp_path)
    controller = start_smtp(handler, (cert, key))
    try:
        hub = await start_site(FAST + f"""
targets:
  school_mail:
    platform: smtp
    host: 127.0.0.1
    port: {controller.port}
    encryption: starttls
    ca_certs: {cert}
    sender: gate@school.test
    recipients: [office@school.test]
""")
        await hub.services.async_call("notify", "send", {
            "targets": "school_mail", "message": "over TLS"})
        await wait_until(lambda: handler.received, "mail over STARTTLS")
        assert handler.envelopes[0].rcpt_tos == ["office@school.test"]
    finally:
        controller.stop()


@pytest.fixture
async def plain_receiver() -> AsyncIterator[tuple[str, list[Any]]]:
    """A loopback endpoint for apprise's json:// and form:// targets."""
    got: list[Any] = []

    async def handle(request: web.Request) -> web.Response:
        if request.content_type == "application/json":
            got.append(("json", await request.json()))
        else:
            got.append(("form", dict(await request.post())))
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_post("/{tail:.*}", handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    yield f"127.0.0.1:{port}", got
    await runner.cleanup()


async def test_apprise_json_form_and_mailto(
        start_site: StartSite, plain_receiver: tuple[str, list[Any]],
        mail: tuple[MailHandler, int]) -> None:
    host, got = plain_receiver
    handler, port = mail
    hub = await start_site(FAST + f"""
targets:
  family_json: {{platform: apprise, url: "json://{host}/family"}}
  family_form: {{platform: apprise, url: "form://{host}/family"}}
recipients:
  grandma:
    targets: ["mailto://127.0.0.1:{port}?from=gate@school.test&to=grandma@home.test&mode=insecure"]
""")
    await hub.services.async_call("notify", "send", {
        "targets": ["family_json", "family_form", "grandma"],
        "message": "Lina entered school, Gate 3, 07:42", "title": "Gate"})
    await wait_until(lambda: len(got) == 2 and handler.received, "apprise deliveries")
    kinds = {kind: body for kind, body in got}
    assert kinds["json"]["message"] == "Lina entered school, Gate 3, 07:42"
    assert kinds["form"]["message"] == "Lina entered school, Gate 3, 07:42"
    assert handler.envelopes[0].rcpt_tos == ["grandma@home.test"]


async def test_apprise_unreachable_is_retried_then_dead(start_site: StartSite) -> None:
    hub = await start_site(FAST + f"""
targets:
  family_json: {{platform: apprise, url: "json://127.0.0.1:{free_port()}/x"}}
""")
    await hub.services.async_call("notify", "send", {"targets": "family_json", "message": "x"})
    outbox: Outbox = hub.data["notify_outbox"]

    async def dead() -> bool:
        return bool(await outbox.async_list(OutboxStatus.dead))

    await wait_until(dead, "dead-lettered", 20)
    [message] = await outbox.async_list(OutboxStatus.dead)
    assert message.attempts == 3 and "json://127.0.0.1" in (message.last_error or "")


class _Subscriber:
    """A paho client that records what arrives under a topic filter."""

    def __init__(self, topic: str) -> None:
        self.messages: list[paho.MQTTMessage] = []
        self.ready = asyncio.Event()
        loop = asyncio.get_running_loop()
        self.client = paho.Client(CallbackAPIVersion.VERSION2)
        self.client.on_message = lambda _c, _u, msg: self.messages.append(msg)
        self.client.on_subscribe = lambda *_a: loop.call_soon_threadsafe(self.ready.set)
        self.client.on_connect = lambda c, *_a: c.subscribe(topic, 1)
        self.client.connect("127.0.0.1", 1883)
        self.client.loop_start()

    def stop(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


@pytest.mark.parametrize("shared", [False, True], ids=["own-client", "mqtt-integration"])
async def test_mqtt_topic_per_recipient_not_retained(start_site: StartSite,
                                                     shared: bool) -> None:
    prefix = f"test/{secrets.token_hex(4)}/notify"
    subscriber = _Subscriber(f"{prefix}/#")
    try:
        await asyncio.wait_for(subscriber.ready.wait(), 5)
        extra = "mqtt:\n  broker: 127.0.0.1\n  discovery: false\n" if shared else ""
        hub = await start_site(FAST + f"""
targets:
  app: {{platform: mqtt, topic_prefix: {prefix}}}
recipients:
  flat_1201: {{targets: ["app:flat_1201"]}}
  flat_0302: {{targets: ["app:flat_0302"]}}
""", extra=extra)
        result = await hub.services.async_call("notify", "send", {
            "targets": ["flat_1201", "flat_0302"], "message": "Parcel at the desk"})
        await wait_until(lambda: len(subscriber.messages) == 2, "two MQTT messages")
        topics = {m.topic: m for m in subscriber.messages}
        assert set(topics) == {f"{prefix}/flat_1201", f"{prefix}/flat_0302"}
        for message in topics.values():
            assert not message.retain
            assert json.loads(message.payload)["key"] in result["queued"]
        if shared:
            assert hub.data["mqtt"].client.connected
    finally:
        subscriber.stop()
