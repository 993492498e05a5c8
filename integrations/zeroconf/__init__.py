"""Zeroconf: browse the service types manifests name, hand matches to their integration.

A match becomes a `discovery_zeroconf` event for the owning integration,
which runs it through the discovery flow. When that integration is not set
up, the device is still recorded as pending, so `menjin devices` shows it and
says which integration to add. The hub announces itself as `_menjin._tcp`.
"""

from __future__ import annotations

import asyncio
import logging
import socket
from typing import Any

import voluptuous as vol
from zeroconf import IPVersion, ServiceStateChange, Zeroconf
from zeroconf.asyncio import AsyncServiceBrowser, AsyncServiceInfo, AsyncZeroconf

import hub.config.validation as cv
from hub import __version__
from hub.const import EVENT_HUB_STOP
from hub.core import Hub
from hub.devices.const import SOURCE_ZEROCONF
from hub.devices.entry import DiscoveryInfo
from hub.devices.manager import DeviceManager, async_setup_manager
from hub.events import Event
from hub.loader import IntegrationCatalog

from .const import (
    CONF_ANNOUNCE,
    CONF_ANNOUNCE_PORT,
    CONF_EXTRA_TYPES,
    CONF_INTERFACES,
    DATA_ZEROCONF,
    EVENT_DISCOVERY_ZEROCONF,
    HUB_SERVICE_TYPE,
    RESOLVE_TIMEOUT_MS,
)
from .matching import Matcher, decode_properties, matchers_from_manifests

_LOGGER = logging.getLogger(__name__)


def _interface(value: Any) -> str:
    text = cv.string(value)
    try:
        socket.inet_pton(socket.AF_INET6 if ":" in text else socket.AF_INET, text)
    except OSError as err:
        raise vol.Invalid(f"{text!r} is not an IP address of this machine") from err
    return text


CONFIG_SCHEMA = vol.Schema({
    # Loopback by default: a site sets the LAN address(es) of the hub explicitly.
    vol.Optional(CONF_INTERFACES, default=["127.0.0.1"]): vol.All(cv.ensure_list,
                                                                 [_interface]),
    vol.Optional(CONF_ANNOUNCE, default=True): cv.boolean,
    vol.Optional(CONF_ANNOUNCE_PORT, default=8123): cv.port,
    vol.Optional(CONF_EXTRA_TYPES, default=[]): [cv.string],
})


class ZeroconfDiscovery:
    """Browser, resolver and matcher."""

    def __init__(self, hub: Hub, manager: DeviceManager, matchers: list[Matcher],
                 zeroconf: AsyncZeroconf) -> None:
        self.hub = hub
        self.manager = manager
        self.matchers = matchers
        self.zeroconf = zeroconf
        self.seen: dict[str, dict[str, Any]] = {}
        self.browser: AsyncServiceBrowser | None = None

    def start(self, service_types: list[str]) -> None:
        """Browse every type some manifest names."""
        self.browser = AsyncServiceBrowser(self.zeroconf.zeroconf, service_types,
                                           handlers=[self._on_change])

    def _on_change(self, zeroconf: Zeroconf, service_type: str, name: str,
                   state_change: ServiceStateChange) -> None:
        # Called in the loop by python-zeroconf; resolving needs a task.
        if state_change in (ServiceStateChange.Added, ServiceStateChange.Updated):
            self.hub.async_create_task(self._resolve(service_type, name), "zeroconf resolve")

    async def _resolve(self, service_type: str, name: str) -> None:
        info = AsyncServiceInfo(service_type, name)
        if not await info.async_request(self.zeroconf.zeroconf, RESOLVE_TIMEOUT_MS):
            _LOGGER.debug("Zeroconf service %s did not resolve", name)
            return
        addresses = info.parsed_addresses(IPVersion.All)
        if not addresses or info.port is None:
            return
        properties = decode_properties(info.properties)
        for matcher in self.matchers:
            if matcher.matches(service_type, properties):
                await self._matched(matcher, service_type, name, addresses[0], info.port,
                                    properties)

    async def _matched(self, matcher: Matcher, service_type: str, name: str, address: str,
                       port: int, properties: dict[str, str]) -> None:
        short_name = name.removesuffix("." + service_type)[:80]
        data = {"domain": matcher.domain, "service_type": service_type, "name": short_name,
                "address": address, "port": port, "properties": properties,
                "matched": matcher.describe()}
        self.seen[name] = data
        if self.hub.bus.async_fire(EVENT_DISCOVERY_ZEROCONF, data) is not None:
            return
        # Nobody handles it: record it so the installer sees what to add.
        device_id = "zeroconf_" + "".join(ch if ch.isalnum() else "_"
                                          for ch in short_name.lower())[:80]
        await self.manager.async_discovered(DiscoveryInfo(
            device_id=device_id, source=SOURCE_ZEROCONF, integration=matcher.domain,
            name=short_name,
            matched=f"{matcher.describe()}; add '{matcher.domain}:' to configuration.yaml",
            domains=(matcher.domain,), model=properties.get("model"),
            manufacturer=properties.get("vendor"),
            data={"address": address, "port": port, "properties": properties},
        ))


async def async_setup(hub: Hub, config: dict[str, Any]) -> bool:
    """Browse the manifests' service types and announce the hub."""
    manager = await async_setup_manager(hub)
    loaded = hub.data.get("loaded_config")
    catalog: IntegrationCatalog = loaded.catalog if loaded is not None else \
        await hub.async_add_executor_job(IntegrationCatalog, hub.config.config_dir)
    matchers = matchers_from_manifests(
        {domain: integration.manifest.zeroconf
         for domain, integration in catalog.integrations.items()})
    service_types = sorted({m.service_type for m in matchers} | set(config[CONF_EXTRA_TYPES]))
    zeroconf = AsyncZeroconf(interfaces=config[CONF_INTERFACES])
    discovery = ZeroconfDiscovery(hub, manager, matchers, zeroconf)
    hub.data[DATA_ZEROCONF] = discovery
    if service_types:
        discovery.start(service_types)

    announced: AsyncServiceInfo | None = None
    if config[CONF_ANNOUNCE]:
        address = config[CONF_INTERFACES][0]
        announced = AsyncServiceInfo(
            HUB_SERVICE_TYPE, f"{hub.config.name}.{HUB_SERVICE_TYPE}",
            addresses=[socket.inet_pton(
                socket.AF_INET6 if ":" in address else socket.AF_INET, address)],
            port=config[CONF_ANNOUNCE_PORT],
            properties={"version": __version__, "name": hub.config.name[:60]},
        )
        # Registering waits for name probing (~1.5 s); never hold start-up for it.
        hub.async_create_task(_announce(zeroconf, announced), "zeroconf announce")

    async def _on_stop(_event: Event) -> None:
        if discovery.browser is not None:
            await discovery.browser.async_cancel()
        if announced is not None:
            await asyncio.shield(zeroconf.async_unregister_all_services())
        await zeroconf.async_close()

    hub.bus.async_listen_once(EVENT_HUB_STOP, _on_stop)
    return True


async def _announce(zeroconf: AsyncZeroconf, info: AsyncServiceInfo) -> None:
    try:
        await zeroconf.async_register_service(info, allow_name_change=True)
    except Exception as err:  # a name clash or a closed socket is not fatal for the hub
        _LOGGER.warning("Could not announce the hub over zeroconf: %s", err)
