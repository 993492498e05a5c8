"""Keys and events of the access integration."""

from __future__ import annotations

from typing import Final

from hub.const import EVENT_CREDENTIAL_RECOGNIZED, EVENT_CREDENTIAL_UNKNOWN

__all__ = ["EVENT_CREDENTIAL_RECOGNIZED", "EVENT_CREDENTIAL_UNKNOWN"]

DOMAIN: Final = "access"
DATA_GATES: Final = "access_gates"

EVENT_ACTUATOR_FAILED: Final = "access_actuator_failed"

CONF_ZONES: Final = "zones"
CONF_GATES: Final = "gates"
CONF_ZONE: Final = "zone"
CONF_TURNSTILE: Final = "turnstile"
CONF_RELAY: Final = "relay"
CONF_PULSE: Final = "pulse"
CONF_PASSAGE_TIMEOUT: Final = "passage_timeout"
CONF_ANTI_PASSBACK: Final = "anti_passback"
CONF_PASSBACK_SECONDS: Final = "passback_seconds"
