"""Constants of the MQTT integration."""

from __future__ import annotations

from typing import Final

DOMAIN: Final = "mqtt"
DATA_MQTT: Final = "mqtt"

CONF_BROKER: Final = "broker"
CONF_PORT: Final = "port"
CONF_USERNAME: Final = "username"
CONF_PASSWORD: Final = "password"
CONF_CLIENT_ID: Final = "client_id"
CONF_KEEPALIVE: Final = "keepalive"
CONF_TLS: Final = "tls"
CONF_DISCOVERY: Final = "discovery"
CONF_DISCOVERY_PREFIX: Final = "discovery_prefix"
CONF_AUTO_ADOPT: Final = "auto_adopt"
CONF_BIRTH: Final = "birth_message"
CONF_WILL: Final = "will_message"
CONF_DEVICES: Final = "devices"
CONF_BASE_TOPIC: Final = "base_topic"
CONF_PROFILE: Final = "profile"
CONF_RECONNECT_MAX: Final = "reconnect_max_delay"

DEFAULT_PORT: Final = 1883
DEFAULT_TLS_PORT: Final = 8883
DEFAULT_PREFIX: Final = "homeassistant"
DEFAULT_STATUS_TOPIC: Final = "menjin/status"
ONLINE: Final = "online"
OFFLINE: Final = "offline"

EVENT_MQTT_CONNECTED: Final = "mqtt_connected"
EVENT_MQTT_DISCONNECTED: Final = "mqtt_disconnected"

# Discovery payloads larger than this are refused before JSON parsing.
MAX_DISCOVERY_PAYLOAD: Final = 64 * 1024
MAX_COMPONENTS_PER_DEVICE: Final = 64
MAX_TOPIC_LENGTH: Final = 256
MAX_TEMPLATE_LENGTH: Final = 1024
# State payloads (images aside) larger than this are dropped.
MAX_STATE_PAYLOAD: Final = 64 * 1024
MAX_IMAGE_PAYLOAD: Final = 8 * 1024 * 1024

# Discovery component -> menjin entity domain.
COMPONENT_DOMAINS: Final = {
    "sensor": "sensor",
    "binary_sensor": "binary_sensor",
    "switch": "relay",
    "lock": "relay",
    "camera": "camera",
    "tag": "card_reader",
    "card_reader": "card_reader",
}
