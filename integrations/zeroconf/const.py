"""Constants of the zeroconf integration."""

from __future__ import annotations

from typing import Final

DOMAIN: Final = "zeroconf"
DATA_ZEROCONF: Final = "zeroconf"
EVENT_DISCOVERY_ZEROCONF: Final = "discovery_zeroconf"
HUB_SERVICE_TYPE: Final = "_menjin._tcp.local."

CONF_INTERFACES: Final = "interfaces"
CONF_ANNOUNCE: Final = "announce"
CONF_ANNOUNCE_PORT: Final = "announce_port"
CONF_EXTRA_TYPES: Final = "service_types"

RESOLVE_TIMEOUT_MS: Final = 3000
MAX_PROPERTY_LENGTH: Final = 255
