"""Constants of the device registry and discovery flow."""

from __future__ import annotations

from typing import Final

DATA_DEVICE_MANAGER: Final = "device_manager"
REGISTRY_FILE: Final = "device_registry.json"
REGISTRY_LOCK_FILE: Final = "device_registry.lock"
REGISTRY_VERSION: Final = 1
PROFILES_DIR: Final = "device_profiles"

STATUS_PENDING: Final = "pending"
STATUS_CONFIRMED: Final = "confirmed"
STATUS_IGNORED: Final = "ignored"
STATUS_UNAVAILABLE: Final = "unavailable"
STATUSES: Final = (STATUS_PENDING, STATUS_CONFIRMED, STATUS_IGNORED, STATUS_UNAVAILABLE)

SOURCE_ZEROCONF: Final = "zeroconf"
SOURCE_MQTT: Final = "mqtt"
SOURCE_MODBUS: Final = "modbus"
SOURCE_CONFIG: Final = "config"
SOURCES: Final = (SOURCE_ZEROCONF, SOURCE_MQTT, SOURCE_MODBUS, SOURCE_CONFIG)

# Entity domains that move something physical: a device that has one of these
# never gets entities before an installer confirms it.
ACTUATOR_DOMAINS: Final = frozenset({"turnstile", "relay", "lock"})

EVENT_DEVICE_DISCOVERED: Final = "device_discovered"
EVENT_DEVICE_CONFIRMED: Final = "device_confirmed"

# How often a running hub looks for confirmations made by `menjin devices confirm`.
INBOX_POLL_SECONDS: Final = 0.5
SAVE_DELAY_SECONDS: Final = 0.5
