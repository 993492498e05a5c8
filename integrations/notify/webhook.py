"""Webhook channel: an HTTP POST of the message as JSON, signed with HMAC-SHA256.

The receiver checks `X-Menjin-Signature: sha256=<hex of HMAC(secret, raw body)>`
and drops repeats by `Idempotency-Key` (also `key` in the body): a message is
sent again after a crash or a lost answer, never lost.

```yaml
notify:
  targets:
    desk_hook:
      platform: webhook
      url: http://127.0.0.1:9000/menjin
      secret: !secret desk_hook_secret
```
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

import aiohttp
import voluptuous as vol

import hub.config.validation as cv
from hub.notify.model import DeliveryError, OutboxMessage
from integrations.notify.const import (
    CONF_SECRET,
    CONF_TIMEOUT,
    CONF_URL,
    HEADER_IDEMPOTENCY_KEY,
    HEADER_SIGNATURE,
)
from integrations.notify.entity import NotifyTarget


def _http_url(value: Any) -> str:
    text = cv.string(value)
    if not text.startswith(("http://", "https://")):
        raise vol.Invalid("must be an http:// or https:// URL")
    return text


PLATFORM_SCHEMA = vol.Schema({
    vol.Required("platform"): "webhook",
    vol.Required(CONF_URL): _http_url,
    vol.Required(CONF_SECRET): vol.All(cv.string, vol.Length(
        min=16, msg="use a secret of at least 16 characters (from secrets.yaml)")),
    vol.Optional(CONF_TIMEOUT, default=10): vol.All(vol.Coerce(float), vol.Range(min=0.5)),
    vol.Optional("headers", default={}): {cv.string: cv.string},
})

# Answers after which sending the same request again may work.
_RETRYABLE = {408, 425, 429}


def signature(secret: str, body: bytes) -> str:
    """The value of the signature header for a body."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class WebhookTarget(NotifyTarget):
    """POST each message to one URL."""

    platform_name = "webhook"
    accepts_address = False

    def __init__(self, name: str, config: dict[str, Any],
                 session: aiohttp.ClientSession) -> None:
        super().__init__(name)
        self._url = config[CONF_URL]
        self._secret = config[CONF_SECRET]
        self._timeout = aiohttp.ClientTimeout(total=config[CONF_TIMEOUT])
        self._headers = dict(config["headers"])
        self._session = session

    async def async_deliver(self, message: OutboxMessage) -> None:
        body = json.dumps(message.payload(), ensure_ascii=False, separators=(",", ":")).encode()
        headers = {**self._headers, "Content-Type": "application/json",
                   HEADER_SIGNATURE: signature(self._secret, body),
                   HEADER_IDEMPOTENCY_KEY: message.id}
        try:
            async with self._session.post(self._url, data=body, headers=headers,
                                          timeout=self._timeout) as response:
                status = response.status
                await response.read()
        except TimeoutError as err:
            raise DeliveryError(f"webhook {self.target_name} did not answer in time") from err
        except aiohttp.ClientError as err:
            raise DeliveryError(f"webhook {self.target_name} unreachable: {err}") from err
        if 200 <= status < 300:
            return
        retryable = status >= 500 or status in _RETRYABLE
        raise DeliveryError(f"webhook {self.target_name} answered HTTP {status}", retryable)


def build(name: str, config: dict[str, Any], session: aiohttp.ClientSession) -> WebhookTarget:
    """The target for one `platform: webhook` entry."""
    return WebhookTarget(name, config, session)
