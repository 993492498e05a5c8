"""Parse MQTT discovery messages: topic, JSON, abbreviations, `~`, device-level `cmps`.

Pure functions with no I/O, so the whole parser can be fuzzed. Anything
wrong raises DiscoveryError with a sentence for the log; nothing here may
raise anything else, whatever a device sends.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

import voluptuous as vol

from .abbreviations import (
    ABBREVIATIONS,
    AVAILABILITY_ABBREVIATIONS,
    DEVICE_ABBREVIATIONS,
    ORIGIN_ABBREVIATIONS,
)
from .const import MAX_COMPONENTS_PER_DEVICE, MAX_DISCOVERY_PAYLOAD
from .schemas import COMPONENT_SCHEMAS

_ID = r"[A-Za-z0-9_-]{1,64}"
_TOPIC_RE = re.compile(
    rf"^(?P<component>[a-z_]{{1,32}})/(?:(?P<node_id>{_ID})/)?(?P<object_id>{_ID})/config$")
# Keys of a device-level payload that belong to the device, not shared with components.
_DEVICE_LEVEL_ONLY = {"device", "origin", "components"}


class DiscoveryError(Exception):
    """A discovery message that cannot be used, with the reason."""


@dataclass(frozen=True, slots=True)
class DiscoveryTopic:
    """What the config topic says: component, optional node id and object id."""

    component: str
    node_id: str | None
    object_id: str

    @property
    def key(self) -> str:
        """Stable id of this config topic."""
        return "_".join(p for p in (self.component, self.node_id, self.object_id) if p)


@dataclass(slots=True)
class ComponentConfig:
    """One validated entity config (from a single or a device-level payload)."""

    discovery_id: str
    component: str
    config: dict[str, Any]
    device: dict[str, Any] | None


@dataclass(slots=True)
class DiscoveryMessage:
    """The outcome of one config message: configs to apply and ids to remove."""

    topic: DiscoveryTopic
    configs: list[ComponentConfig] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    remove_all: bool = False
    origin: dict[str, Any] | None = None


def parse_topic(topic: str, prefix: str) -> DiscoveryTopic:
    """Split `<prefix>/<component>/[<node_id>/]<object_id>/config`."""
    if not topic.startswith(prefix + "/"):
        raise DiscoveryError(f"topic {topic[:80]!r} is not under the discovery prefix")
    match = _TOPIC_RE.match(topic[len(prefix) + 1 :])
    if match is None:
        raise DiscoveryError(f"topic {topic[:80]!r} is not a discovery config topic")
    component = match["component"]
    if component != "device" and component not in COMPONENT_SCHEMAS:
        raise DiscoveryError(f"unsupported component {component!r} in {topic[:80]!r}")
    return DiscoveryTopic(component, match["node_id"], match["object_id"])


def _expand(data: dict[str, Any], table: dict[str, str]) -> dict[str, Any]:
    return {table.get(key, key): value for key, value in data.items()}


def expand_abbreviations(data: dict[str, Any]) -> dict[str, Any]:
    """Full key names for the config, its device, origin and availability blocks."""
    result = _expand(data, ABBREVIATIONS)
    if isinstance(result.get("device"), dict):
        result["device"] = _expand(result["device"], DEVICE_ABBREVIATIONS)
    if isinstance(result.get("origin"), dict):
        result["origin"] = _expand(result["origin"], ORIGIN_ABBREVIATIONS)
    if isinstance(result.get("availability"), list):
        result["availability"] = [
            _expand(item, AVAILABILITY_ABBREVIATIONS) if isinstance(item, dict) else item
            for item in result["availability"]]
    return result


def apply_base_topic(data: dict[str, Any]) -> dict[str, Any]:
    """Replace a leading or trailing `~` in topic values by the `~` base topic."""
    base = data.pop("~", None)
    if base is None:
        return data
    if not isinstance(base, str) or not base or len(base) > 200:
        raise DiscoveryError("~ (base topic) must be a non-empty string")

    def substitute(value: Any) -> Any:
        if isinstance(value, str):
            if value.startswith("~"):
                return base + value[1:]
            if value.endswith("~"):
                return value[:-1] + base
        return value

    for key, value in list(data.items()):
        if key.endswith("topic"):
            data[key] = substitute(value)
    if isinstance(data.get("availability"), list):
        data["availability"] = [
            {**item, "topic": substitute(item["topic"])}
            if isinstance(item, dict) and "topic" in item else item
            for item in data["availability"]]
    return data


def decode_payload(payload: bytes) -> dict[str, Any] | None:
    """JSON object of a config payload; None for the empty payload (= remove)."""
    if len(payload) > MAX_DISCOVERY_PAYLOAD:
        raise DiscoveryError(f"payload of {len(payload)} bytes is over the "
                             f"{MAX_DISCOVERY_PAYLOAD} byte limit")
    if not payload.strip():
        return None
    try:
        data = json.loads(payload.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as err:
        raise DiscoveryError(f"payload is not valid JSON: {str(err)[:120]}") from None
    if not isinstance(data, dict):
        raise DiscoveryError("payload must be a JSON object")
    return data


def validate_component(component: str, data: dict[str, Any], prefix: str) -> dict[str, Any]:
    try:
        config: dict[str, Any] = COMPONENT_SCHEMAS[component](data)
    except vol.Invalid as err:
        path = ".".join(str(p) for p in err.path) or "payload"
        raise DiscoveryError(f"{component} config invalid at {path}: {err.msg}") from None
    command = config.get("command_topic")
    if isinstance(command, str) and (command == prefix or command.startswith(prefix + "/")):
        raise DiscoveryError("command_topic may not point into the discovery prefix")
    return config


def prepare(data: dict[str, Any]) -> dict[str, Any]:
    return apply_base_topic(expand_abbreviations(data))


def parse_message(topic: str, payload: bytes, prefix: str) -> DiscoveryMessage:
    """Parse one discovery message; raise DiscoveryError for anything unusable."""
    parsed_topic = parse_topic(topic, prefix)
    data = decode_payload(payload)
    message = DiscoveryMessage(parsed_topic)
    if parsed_topic.component != "device":
        if data is None:
            message.removed.append(parsed_topic.key)
            message.remove_all = True
            return message
        config = validate_component(parsed_topic.component, prepare(data), prefix)
        message.configs.append(ComponentConfig(
            parsed_topic.key, parsed_topic.component, config, config.get("device")))
        return message
    if data is None:
        message.remove_all = True
        return message
    return _parse_device(message, data, prefix)


def _parse_device(message: DiscoveryMessage, data: dict[str, Any], prefix: str
                  ) -> DiscoveryMessage:
    shared = expand_abbreviations(data)
    components = shared.get("components")
    if not isinstance(components, dict) or not components:
        raise DiscoveryError("device config needs a non-empty 'cmps' (components) object")
    if len(components) > MAX_COMPONENTS_PER_DEVICE:
        raise DiscoveryError(f"device config has over {MAX_COMPONENTS_PER_DEVICE} components")
    if not isinstance(shared.get("device"), dict):
        raise DiscoveryError("device config needs a 'dev' (device) object")
    if isinstance(shared.get("origin"), dict):
        message.origin = shared["origin"]
    inherited = {k: v for k, v in shared.items() if k not in _DEVICE_LEVEL_ONLY}
    for key, raw in components.items():
        if not isinstance(key, str) or not re.fullmatch(_ID, key):
            raise DiscoveryError(f"component key {str(key)[:40]!r} is not a simple id")
        if not isinstance(raw, dict):
            raise DiscoveryError(f"component {key!r} must be an object")
        item = expand_abbreviations(raw)
        platform = item.get("platform")
        if not isinstance(platform, str) or platform not in COMPONENT_SCHEMAS:
            raise DiscoveryError(f"component {key!r} has unsupported platform {platform!r}")
        discovery_id = f"{message.topic.key}_{key}"
        if set(item) == {"platform"}:
            message.removed.append(discovery_id)  # only `p` left: remove this component
            continue
        merged = apply_base_topic({**inherited, **item, "device": shared["device"]})
        config = validate_component(platform, merged, prefix)
        message.configs.append(ComponentConfig(discovery_id, platform, config,
                                               config.get("device")))
    return message
