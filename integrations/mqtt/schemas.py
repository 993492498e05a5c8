"""Schemas of discovery configs per component, and the topic checks that stop injection.

Unknown keys are dropped rather than refused: Tasmota, ESPHome and
Zigbee2MQTT send many options menjin does not use, and their payloads must
just work. What menjin does use is checked strictly: a state topic with a
wildcard would subscribe the hub to everything on the broker, and a command
topic under the discovery prefix would let one device rewrite another.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import voluptuous as vol
from jinja2 import TemplateSyntaxError

from .const import MAX_TEMPLATE_LENGTH, MAX_TOPIC_LENGTH
from .template import compile_template

_SAFE_ID = re.compile(r"^[A-Za-z0-9_\-:.]{1,128}$")
CREDENTIAL_TYPES = ("card", "qr", "pin", "id_card")


def _text(max_length: int = 255) -> Callable[[Any], str]:
    def validate(value: Any) -> str:
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            raise vol.Invalid("expected a string")
        text = str(value)
        if len(text) > max_length or "\x00" in text:
            raise vol.Invalid(f"string longer than {max_length} characters or with NUL")
        return text
    return validate


def _topic(value: Any, wildcards: bool = False) -> str:
    text: str = _text(MAX_TOPIC_LENGTH)(value)
    if not text:
        raise vol.Invalid("topic is empty")
    if text.startswith("$"):
        raise vol.Invalid("topics starting with $ are broker internals")
    if not wildcards and ("+" in text or "#" in text):
        raise vol.Invalid("wildcards (+, #) are not allowed in a device topic")
    if "~" in text:
        raise vol.Invalid("unresolved ~ in topic (set the ~ base topic)")
    return text


def state_topic(value: Any) -> str:
    """A topic the hub subscribes to: no wildcards, no broker internals."""
    return _topic(value)


def command_topic(value: Any) -> str:
    """A topic the hub publishes to (checked against the discovery prefix separately)."""
    return _topic(value)


def unique_id(value: Any) -> str:
    """A device-chosen id that becomes part of registry ids: a short, safe charset."""
    text: str = _text(128)(value)
    if not _SAFE_ID.match(text):
        raise vol.Invalid("unique_id may only use letters, digits and _ - : .")
    return text


def template(value: Any) -> str:
    """A Jinja template, compiled once here so a broken one fails discovery, not later."""
    text: str = _text(MAX_TEMPLATE_LENGTH)(value)
    try:
        compile_template(text)
    except TemplateSyntaxError as err:
        raise vol.Invalid(f"invalid template: {err.message}") from err
    return text


def _identifiers(value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value]
    if not items or len(items) > 16:
        raise vol.Invalid("identifiers must be 1-16 strings")
    return [_text(128)(item) for item in items]


DEVICE = vol.Schema({
    vol.Optional("identifiers"): _identifiers,
    vol.Optional("connections"): vol.All(list, vol.Length(max=16)),
    vol.Optional("name"): _text(),
    vol.Optional("manufacturer"): _text(),
    vol.Optional("model"): _text(),
    vol.Optional("model_id"): _text(),
    vol.Optional("sw_version"): _text(),
    vol.Optional("hw_version"): _text(),
    vol.Optional("serial_number"): _text(),
    vol.Optional("suggested_area"): _text(),
    vol.Optional("via_device"): _text(),
}, extra=vol.REMOVE_EXTRA)

AVAILABILITY = vol.Schema({
    vol.Required("topic"): state_topic,
    vol.Optional("payload_available", default="online"): _text(),
    vol.Optional("payload_not_available", default="offline"): _text(),
    vol.Optional("value_template"): template,
}, extra=vol.REMOVE_EXTRA)

_COMMON: dict[Any, Any] = {
    vol.Optional("name"): vol.Any(None, _text()),
    vol.Optional("unique_id"): unique_id,
    vol.Optional("object_id"): unique_id,
    vol.Optional("device"): DEVICE,
    vol.Optional("availability_topic"): state_topic,
    vol.Optional("availability"): vol.All(list, vol.Length(max=8), [AVAILABILITY]),
    vol.Optional("availability_mode", default="latest"): vol.In(("all", "any", "latest")),
    vol.Optional("payload_available", default="online"): _text(),
    vol.Optional("payload_not_available", default="offline"): _text(),
    vol.Optional("device_class"): vol.Any(None, _text(64)),
    vol.Optional("qos", default=0): vol.All(vol.Coerce(int), vol.In((0, 1, 2))),
    vol.Optional("value_template"): template,
    vol.Optional("platform"): _text(64),
}

SENSOR = vol.Schema({
    **_COMMON,
    vol.Required("state_topic"): state_topic,
    vol.Optional("unit_of_measurement"): vol.Any(None, _text(32)),
    vol.Optional("state_class"): _text(32),
    vol.Optional("suggested_display_precision"): vol.All(vol.Coerce(int),
                                                         vol.Range(min=0, max=10)),
}, extra=vol.REMOVE_EXTRA)

BINARY_SENSOR = vol.Schema({
    **_COMMON,
    vol.Required("state_topic"): state_topic,
    vol.Optional("payload_on", default="ON"): _text(),
    vol.Optional("payload_off", default="OFF"): _text(),
}, extra=vol.REMOVE_EXTRA)

SWITCH = vol.Schema({
    **_COMMON,
    vol.Required("command_topic"): command_topic,
    vol.Optional("state_topic"): state_topic,
    vol.Optional("payload_on", default="ON"): _text(),
    vol.Optional("payload_off", default="OFF"): _text(),
    vol.Optional("state_on"): _text(),
    vol.Optional("state_off"): _text(),
    vol.Optional("retain", default=False): bool,
}, extra=vol.REMOVE_EXTRA)

LOCK = vol.Schema({
    **_COMMON,
    vol.Required("command_topic"): command_topic,
    vol.Optional("state_topic"): state_topic,
    vol.Optional("payload_lock", default="LOCK"): _text(),
    vol.Optional("payload_unlock", default="UNLOCK"): _text(),
    vol.Optional("state_locked", default="LOCKED"): _text(),
    vol.Optional("state_unlocked", default="UNLOCKED"): _text(),
    vol.Optional("retain", default=False): bool,
}, extra=vol.REMOVE_EXTRA)

CAMERA = vol.Schema({
    **_COMMON,
    vol.Required("topic"): state_topic,
    vol.Optional("image_encoding"): vol.In(("b64",)),
}, extra=vol.REMOVE_EXTRA)

TAG = vol.Schema({
    **_COMMON,
    vol.Required("topic"): state_topic,
}, extra=vol.REMOVE_EXTRA)

CARD_READER = vol.Schema({
    **_COMMON,
    vol.Required("topic"): state_topic,
    vol.Optional("credential_type", default="card"): vol.In(CREDENTIAL_TYPES),
}, extra=vol.REMOVE_EXTRA)

COMPONENT_SCHEMAS: dict[str, vol.Schema] = {
    "sensor": SENSOR,
    "binary_sensor": BINARY_SENSOR,
    "switch": SWITCH,
    "lock": LOCK,
    "camera": CAMERA,
    "tag": TAG,
    "card_reader": CARD_READER,
}
