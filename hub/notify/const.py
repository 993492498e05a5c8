"""Constants of notifications: statuses, events, defaults."""

from __future__ import annotations

import enum
from typing import Final

DATA_OUTBOX: Final = "notify_outbox"

EVENT_NOTIFICATION_FAILED: Final = "notification_failed"
EVENT_NOTIFICATION_SENT: Final = "notification_sent"

# Languages with shipped message texts; others fall back to DEFAULT_LANGUAGE.
LANGUAGES: Final = ("zh-CN", "en")
DEFAULT_LANGUAGE: Final = "zh-CN"

# Retry budget: 8 attempts spread over about 4 minutes (2 s doubling, capped).
DEFAULT_MAX_ATTEMPTS: Final = 8
DEFAULT_BASE_DELAY: Final = 2.0
DEFAULT_MAX_DELAY: Final = 3600.0

# A target given as a URL (`tgram://…`, `json://…`) goes to apprise.
APPRISE_TARGET: Final = "apprise"

# Person attributes that hold a resident's or staff member's preferences.
ATTR_NOTIFY_TARGETS: Final = "notify_targets"
ATTR_LANGUAGE: Final = "language"
ATTR_QUIET_HOURS: Final = "quiet_hours"


class OutboxStatus(enum.StrEnum):
    """Where a message is in its life."""

    pending = "pending"  # waiting for its first or next attempt
    sent = "sent"  # the channel accepted it
    dead = "dead"  # the retry budget is spent, or it can never be delivered
