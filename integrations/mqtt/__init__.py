"""MQTT: one shared broker connection, Home Assistant-style discovery, profile devices.

Devices that announce themselves under the discovery prefix become registry
entries (sensors may be adopted automatically; switches and locks wait for an
installer). Devices that do not announce are listed under `devices:` with a
device profile and a base topic. With `tls:` the connection is TLS only, its
files checked by check-config (see `tls.py`).
"""

from __future__ import annotations

import logging
import ssl
from typing import Any

import voluptuous as vol

import hub.config.validation as cv
from hub.config.load import ValidationContext
from hub.const import EVENT_HUB_STOP
from hub.core import Hub
from hub.devices.const import SOURCE_MQTT
from hub.devices.entry import DiscoveryInfo
from hub.devices.manager import async_setup_manager
from hub.devices.profiles import DeviceProfile, load_profiles
from hub.events import Event

from .client import MqttClient
from .const import (
    COMPONENT_DOMAINS,
    CONF_AUTO_ADOPT,
    CONF_BASE_TOPIC,
    CONF_BIRTH,
    CONF_BROKER,
    CONF_CLIENT_ID,
    CONF_DEVICES,
    CONF_DISCOVERY,
    CONF_DISCOVERY_PREFIX,
    CONF_KEEPALIVE,
    CONF_PASSWORD,
    CONF_PORT,
    CONF_PROFILE,
    CONF_RECONNECT_MAX,
    CONF_TLS,
    CONF_USERNAME,
    CONF_WILL,
    DATA_MQTT,
    DEFAULT_PORT,
    DEFAULT_PREFIX,
    DEFAULT_STATUS_TOPIC,
    DEFAULT_TLS_PORT,
    DOMAIN,
    OFFLINE,
    ONLINE,
)
from .discovery import MqttDiscovery, _slug
from .parser import ComponentConfig, DiscoveryError, prepare, validate_component
from .schemas import command_topic
from .tls import (
    CONF_CA_CERTS,
    CONF_CERTFILE,
    CONF_INSECURE,
    CONF_KEYFILE,
    TlsFileError,
    tls_context,
    validate_tls,
)

_LOGGER = logging.getLogger(__name__)


def _message(default_payload: str) -> vol.Schema:
    return vol.Schema({
        vol.Optional("topic", default=DEFAULT_STATUS_TOPIC): command_topic,
        vol.Optional("payload", default=default_payload): cv.string,
        vol.Optional("qos", default=1): vol.All(vol.Coerce(int), vol.In((0, 1, 2))),
        vol.Optional("retain", default=True): cv.boolean,
    })


def _prefix(value: Any) -> str:
    text = cv.string(value).strip("/")
    if not text or "+" in text or "#" in text:
        raise vol.Invalid("discovery_prefix must be a plain topic without wildcards")
    return text


CONFIG_SCHEMA = vol.Schema({
    vol.Optional(CONF_BROKER, default="127.0.0.1"): cv.string,
    vol.Optional(CONF_PORT): cv.port,  # default: 8883 with tls, else 1883
    vol.Optional(CONF_USERNAME): cv.string,
    vol.Optional(CONF_PASSWORD): cv.string,
    vol.Optional(CONF_CLIENT_ID): cv.string,
    vol.Optional(CONF_KEEPALIVE, default=30): vol.All(vol.Coerce(int), vol.Range(min=5)),
    vol.Optional(CONF_RECONNECT_MAX, default=30): vol.All(vol.Coerce(int), vol.Range(min=1)),
    vol.Optional(CONF_TLS): vol.Schema({
        vol.Optional(CONF_CA_CERTS): cv.string,
        vol.Optional(CONF_CERTFILE): cv.string,
        vol.Optional(CONF_KEYFILE): cv.string,
        vol.Optional(CONF_INSECURE, default=False): cv.boolean,
    }),
    vol.Optional(CONF_DISCOVERY, default=True): cv.boolean,
    vol.Optional(CONF_DISCOVERY_PREFIX, default=DEFAULT_PREFIX): _prefix,
    vol.Optional(CONF_AUTO_ADOPT, default=True): cv.boolean,
    vol.Optional(CONF_BIRTH, default={}): _message(ONLINE),
    vol.Optional(CONF_WILL, default={}): _message(OFFLINE),
    vol.Optional(CONF_DEVICES, default=[]): [vol.Schema({
        vol.Required(CONF_PROFILE): cv.slug,
        vol.Required(CONF_BASE_TOPIC): command_topic,
        vol.Optional("name"): cv.string,
    })],
})


def validate_config(value: Any, context: ValidationContext) -> dict[str, Any]:
    """The schema, then the TLS files, so a wrong path fails check-config, not the gate."""
    config: dict[str, Any] = CONFIG_SCHEMA(value)
    tls = config.get(CONF_TLS)
    config.setdefault(CONF_PORT, DEFAULT_PORT if tls is None else DEFAULT_TLS_PORT)
    if tls is None:
        return config
    config[CONF_TLS] = validate_tls(tls, context.config_dir)
    if tls[CONF_INSECURE]:
        context.warnings.append("tls.insecure is on: the broker's certificate is not checked "
                                "against its host name, so a server with any certificate "
                                "from the same CA can pose as the broker")
    return config


def profile_components(profile: DeviceProfile, base_topic: str, name: str, prefix: str
                       ) -> list[ComponentConfig]:
    """Discovery-style configs for a profile device; `~` becomes the base topic."""
    device_key = _slug(base_topic)
    device = {"identifiers": [f"profile_{device_key}"], "name": name,
              "manufacturer": profile.vendor, "model": profile.model}
    components = []
    for component, items in profile.entities.items():
        for item in items:
            raw = {key: value for key, value in item.items() if key != "key"}
            raw.update({"~": base_topic, "uniq_id": f"{device_key}_{item['key']}"})
            raw.setdefault("name", item["key"])
            config = validate_component(component, {**prepare(raw), "device": device}, prefix)
            components.append(ComponentConfig(f"{device_key}_{item['key']}", component,
                                              config, device))
    return components


async def async_setup(hub: Hub, config: dict[str, Any]) -> bool:
    """Connect (in the background), start discovery, set up profile devices."""
    ssl_context: ssl.SSLContext | None = None
    if config.get(CONF_TLS) is not None:
        try:
            ssl_context = await hub.async_add_executor_job(tls_context, config[CONF_TLS])
        except TlsFileError as err:  # checked at load; a file changed since
            _LOGGER.error("MQTT not set up: tls.%s: %s", err.key, err.message)
            return False
    profiles, errors = await hub.async_add_executor_job(load_profiles, hub.config.config_dir)
    for error in errors:
        _LOGGER.error("Device profile ignored: %s", error)
    manager = await async_setup_manager(hub)
    prefix = config[CONF_DISCOVERY_PREFIX]
    client = MqttClient(hub, {**config, CONF_DISCOVERY_PREFIX: prefix
                              if config[CONF_DISCOVERY] else None}, ssl_context)
    discovery = MqttDiscovery(hub, client, manager, prefix, config[CONF_AUTO_ADOPT], profiles)
    hub.data[DATA_MQTT] = discovery
    manager.async_register_adopt_handler(DOMAIN, discovery.async_adopt)
    if config[CONF_DISCOVERY]:
        discovery.start()

    for device in config[CONF_DEVICES]:
        profile = profiles.get(device[CONF_PROFILE])
        if profile is None or profile.protocol != "mqtt":
            _LOGGER.error("MQTT device %s: no MQTT profile named %r", device[CONF_BASE_TOPIC],
                          device[CONF_PROFILE])
            continue
        name = device.get("name") or f"{profile.model} {device[CONF_BASE_TOPIC]}"
        try:
            components = profile_components(profile, device[CONF_BASE_TOPIC], name, prefix)
        except DiscoveryError as err:
            _LOGGER.error("MQTT device %s: profile %s is unusable: %s",
                          device[CONF_BASE_TOPIC], profile.profile, err)
            continue
        device_id = f"mqtt_profile_{_slug(device[CONF_BASE_TOPIC])}"
        await discovery.async_add_configured(device_id, components, DiscoveryInfo(
            device_id=device_id, source=SOURCE_MQTT, integration=DOMAIN, name=name,
            matched=f"listed in configuration.yaml with profile {profile.profile}",
            domains=tuple(sorted({COMPONENT_DOMAINS[c.component] for c in components})),
            model=profile.model, manufacturer=profile.vendor, profile=profile.profile,
            data={"components": {c.discovery_id: {"component": c.component,
                                                  "config": c.config} for c in components}},
        ))

    await client.async_connect()

    async def _on_stop(_event: Event) -> None:
        await client.async_disconnect()

    hub.bus.async_listen_once(EVENT_HUB_STOP, _on_stop)
    return True


__all__ = [
    "CONFIG_SCHEMA",
    "CONF_CLIENT_ID",
    "CONF_KEEPALIVE",
    "CONF_PASSWORD",
    "CONF_TLS",
    "CONF_USERNAME",
    "async_setup",
    "validate_config",
]
