"""E-mail channel: SMTP with STARTTLS or implicit TLS, credentials from secrets.yaml.

Why `smtplib` in a thread and not aiosmtplib: the standard library's client is
the most exercised SMTP client in Python (TLS, STARTTLS, AUTH, SMTPUTF8), adds
no dependency, and a notification is one short session; it runs on this
channel's own small thread pool so a slow mail server never occupies the hub's
shared executor or the event loop.

Each message carries `Message-ID: <key@menjin>`, so a resend after a crash is
recognisably the same mail. A 5xx answer (mailbox unknown, relaying denied,
authentication failed) is permanent and dead-letters at once; 4xx and
connection failures are retried.

```yaml
notify:
  targets:
    school_mail:
      platform: smtp
      host: smtp.example.edu
      port: 587
      encryption: starttls        # starttls | tls | none
      username: !secret smtp_user
      password: !secret smtp_password
      sender: gate@example.edu
      recipients: [office@example.edu]   # when a message names no address
```
"""

from __future__ import annotations

import asyncio
import smtplib
import ssl
from concurrent.futures import ThreadPoolExecutor
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate
from typing import Any

import voluptuous as vol

import hub.config.validation as cv
from hub.notify.model import DeliveryError, OutboxMessage
from integrations.notify.const import CONF_TIMEOUT
from integrations.notify.entity import NotifyTarget

ENCRYPTIONS = ("starttls", "tls", "none")
_DEFAULT_PORTS = {"starttls": 587, "tls": 465, "none": 25}
SMTP_THREADS = 2


def _email(value: Any) -> str:
    text = cv.string(value).strip()
    if "@" not in text or text.startswith("@") or text.endswith("@"):
        raise vol.Invalid(f"{text!r} is not an e-mail address")
    return text


PLATFORM_SCHEMA = vol.Schema({
    vol.Required("platform"): "smtp",
    vol.Required("host"): cv.string,
    vol.Optional("port"): cv.port,
    vol.Optional("encryption", default="starttls"): vol.In(ENCRYPTIONS),
    vol.Optional("username"): cv.string,
    vol.Optional("password"): cv.string,
    vol.Required("sender"): _email,
    vol.Optional("sender_name", default="menjin"): cv.string,
    vol.Optional("recipients", default=[]): vol.All(cv.ensure_list, [_email]),
    vol.Optional("verify_tls", default=True): cv.boolean,
    vol.Optional("ca_certs"): cv.string,
    vol.Optional(CONF_TIMEOUT, default=15): vol.All(vol.Coerce(float), vol.Range(min=1)),
})


def _permanent(code: int) -> bool:
    return 500 <= code < 600


class SmtpTarget(NotifyTarget):
    """Send each message as a plain-text, UTF-8 e-mail."""

    platform_name = "smtp"

    def __init__(self, name: str, config: dict[str, Any]) -> None:
        super().__init__(name)
        self._config = config
        self._port = config.get("port") or _DEFAULT_PORTS[config["encryption"]]
        self._executor = ThreadPoolExecutor(SMTP_THREADS, thread_name_prefix=f"smtp-{name}")

    def _tls_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(cafile=self._config.get("ca_certs"))
        if not self._config["verify_tls"]:
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        return context

    def _build(self, message: OutboxMessage, to: list[str]) -> EmailMessage:
        mail = EmailMessage()
        mail["From"] = Address(self._config["sender_name"], addr_spec=self._config["sender"])
        mail["To"] = ", ".join(to)
        mail["Subject"] = message.title or message.message.splitlines()[0][:78]
        mail["Date"] = formatdate(message.created_at, localtime=False)
        mail["Message-ID"] = f"<{message.id}@menjin>"
        mail["X-Menjin-Key"] = message.id
        mail.set_content(message.message)
        return mail

    def _send_blocking(self, mail: EmailMessage, to: list[str]) -> None:
        config = self._config
        timeout = config[CONF_TIMEOUT]
        client: smtplib.SMTP
        if config["encryption"] == "tls":
            client = smtplib.SMTP_SSL(config["host"], self._port, timeout=timeout,
                                      context=self._tls_context())
        else:
            client = smtplib.SMTP(config["host"], self._port, timeout=timeout)
        with client:
            client.ehlo()
            if config["encryption"] == "starttls":
                client.starttls(context=self._tls_context())
                client.ehlo()
            if config.get("username"):
                client.login(config["username"], config.get("password") or "")
            refused = client.send_message(mail, to_addrs=to)
        if refused:
            codes = [code for code, _text in refused.values()]
            raise DeliveryError(f"the mail server refused {len(refused)} of {len(to)} "
                                "recipient(s)", not all(_permanent(c) for c in codes))

    async def async_deliver(self, message: OutboxMessage) -> None:
        to = [message.address] if message.address else list(self._config["recipients"])
        if not to:
            raise DeliveryError(f"smtp target {self.target_name} has no recipient address "
                                "(give one as name:address or set recipients:)", False)
        mail = self._build(message, to)
        loop = asyncio.get_running_loop()
        try:
            await loop.run_in_executor(self._executor, self._send_blocking, mail, to)
        except DeliveryError:
            raise
        except smtplib.SMTPRecipientsRefused as err:
            codes = [code for code, _text in err.recipients.values()]
            raise DeliveryError(f"the mail server refused the recipient ({codes[0]})",
                                not all(_permanent(c) for c in codes)) from err
        except smtplib.SMTPResponseException as err:
            # Sender refused, data refused, authentication failed: the server's code decides.
            raise DeliveryError(f"the mail server answered {err.smtp_code}: "
                                f"{_text(err.smtp_error)}", not _permanent(err.smtp_code)) from err
        except (smtplib.SMTPException, OSError) as err:
            raise DeliveryError(f"cannot reach mail server {self._config['host']}:{self._port}:"
                                f" {err}") from err

    async def async_close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)


def _text(value: bytes | str) -> str:
    return value.decode(errors="replace") if isinstance(value, bytes) else str(value)


def build(name: str, config: dict[str, Any]) -> SmtpTarget:
    """The target for one `platform: smtp` entry."""
    return SmtpTarget(name, config)
