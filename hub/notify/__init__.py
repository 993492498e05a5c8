"""Notifications that always arrive: the durable outbox, recipients and message texts.

This is the core half of notify. Everything here works without a running hub
(the CLI lists the outbox and queues visitor passes with it); the `notify`
integration adds the channels (apprise, webhook, MQTT, SMTP), the services and
the one-key-open view, and runs the `OutboxWorker`.

Why the outbox is in the core: it lives in the site database next to the
access log (one migration, one back-up, erasure and export see it), and the
CLI and benchmarks must read and fill it without importing an integration.
"""

from hub.notify.model import DeliveryError, NewMessage, OutboxMessage
from hub.notify.outbox import Outbox

__all__ = ["DeliveryError", "NewMessage", "Outbox", "OutboxMessage"]
