"""Keys of the notify integration's configuration, services and data."""

from __future__ import annotations

from typing import Final

DOMAIN: Final = "notify"
DATA_MANAGER: Final = "notify_manager"

CONF_TARGETS: Final = "targets"
CONF_RECIPIENTS: Final = "recipients"
CONF_MESSAGES: Final = "messages"
CONF_GATE_NAMES: Final = "gate_names"
CONF_LANGUAGE: Final = "language"
CONF_QUIET_HOURS: Final = "quiet_hours"
CONF_PUBLIC_URL: Final = "public_url"
CONF_RETRY: Final = "retry"
CONF_KEEP_SENT: Final = "keep_sent"
CONF_ONE_KEY: Final = "one_key"
CONF_PLATFORM: Final = "platform"
CONF_SECRET: Final = "secret"
CONF_VALID_FOR: Final = "valid_for"
CONF_URL: Final = "url"
CONF_TIMEOUT: Final = "timeout"

SERVICE_SEND: Final = "send"
SERVICE_ONE_KEY_OPEN: Final = "one_key_open"

# Headers of the webhook channel.
HEADER_SIGNATURE: Final = "X-Menjin-Signature"
HEADER_IDEMPOTENCY_KEY: Final = "Idempotency-Key"

# One-key open.
ONE_KEY_URL: Final = "/api/one_key/{token}"
ONE_KEY_RULE: Final = "one_key_open"
ONE_KEY_KIND: Final = "one_key"
ONE_KEY_KEY_PURPOSE: Final = "one-key-hmac"
DEFAULT_ONE_KEY_SECONDS: Final = 120

# Snapshot links (only with the snapshot consent of the person shown).
SNAPSHOT_URL: Final = "/api/notify/snapshot/{token}"
SNAPSHOT_KIND: Final = "snapshot"
SNAPSHOT_LINK_SECONDS: Final = 600
