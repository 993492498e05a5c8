"""Notifications that always arrive, one-key open for residents, visitor-pass delivery.

```yaml
notify:
  language: zh-CN                 # recipients without their own language
  quiet_hours: "22:00-07:00"      # optional; urgent messages (one-key open) ignore it
  public_url: https://gate.example.edu   # base of links in messages (default: http's URL)
  retry: {attempts: 8, base_delay: 2, max_delay: 3600}
  targets:                        # channels: apprise | webhook | mqtt | smtp
    desk_hook: {platform: webhook, url: http://127.0.0.1:9000/hook, secret: !secret hook}
  recipients:                     # desks and overrides (see hub/notify/recipients.py)
    guard_desk: {targets: [desk_hook], language: en}
  gate_names: {gate_3: {en: Gate 3, zh-CN: 3号门}}
  messages: {student_entered: {en: "{{ person_name }} arrived at {{ time }}"}}
  one_key: {secret: !secret one_key_secret, valid_for: {minutes: 2}}
```

Every message is committed to the outbox before any channel sees it; the
worker delivers with backoff and jitter across restarts and dead-letters what
cannot be delivered (`notification_failed`, the log, `menjin outbox`).
"""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import timedelta
from typing import Any

import aiohttp
import voluptuous as vol

import hub.config.validation as cv
from hub.const import EVENT_HUB_STOP
from hub.core import Hub
from hub.entities.component import async_add_entities
from hub.events import Event
from hub.notify.backoff import RetryPolicy
from hub.notify.compose import ComposeSettings
from hub.notify.const import APPRISE_TARGET, DATA_OUTBOX, DEFAULT_LANGUAGE
from hub.notify.recipients import QuietHours, RecipientSettings
from hub.notify.worker import OutboxWorker
from hub.people.const import DATA_STORE
from integrations.notify import apprise as apprise_platform
from integrations.notify import mqtt as mqtt_platform
from integrations.notify import one_key, services
from integrations.notify import smtp as smtp_platform
from integrations.notify import webhook as webhook_platform
from integrations.notify.const import (
    CONF_GATE_NAMES,
    CONF_KEEP_SENT,
    CONF_LANGUAGE,
    CONF_MESSAGES,
    CONF_ONE_KEY,
    CONF_PUBLIC_URL,
    CONF_QUIET_HOURS,
    CONF_RECIPIENTS,
    CONF_RETRY,
    CONF_SECRET,
    CONF_TARGETS,
    CONF_VALID_FOR,
    DATA_MANAGER,
    DEFAULT_ONE_KEY_SECONDS,
    DOMAIN,
)
from integrations.notify.entity import NotifyTarget
from integrations.notify.manager import NotifyManager

_LOGGER = logging.getLogger(__name__)

PLATFORM_SCHEMAS = {
    "apprise": apprise_platform.PLATFORM_SCHEMA,
    "webhook": webhook_platform.PLATFORM_SCHEMA,
    "mqtt": mqtt_platform.PLATFORM_SCHEMA,
    "smtp": smtp_platform.PLATFORM_SCHEMA,
}
PRUNE_INTERVAL_SECONDS = 3600.0


def _target(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise vol.Invalid("a target is a mapping with a platform")
    platform = value.get("platform")
    if platform not in PLATFORM_SCHEMAS:
        raise vol.Invalid(f"unknown platform {platform!r}; use one of "
                          f"{', '.join(sorted(PLATFORM_SCHEMAS))}", path=["platform"])
    return dict(PLATFORM_SCHEMAS[platform](value))


def _quiet_hours(value: Any) -> QuietHours:
    try:
        return QuietHours.parse(cv.string(value))
    except ValueError as err:
        raise vol.Invalid(str(err)) from err


RECIPIENT_SCHEMA = vol.Schema({
    vol.Optional("name"): cv.string,
    vol.Optional("targets", default=[]): vol.All(cv.ensure_list, [cv.string]),
    vol.Optional(CONF_LANGUAGE): cv.string,
    vol.Optional(CONF_QUIET_HOURS): vol.Any(vol.In(["off"]), cv.string),
})

CONFIG_SCHEMA = vol.Schema({
    vol.Optional(CONF_LANGUAGE, default=DEFAULT_LANGUAGE): cv.string,
    vol.Optional(CONF_QUIET_HOURS): _quiet_hours,
    vol.Optional(CONF_PUBLIC_URL): vol.All(cv.string, vol.Match(
        r"^https?://", msg="must start with http:// or https://")),
    vol.Optional(CONF_RETRY, default={}): vol.Schema({
        vol.Optional("attempts", default=8): vol.All(vol.Coerce(int), vol.Range(1, 100)),
        vol.Optional("base_delay", default=2.0): vol.All(vol.Coerce(float),
                                                          vol.Range(min=0.01)),
        vol.Optional("max_delay", default=3600.0): vol.All(vol.Coerce(float),
                                                            vol.Range(min=0.01)),
    }),
    vol.Optional(CONF_KEEP_SENT, default={"days": 7}): cv.positive_duration,
    vol.Optional(CONF_TARGETS, default={}): {cv.slug: _target},
    vol.Optional(CONF_RECIPIENTS, default={}): {cv.string: RECIPIENT_SCHEMA},
    vol.Optional(CONF_MESSAGES, default={}): {cv.slug: {cv.string: cv.string}},
    vol.Optional(CONF_GATE_NAMES, default={}): {cv.slug: {cv.string: cv.string}},
    vol.Optional(CONF_ONE_KEY, default={}): vol.Schema({
        vol.Optional(CONF_SECRET): vol.All(cv.string, vol.Length(
            min=16, msg="use a secret of at least 16 characters (from secrets.yaml)")),
        vol.Optional(CONF_VALID_FOR, default=timedelta(seconds=DEFAULT_ONE_KEY_SECONDS)):
            cv.positive_duration,
    }),
})


def _build_targets(hub: Hub, config: dict[str, Any], session: aiohttp.ClientSession
                   ) -> dict[str, NotifyTarget]:
    executor = apprise_platform.new_executor()
    targets: dict[str, NotifyTarget] = {}
    for name, entry in config[CONF_TARGETS].items():
        platform = entry["platform"]
        if platform == "webhook":
            targets[name] = webhook_platform.build(name, entry, session)
        elif platform == "smtp":
            targets[name] = smtp_platform.build(name, entry)
        elif platform == "mqtt":
            targets[name] = mqtt_platform.build(hub, name, entry)
        else:
            targets[name] = apprise_platform.build(name, entry, executor)
    # Apprise URLs written straight into a recipient's targets go here.
    targets.setdefault(APPRISE_TARGET, apprise_platform.build(
        APPRISE_TARGET, {"url": []}, executor))
    return targets


async def async_setup(hub: Hub, config: dict[str, Any]) -> bool:
    """Build the channels, start the outbox worker, register services and views."""
    store = hub.data.get(DATA_STORE)
    if store is None:
        _LOGGER.error("notify needs the people store (the outbox lives in the site database)")
        return False
    session = aiohttp.ClientSession()
    targets = _build_targets(hub, config, session)
    recipients = {key: {k: v for k, v in entry.items() if v not in (None, [])}
                  for key, entry in config[CONF_RECIPIENTS].items()}
    settings = ComposeSettings(
        recipients=RecipientSettings(
            language=config[CONF_LANGUAGE], quiet_hours=config.get(CONF_QUIET_HOURS),
            time_zone=hub.config.time_zone, recipients=recipients),
        messages=config[CONF_MESSAGES], gate_names=config[CONF_GATE_NAMES])
    manager = NotifyManager(hub, store, settings, targets, config.get(CONF_PUBLIC_URL))
    retry = config[CONF_RETRY]
    manager.worker = OutboxWorker(hub, manager.outbox, manager.async_deliver, RetryPolicy(
        retry["attempts"], retry["base_delay"], retry["max_delay"]))
    hub.data[DATA_MANAGER] = manager
    hub.data[DATA_OUTBOX] = manager.outbox
    manager.outbox.on_requeued = manager.worker.wake
    for target in targets.values():
        target.manager = manager
    await async_add_entities(hub, "notify", targets.values(), DOMAIN)
    services.register(hub, manager)
    await one_key.async_setup(hub, manager, config[CONF_ONE_KEY])
    manager.worker.start()
    keep_sent: timedelta = config[CONF_KEEP_SENT]

    async def prune_loop() -> None:
        while True:
            try:
                removed = await manager.outbox.async_prune(
                    time.time() - keep_sent.total_seconds())
                if removed:
                    _LOGGER.info("Removed %d delivered notifications older than %s",
                                 removed, keep_sent)
            except Exception:
                _LOGGER.exception("Pruning the notification outbox failed")
            await asyncio.sleep(PRUNE_INTERVAL_SECONDS)

    async def stop(_event: Event) -> None:
        await manager.async_close()
        await session.close()

    hub.async_create_background_task(prune_loop(), "notify outbox prune")
    hub.bus.async_listen_once(EVENT_HUB_STOP, stop)
    return True
