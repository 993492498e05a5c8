"""Apprise channel: one integration for e-mail, WeCom, DingTalk, Feishu/Lark, Telegram,
ntfy, Gotify, Bark, Matrix and about a hundred more, each written as a URL.

```yaml
notify:
  targets:
    family_group:
      platform: apprise
      url: !secret family_dingtalk_url     # dingtalk://token/…
```

A recipient may also list an apprise URL directly as a target (a guardian's
`tgram://bot/chat`); those rows go to the built-in `apprise` target. URLs hold
tokens, so they are never logged: only their scheme and host are.

Apprise is synchronous (requests, smtplib) and answers only "worked or not",
so every failure is treated as retryable, on this channel's own threads.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import voluptuous as vol

import hub.config.validation as cv
from hub.notify.model import DeliveryError, OutboxMessage
from hub.notify.redact import describe_address
from integrations.notify.const import CONF_URL
from integrations.notify.entity import NotifyTarget

APPRISE_THREADS = 4


def _apprise_url(value: Any) -> str:
    text = cv.string(value).strip()
    if "://" not in text:
        raise vol.Invalid("must be an apprise URL such as mailto://… or tgram://…")
    return text


PLATFORM_SCHEMA = vol.Schema({
    vol.Required("platform"): "apprise",
    vol.Required(CONF_URL): vol.All(cv.ensure_list, [_apprise_url]),
})


def _notify_blocking(urls: list[str], title: str, body: str) -> None:
    import apprise

    client = apprise.Apprise()
    for url in urls:
        if not client.add(url):
            raise DeliveryError(f"apprise does not understand {describe_address('', url)}",
                                retryable=False)
    if not client.notify(body=body, title=title):
        schemes = ", ".join(sorted({describe_address("", url) for url in urls}))
        raise DeliveryError(f"apprise could not deliver to {schemes}")


class AppriseTarget(NotifyTarget):
    """Send through apprise to fixed URLs, or to the URL the message names."""

    platform_name = "apprise"

    def __init__(self, name: str, urls: list[str], executor: ThreadPoolExecutor) -> None:
        super().__init__(name)
        self._urls = urls
        self._executor = executor

    async def async_deliver(self, message: OutboxMessage) -> None:
        urls = [message.address] if message.address else self._urls
        if not urls:
            raise DeliveryError("no apprise URL for this message", retryable=False)
        await asyncio.get_running_loop().run_in_executor(
            self._executor, _notify_blocking, urls, message.title or "", message.message)


def new_executor() -> ThreadPoolExecutor:
    """Threads shared by every apprise target."""
    return ThreadPoolExecutor(APPRISE_THREADS, thread_name_prefix="apprise")


def build(name: str, config: dict[str, Any], executor: ThreadPoolExecutor) -> AppriseTarget:
    """The target for one `platform: apprise` entry."""
    return AppriseTarget(name, list(config[CONF_URL]), executor)
