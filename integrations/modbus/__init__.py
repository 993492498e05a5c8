"""Modbus: turnstiles, relay boards and sensors described by device profiles.

Devices speak Modbus TCP, RTU through a serial device server (`rtuovertcp`),
or RTU on an RS-485 port (`serial`). Devices listed under `devices:` are the
installer's own choice and get entities at once. Devices found by the 43/14
scan of `discovery: targets:` (Modbus TCP only) go through the hub's discovery
flow: sensors may be adopted automatically, turnstiles and relays wait for
`menjin devices confirm`.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from hub.const import EVENT_HUB_STOP
from hub.core import Hub
from hub.devices.const import SOURCE_MODBUS
from hub.devices.entry import DeviceEntry, DiscoveryInfo
from hub.devices.manager import DeviceManager, async_setup_manager
from hub.devices.profiles import DeviceProfile, load_profiles
from hub.entities.component import async_add_entities
from hub.entities.entity import Entity
from hub.events import Event

from . import binary_sensor, discovery, relay, sensor, turnstile
from .bus import ModbusBus
from .connection import ConnectionPool, ModbusDeviceError
from .const import (
    CONF_AUTO_ADOPT,
    CONF_DEVICE_ID,
    CONF_DEVICE_IDS,
    CONF_DEVICES,
    CONF_DISCOVERY,
    CONF_HOSTS,
    CONF_PORTS,
    CONF_PROFILE,
    CONF_RETRIES,
    CONF_SCAN_INTERVAL,
    CONF_TARGETS,
    CONF_TIMEOUT,
    DATA_MODBUS,
    DOMAIN,
    TYPE_TCP,
)
from .coordinator import DeviceCoordinator, ModbusTarget
from .schema import CONFIG_SCHEMA

__all__ = ["CONFIG_SCHEMA", "async_setup"]

_LOGGER = logging.getLogger(__name__)

PLATFORMS = {"turnstile": turnstile, "relay": relay, "sensor": sensor,
             "binary_sensor": binary_sensor}


class ModbusRuntime:
    """Everything the integration keeps while the hub runs."""

    def __init__(self, hub: Hub, config: dict[str, Any], manager: DeviceManager,
                 profiles: dict[str, DeviceProfile]) -> None:
        self.hub = hub
        self.config = config
        self.manager = manager
        self.profiles = profiles
        self.pool = ConnectionPool(config[CONF_TIMEOUT], config[CONF_RETRIES])
        self.coordinators: dict[str, DeviceCoordinator] = {}
        self._setting_up: dict[str, asyncio.Future[list[str]]] = {}

    async def async_setup_device(self, target: ModbusTarget, profile: DeviceProfile,
                                 name: str, scan_interval: float | None = None) -> list[str]:
        """Create the coordinator and entities of one device (once); return entity ids."""
        pending = self._setting_up.get(target.key)
        if pending is not None:
            return await asyncio.shield(pending)
        try:
            connection = self.pool.get(target.bus)
        except ModbusDeviceError as err:
            _LOGGER.error("Modbus device %s is not set up: %s", name, err)
            return []
        future: asyncio.Future[list[str]] = self.hub.loop.create_future()
        self._setting_up[target.key] = future
        coordinator = DeviceCoordinator(
            self.hub, connection, target, profile, name,
            scan_interval or self.config[CONF_SCAN_INTERVAL])
        self.coordinators[target.key] = coordinator
        await coordinator.async_refresh()
        entity_ids: list[str] = []
        for domain, platform in PLATFORMS.items():
            entities: list[Entity] = list(platform.build(coordinator))
            if entities:
                await async_add_entities(self.hub, domain, entities, DOMAIN)
                entity_ids += [e.entity_id for e in entities if e.entity_id]
        coordinator.start()
        future.set_result(entity_ids)
        return entity_ids

    async def async_adopt(self, entry: DeviceEntry) -> list[str]:
        """Adopt handler: build a confirmed device from what discovery stored."""
        data = entry.data
        profile = self.profiles.get(str(data.get(CONF_PROFILE)))
        if profile is None:
            _LOGGER.error("Device %s needs profile %r, which is not installed",
                          entry.id, data.get(CONF_PROFILE))
            return []
        target = ModbusTarget(ModbusBus.from_config(data), int(data[CONF_DEVICE_ID]))
        return await self.async_setup_device(target, profile, entry.name)

    async def async_scan(self) -> None:
        """One discovery pass over every configured target (Modbus TCP only)."""
        options = self.config[CONF_DISCOVERY]
        targets = [ModbusTarget(ModbusBus(TYPE_TCP, host, port), unit)
                   for spec in options[CONF_TARGETS] for host in spec[CONF_HOSTS]
                   for port in spec[CONF_PORTS] for unit in spec[CONF_DEVICE_IDS]]
        targets = [t for t in targets if t.key not in self.coordinators]
        for ident in await discovery.scan(targets, options[CONF_TIMEOUT]):
            profile = discovery.match_profile(ident, self.profiles)
            if profile is None:
                _LOGGER.info("Modbus device at %s identifies as %r %r; no device profile "
                             "matches (add one in device_profiles/)", ident.target.bus.address,
                             ident.vendor, ident.product_code)
                continue
            await self._discovered(ident, profile)

    async def _discovered(self, ident: discovery.Identification, profile: DeviceProfile
                          ) -> None:
        target = ident.target
        info = DiscoveryInfo(
            device_id=target.key, source=SOURCE_MODBUS, integration=DOMAIN,
            name=f"{profile.model} at {target.bus.address}",
            matched=(f"43/14 vendor {ident.vendor!r} product code {ident.product_code!r} "
                     f"matches profile {profile.profile}"),
            domains=profile.domains, model=profile.model, manufacturer=profile.vendor,
            profile=profile.profile, auto_adopt=self.config[CONF_DISCOVERY][CONF_AUTO_ADOPT],
            data={**target.bus.as_data(), CONF_DEVICE_ID: target.device_id,
                  CONF_PROFILE: profile.profile, "revision": ident.revision},
        )
        if await self.manager.async_discovered(info):
            entity_ids = await self.async_setup_device(target, profile, info.name)
            self.manager.async_set_entities(target.key, entity_ids)

    async def async_discovery_loop(self) -> None:
        """Scan now, then every `scan_interval` (new devices appear without a restart)."""
        interval = self.config[CONF_DISCOVERY][CONF_SCAN_INTERVAL]
        while True:
            try:
                await self.async_scan()
            except Exception:  # a scan bug must not end discovery for good
                _LOGGER.exception("Modbus discovery scan failed")
            await asyncio.sleep(interval)


async def async_setup(hub: Hub, config: dict[str, Any]) -> bool:
    """Set up configured devices and start discovery."""
    profiles, errors = await hub.async_add_executor_job(load_profiles, hub.config.config_dir)
    for error in errors:
        _LOGGER.error("Device profile ignored: %s", error)
    manager = await async_setup_manager(hub)
    runtime = ModbusRuntime(hub, config, manager, profiles)
    hub.data[DATA_MODBUS] = runtime

    for device in config[CONF_DEVICES]:
        bus = ModbusBus.from_config(device)
        profile = profiles.get(device[CONF_PROFILE])
        if profile is None or profile.protocol != "modbus":
            _LOGGER.error("Modbus device %s: no Modbus profile named %r (known: %s)",
                          bus.address, device[CONF_PROFILE],
                          ", ".join(sorted(p for p, v in profiles.items()
                                           if v.protocol == "modbus")))
            continue
        target = ModbusTarget(bus, device[CONF_DEVICE_ID])
        name = device.get("name") or f"{profile.model} at {bus.address}"
        await manager.async_add_configured(DiscoveryInfo(
            device_id=target.key, source=SOURCE_MODBUS, integration=DOMAIN, name=name,
            matched="listed in configuration.yaml", domains=profile.domains,
            model=profile.model, manufacturer=profile.vendor, profile=profile.profile,
            data={**bus.as_data(), CONF_DEVICE_ID: target.device_id,
                  CONF_PROFILE: profile.profile},
        ))
        # Never block start-up on a slow device: the first poll runs in the background.
        hub.async_create_task(_setup_configured(runtime, target, profile, name, device),
                              f"modbus setup {target.key}")

    manager.async_register_adopt_handler(DOMAIN, runtime.async_adopt)
    if config[CONF_DISCOVERY][CONF_TARGETS]:
        hub.async_create_background_task(runtime.async_discovery_loop(), "modbus discovery")

    async def _on_stop(_event: Event) -> None:
        runtime.pool.close()

    hub.bus.async_listen_once(EVENT_HUB_STOP, _on_stop)
    return True


async def _setup_configured(runtime: ModbusRuntime, target: ModbusTarget,
                            profile: DeviceProfile, name: str, device: dict[str, Any]) -> None:
    entity_ids = await runtime.async_setup_device(target, profile, name,
                                                  device.get(CONF_SCAN_INTERVAL))
    runtime.manager.async_set_entities(target.key, entity_ids)
