"""Constants shared by the core and integrations: event types, attribute and config keys."""

from __future__ import annotations

from typing import Final

MATCH_ALL: Final = "*"

# Core events.
EVENT_HUB_START: Final = "hub_start"
EVENT_HUB_STARTED: Final = "hub_started"
EVENT_HUB_STOP: Final = "hub_stop"
EVENT_STATE_CHANGED: Final = "state_changed"
EVENT_SERVICE_REGISTERED: Final = "service_registered"
EVENT_CALL_SERVICE: Final = "call_service"

# Service call and state attribute keys.
ATTR_ENTITY_ID: Final = "entity_id"
ATTR_FRIENDLY_NAME: Final = "friendly_name"
ATTR_DEVICE_CLASS: Final = "device_class"
ATTR_UNIT_OF_MEASUREMENT: Final = "unit_of_measurement"
ATTR_DIRECTION: Final = "direction"
ATTR_DURATION: Final = "duration"
ATTR_MODE: Final = "mode"

ENTITY_MATCH_ALL: Final = "all"

# Entity states that every domain shares.
STATE_UNAVAILABLE: Final = "unavailable"
STATE_UNKNOWN: Final = "unknown"
STATE_ON: Final = "on"
STATE_OFF: Final = "off"

# Config keys used by the core.
CONF_NAME: Final = "name"
CONF_TIME_ZONE: Final = "time_zone"
CONF_SITE: Final = "site"
CONF_LOGGER: Final = "logger"
CONF_CORE: Final = "menjin"

CONFIG_FILE: Final = "configuration.yaml"
SECRETS_FILE: Final = "secrets.yaml"
CUSTOM_INTEGRATIONS_DIR: Final = "custom_integrations"
STORAGE_DIR: Final = ".storage"

# Gate events: the spine of the data flow (see DESIGN.md).
EVENT_FACE_RECOGNIZED: Final = "face_recognized"
EVENT_FACE_UNKNOWN: Final = "face_unknown"
EVENT_CREDENTIAL_PRESENTED: Final = "credential_presented"
EVENT_ID_CARD_READ: Final = "id_card_read"
EVENT_GATE_PASSAGE: Final = "gate_passage"
EVENT_ACCESS_DECISION: Final = "access_decision"
EVENT_AUTOMATION_TRIGGERED: Final = "automation_triggered"
# A presented card/QR/PIN resolved to a person (or not) by the access integration.
EVENT_CREDENTIAL_RECOGNIZED: Final = "credential_recognized"
EVENT_CREDENTIAL_UNKNOWN: Final = "credential_unknown"
