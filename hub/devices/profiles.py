"""Device profiles: declarative descriptions of concrete hardware, validated here.

A profile (`devices/profiles/*.yaml`, or a site's `<config>/device_profiles/`)
names the vendor and model, the protocol, the fingerprint discovery matches
(Modbus 43/14 vendor/product code, zeroconf properties, MQTT model or topic),
and the entity map: which register or topic means what, its data type,
scaling, which coil opens which direction. Integrations turn a profile into
entities; installers add a model by writing one file, no code.

It lives in the core, not in an integration, because discovery matching, the
device registry and `check-config` all read profiles, and the core may not
import integrations.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import voluptuous as vol
import yaml

import hub.config.validation as cv
from hub.devices.const import PROFILES_DIR
from hub.services import humanize_invalid

_LOGGER = logging.getLogger(__name__)

BUILTIN_PROFILES = Path(__file__).resolve().parents[2] / "devices" / "profiles"
PROTOCOLS = ("modbus", "mqtt", "http")
DATA_TYPES = ("int16", "uint16", "int32", "uint32", "float32")
ORDERS = ("big", "little")
REGISTER_TABLES = ("coil", "discrete_input", "holding_register", "input_register")
TURNSTILE_MODES = ("normal", "locked", "free")

address = vol.All(vol.Coerce(int), vol.Range(min=0, max=65535))


def _one_table(value: dict[str, Any]) -> dict[str, Any]:
    tables = [key for key in REGISTER_TABLES if key in value]
    if len(tables) != 1:
        raise vol.Invalid(f"give exactly one of {', '.join(REGISTER_TABLES)}")
    value["table"], value["address"] = tables[0], value.pop(tables[0])
    return value


def _bits_only(value: dict[str, Any]) -> dict[str, Any]:
    if value["table"] not in ("coil", "discrete_input"):
        raise vol.Invalid("use a coil or discrete_input here")
    return value


_REGISTER_FIELDS: dict[Any, Any] = {
    **{vol.Optional(table): address for table in REGISTER_TABLES},
    vol.Optional("data_type", default="uint16"): vol.In(DATA_TYPES),
    vol.Optional("byte_order", default="big"): vol.In(ORDERS),
    vol.Optional("word_order", default="big"): vol.In(ORDERS),
    vol.Optional("scale", default=1.0): vol.Coerce(float),
    vol.Optional("offset", default=0.0): vol.Coerce(float),
    vol.Optional("precision"): vol.All(vol.Coerce(int), vol.Range(min=0, max=6)),
}
REGISTER = vol.All(vol.Schema(_REGISTER_FIELDS), _one_table)
BIT = vol.All(vol.Schema({vol.Optional(t): address for t in ("coil", "discrete_input")}),
              _one_table, _bits_only)
COIL = vol.Schema({vol.Required("coil"): address})

_ENTITY_BASE: dict[Any, Any] = {
    vol.Required("key"): cv.slug,
    vol.Optional("name"): cv.string,
    vol.Optional("device_class"): cv.string,
}

MODBUS_TURNSTILE = vol.Schema({
    **_ENTITY_BASE,
    vol.Required("open"): vol.Schema({vol.Required("in"): COIL, vol.Required("out"): COIL}),
    # 0 means the device releases the coil itself after one passage.
    vol.Optional("pulse", default=0): vol.All(vol.Coerce(float), vol.Range(min=0, max=60)),
    vol.Optional("mode"): vol.Schema({
        vol.Required("holding_register"): address,
        vol.Optional("values", default={"normal": 0, "locked": 1, "free": 2}): {
            vol.In(TURNSTILE_MODES): vol.All(vol.Coerce(int), vol.Range(min=0, max=65535))},
    }),
    vol.Optional("passages"): vol.Schema({vol.Optional("in"): REGISTER,
                                          vol.Optional("out"): REGISTER}),
})
MODBUS_RELAY = vol.Schema({
    **_ENTITY_BASE,
    vol.Required("coil"): address,
    vol.Optional("pulse", default=1.0): vol.All(vol.Coerce(float), vol.Range(min=0, max=60)),
    vol.Optional("state"): BIT,
})
MODBUS_SENSOR = vol.All(vol.Schema({
    **_ENTITY_BASE, **_REGISTER_FIELDS,
    vol.Optional("unit_of_measurement"): cv.string,
}), _one_table)
MODBUS_BINARY_SENSOR = vol.All(vol.Schema({
    **_ENTITY_BASE,
    vol.Optional("coil"): address,
    vol.Optional("discrete_input"): address,
    vol.Optional("reset"): COIL,
}), _one_table)

MODBUS_ENTITIES = vol.Schema({
    vol.Optional("turnstile", default=[]): [MODBUS_TURNSTILE],
    vol.Optional("relay", default=[]): [MODBUS_RELAY],
    vol.Optional("sensor", default=[]): [MODBUS_SENSOR],
    vol.Optional("binary_sensor", default=[]): [MODBUS_BINARY_SENSOR],
})

# MQTT entities use Home Assistant discovery keys (full or abbreviated); the
# MQTT integration validates them with the same code as discovery payloads.
MQTT_ENTITIES = vol.Schema({
    vol.In(("sensor", "binary_sensor", "switch", "lock", "card_reader", "camera", "tag")):
        [vol.Schema({vol.Required("key"): cv.slug}, extra=vol.ALLOW_EXTRA)],
})

DISCOVERY = vol.Schema({
    vol.Optional("modbus"): vol.Schema({
        vol.Required("vendor"): cv.string,
        vol.Required("product_code"): cv.string,
    }),
    vol.Optional("zeroconf"): vol.Schema({
        vol.Required("type"): cv.string,
        vol.Optional("properties", default={}): {cv.string: cv.string},
    }),
    vol.Optional("mqtt"): vol.Schema({
        vol.Optional("model"): cv.string,
        vol.Optional("manufacturer"): cv.string,
        vol.Optional("topic"): cv.string,
    }),
})


def _entities_for_protocol(profile: dict[str, Any]) -> dict[str, Any]:
    schema = MODBUS_ENTITIES if profile["protocol"] == "modbus" else MQTT_ENTITIES
    try:
        profile["entities"] = schema(profile.get("entities") or {})
    except vol.Invalid as err:
        err.prepend(["entities"])
        raise
    return profile


PROFILE_SCHEMA = vol.All(vol.Schema({
    vol.Required("profile"): cv.slug,
    vol.Required("vendor"): cv.string,
    vol.Required("model"): cv.string,
    vol.Required("protocol"): vol.In(PROTOCOLS),
    vol.Optional("description", default=""): cv.string,
    vol.Optional("discovery", default={}): DISCOVERY,
    vol.Optional("entities", default={}): dict,
}), _entities_for_protocol)


@dataclass(frozen=True, slots=True)
class DeviceProfile:
    """One validated profile."""

    profile: str
    vendor: str
    model: str
    protocol: str
    discovery: dict[str, Any]
    entities: dict[str, list[dict[str, Any]]]
    source: Path | None = None
    description: str = ""

    @property
    def domains(self) -> tuple[str, ...]:
        """The entity domains this device gets (decides whether it is an actuator)."""
        mapping = {"switch": "relay", "lock": "relay", "tag": "card_reader"}
        return tuple(sorted({mapping.get(d, d) for d, items in self.entities.items() if items}))

    def matches_modbus(self, vendor: str, product_code: str) -> bool:
        """True when a 43/14 answer names this profile's vendor and product code."""
        fingerprint: dict[str, str] = self.discovery.get("modbus") or {}
        return bool(fingerprint) and (
            fingerprint["vendor"].strip().lower() == vendor.strip().lower()
            and fingerprint["product_code"].strip().lower() == product_code.strip().lower()
        )

    def matches_zeroconf(self, service_type: str, properties: dict[str, str]) -> bool:
        """True when a zeroconf service has this profile's type and properties."""
        fingerprint: dict[str, Any] = self.discovery.get("zeroconf") or {}
        return bool(fingerprint) and fingerprint["type"] == service_type and all(
            properties.get(key) == value for key, value in fingerprint["properties"].items()
        )

    def matches_mqtt(self, manufacturer: str | None, model: str | None) -> bool:
        """True when an MQTT device block names this profile's model (and maker, if set)."""
        fingerprint = self.discovery.get("mqtt") or {}
        if "model" not in fingerprint or fingerprint["model"] != model:
            return False
        return fingerprint.get("manufacturer") in (None, manufacturer)


def parse_profile(raw: Any, source: Path | None = None) -> DeviceProfile:
    """Validate one profile; raise ValueError naming the file and the field."""
    name = str(source) if source else "profile"
    if isinstance(raw, dict) and "profile" not in raw and source is not None:
        raw = {**raw, "profile": source.stem}
    try:
        data = PROFILE_SCHEMA(raw)
    except vol.Invalid as err:
        raise ValueError(humanize_invalid(name, err)) from err
    return DeviceProfile(
        profile=data["profile"], vendor=data["vendor"], model=data["model"],
        protocol=data["protocol"], discovery=data["discovery"], entities=data["entities"],
        source=source, description=data["description"],
    )


def load_profiles(config_dir: Path | None = None) -> tuple[dict[str, DeviceProfile], list[str]]:
    """Every profile, built-in then the site's own (which override by name), plus errors.

    Blocking (reads files): call from an executor when a loop runs.
    """
    profiles: dict[str, DeviceProfile] = {}
    errors: list[str] = []
    folders = [BUILTIN_PROFILES]
    if config_dir is not None:
        folders.append(config_dir / PROFILES_DIR)
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.yaml")):
            try:
                raw = yaml.safe_load(path.read_text(encoding="utf-8"))
                profile = parse_profile(raw, path)
            except (OSError, yaml.YAMLError, ValueError) as err:
                errors.append(f"{path}: {err}")
                continue
            profiles[profile.profile] = profile
    return profiles, errors
