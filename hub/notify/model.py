"""What the outbox stores and what a channel raises when it cannot deliver."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from hub.exceptions import HubError
from hub.notify.const import OutboxStatus


def new_message_id() -> str:
    """A random idempotency key (128 bits), also the row's primary key."""
    return "n_" + secrets.token_hex(16)


class DeliveryError(HubError):
    """A channel could not deliver a message.

    `retryable` is False when trying again cannot help (a 4xx answer, a mailbox
    the server says does not exist): the message is dead-lettered at once.
    """

    def __init__(self, message: str, retryable: bool = True) -> None:
        super().__init__(message)
        self.retryable = retryable


@dataclass(frozen=True, slots=True)
class NewMessage:
    """A rendered message for one recipient on one target, about to be queued."""

    target: str
    recipient: str
    message: str
    address: str | None = None
    title: str | None = None
    data: Mapping[str, Any] = field(default_factory=dict)
    language: str | None = None
    recipient_person_id: str | None = None
    subject_person_id: str | None = None
    not_before: float | None = None
    context_id: str | None = None
    id: str = field(default_factory=new_message_id)


@dataclass(frozen=True, slots=True)
class OutboxMessage:
    """One stored message; `id` is the idempotency key every channel carries."""

    id: str
    target: str
    address: str | None
    recipient: str
    message: str
    title: str | None
    data: Mapping[str, Any]
    language: str | None
    status: OutboxStatus
    attempts: int
    next_attempt_at: float
    created_at: float
    sent_at: float | None = None
    last_error: str | None = None
    recipient_person_id: str | None = None
    subject_person_id: str | None = None
    context_id: str | None = None

    def payload(self) -> dict[str, Any]:
        """The JSON body webhooks and MQTT carry (the key lets receivers drop repeats)."""
        return {
            "key": self.id, "recipient": self.recipient, "title": self.title,
            "message": self.message, "language": self.language, "data": dict(self.data),
            "created_at": self.created_at,
        }
