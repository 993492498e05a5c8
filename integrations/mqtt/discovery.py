"""MQTT discovery at run time: messages in, registry entries and entities out.

Every config message is parsed (see parser.py), grouped by device, and
reported to the hub's device manager. Only when the manager says a device
is adopted do entities exist; an actuator (switch, lock) waits for an
installer's confirmation. Repeated configs update entities in place (same
entity id), and an empty payload removes them.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from hub.callback import callback
from hub.core import Hub
from hub.devices.const import SOURCE_MQTT
from hub.devices.entry import DeviceEntry, DiscoveryInfo
from hub.devices.manager import DeviceManager
from hub.devices.profiles import DeviceProfile
from hub.entities.component import async_add_entities, async_get_component

from .camera import MqttCamera
from .card_reader import MqttCardReader
from .client import MqttClient, ReceivedMessage
from .const import COMPONENT_DOMAINS, DOMAIN
from .entity import MqttEntity
from .parser import ComponentConfig, DiscoveryError, DiscoveryMessage, parse_message
from .relay import MqttLock, MqttSwitch
from .sensor import MqttBinarySensor, MqttSensor

_LOGGER = logging.getLogger(__name__)

ENTITY_CLASSES: dict[str, type[MqttEntity]] = {
    "sensor": MqttSensor, "binary_sensor": MqttBinarySensor, "switch": MqttSwitch,
    "lock": MqttLock, "camera": MqttCamera, "tag": MqttCardReader,
    "card_reader": MqttCardReader,
}


def _slug(text: str) -> str:
    return "_".join(filter(None, "".join(
        ch if ch.isalnum() else "_" for ch in text.lower()).split("_")))[:96] or "device"


def device_id_for(component: ComponentConfig) -> str:
    """Registry id: from the device's first identifier, else the entity's unique id."""
    identifiers = (component.device or {}).get("identifiers") or []
    base = identifiers[0] if identifiers else (
        component.config.get("unique_id") or component.discovery_id)
    return f"mqtt_{_slug(str(base))}"


class MqttDiscovery:
    """Discovery state of the MQTT integration."""

    def __init__(self, hub: Hub, client: MqttClient, manager: DeviceManager, prefix: str,
                 auto_adopt: bool, profiles: dict[str, DeviceProfile]) -> None:
        self.hub = hub
        self.client = client
        self.manager = manager
        self.prefix = prefix
        self.auto_adopt = auto_adopt
        self.profiles = profiles
        self.components: dict[str, ComponentConfig] = {}
        self.device_of: dict[str, str] = {}
        self.entities: dict[str, MqttEntity] = {}
        self.configured: set[str] = set()
        self.rejected = 0
        self.processed = 0
        self._lock = asyncio.Lock()

    def start(self) -> None:
        """Subscribe to every config topic under the prefix."""
        self.client.async_subscribe(f"{self.prefix}/#", self._on_message)

    @callback
    def _on_message(self, message: ReceivedMessage) -> None:
        if not message.topic.endswith("/config"):
            return
        self.hub.async_create_task(self._process(message), "mqtt discovery message")

    async def _process(self, message: ReceivedMessage) -> None:
        try:
            parsed = parse_message(message.topic, message.payload, self.prefix)
        except DiscoveryError as err:
            self.rejected += 1
            _LOGGER.warning("Ignored MQTT discovery message on %r: %s",
                            message.topic[:120], err)
            return
        async with self._lock:
            await self._apply(parsed)
            self.processed += 1

    async def _apply(self, parsed: DiscoveryMessage) -> None:
        touched: set[str] = set()
        removed = list(parsed.removed)
        if parsed.remove_all:
            key = parsed.topic.key
            removed += [did for did in self.components
                        if did == key or did.startswith(f"{key}_")]
        for discovery_id in removed:
            device_id = self.device_of.pop(discovery_id, None)
            self.components.pop(discovery_id, None)
            await self._remove_entity(discovery_id)
            if device_id:
                touched.add(device_id)
        for component in parsed.configs:
            device_id = device_id_for(component)
            previous = self.device_of.get(component.discovery_id)
            if previous and previous != device_id:
                await self._remove_entity(component.discovery_id)
                touched.add(previous)
            self.components[component.discovery_id] = component
            self.device_of[component.discovery_id] = device_id
            touched.add(device_id)
        for device_id in touched:
            await self._sync_device(device_id)

    def _components_of(self, device_id: str) -> dict[str, ComponentConfig]:
        return {did: comp for did, comp in self.components.items()
                if self.device_of.get(did) == device_id}

    def _match_profile(self, device: dict[str, Any]) -> DeviceProfile | None:
        for profile in self.profiles.values():
            if profile.protocol == "mqtt" and profile.matches_mqtt(
                    device.get("manufacturer"), device.get("model")):
                return profile
        return None

    async def _sync_device(self, device_id: str) -> None:
        components = self._components_of(device_id)
        if not components:
            if device_id in self.manager.entries:
                self.manager.async_set_entities(device_id, [])
            return
        if device_id in self.configured:
            await self._create_entities(components)
            self.manager.async_set_entities(device_id, self._entity_ids(components))
            return
        first = next(iter(components.values()))
        device = first.device or {}
        profile = self._match_profile(device)
        topics = sorted({did for did in components})
        matched = f"MQTT discovery ({', '.join(topics)[:200]})"
        if profile is not None:
            matched += f", model {profile.model!r} matches profile {profile.profile}"
        info = DiscoveryInfo(
            device_id=device_id, source=SOURCE_MQTT, integration=DOMAIN,
            name=str(device.get("name") or first.config.get("name") or device_id),
            matched=matched,
            domains=tuple(sorted({COMPONENT_DOMAINS[c.component]
                                  for c in components.values()})),
            model=device.get("model"), manufacturer=device.get("manufacturer"),
            profile=profile.profile if profile else None, auto_adopt=self.auto_adopt,
            data={"components": {did: {"component": c.component, "config": c.config}
                                 for did, c in components.items()}},
        )
        if await self.manager.async_discovered(info):
            await self._create_entities(components)
            self.manager.async_set_entities(device_id, self._entity_ids(components))

    def _entity_ids(self, components: dict[str, ComponentConfig]) -> list[str]:
        return [entity.entity_id for did in components
                if (entity := self.entities.get(did)) is not None and entity.entity_id]

    async def _create_entities(self, components: dict[str, ComponentConfig]) -> None:
        for discovery_id, component in components.items():
            existing = self.entities.get(discovery_id)
            if existing is not None and existing.config == component.config:
                continue
            keep_id = existing.entity_id if existing is not None else None
            if existing is not None:
                await self._remove_entity(discovery_id)
            entity = ENTITY_CLASSES[component.component](
                self.client, discovery_id, component.config)
            entity.entity_id = keep_id
            await async_add_entities(self.hub, COMPONENT_DOMAINS[component.component],
                                     [entity], DOMAIN)
            if entity.hub is not None:
                self.entities[discovery_id] = entity

    async def _remove_entity(self, discovery_id: str) -> None:
        entity = self.entities.pop(discovery_id, None)
        if entity is None or entity.entity_id is None:
            return
        await async_get_component(self.hub, entity.domain).async_remove_entity(entity.entity_id)

    async def async_adopt(self, entry: DeviceEntry) -> list[str]:
        """Create entities for a confirmed device, from memory or from the registry."""
        async with self._lock:
            stored = entry.data.get("components") or {}
            for discovery_id, item in stored.items():
                if discovery_id in self.components or not isinstance(item, dict):
                    continue
                component = str(item.get("component"))
                config = item.get("config")
                if component not in ENTITY_CLASSES or not isinstance(config, dict):
                    continue
                self.components[discovery_id] = ComponentConfig(
                    discovery_id, component, config, config.get("device"))
                self.device_of[discovery_id] = entry.id
            components = self._components_of(entry.id)
            await self._create_entities(components)
            return self._entity_ids(components)

    async def async_add_configured(self, device_id: str, components: list[ComponentConfig],
                                   info: DiscoveryInfo) -> None:
        """A device the installer listed in configuration.yaml (from a profile)."""
        async with self._lock:
            self.configured.add(device_id)
            for component in components:
                self.components[component.discovery_id] = component
                self.device_of[component.discovery_id] = device_id
            await self.manager.async_add_configured(info)
            found = self._components_of(device_id)
            await self._create_entities(found)
            self.manager.async_set_entities(device_id, self._entity_ids(found))
