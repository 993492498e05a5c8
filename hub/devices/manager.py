"""The discovery flow and the device registry of a running hub.

Integrations report what they find; the manager records it as a pending
entry and decides whether entities may exist. Sensors and cameras may be
adopted at once when the integration's config allows it. Devices with an
actuator (turnstile, relay, lock) wait for an installer: until then the
integration gets `False` and creates nothing, so a device that merely shows
up on the network can never make the hub open a door.

`menjin devices confirm` edits the registry file, possibly while the hub
runs; the manager polls the file's mtime and acts on new decisions.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from hub.callback import callback
from hub.const import EVENT_HUB_STOP, EVENT_STATE_CHANGED, STATE_UNAVAILABLE
from hub.devices import store
from hub.devices.const import (
    DATA_DEVICE_MANAGER,
    EVENT_DEVICE_CONFIRMED,
    EVENT_DEVICE_DISCOVERED,
    INBOX_POLL_SECONDS,
    SAVE_DELAY_SECONDS,
    STATUS_CONFIRMED,
    STATUS_IGNORED,
    STATUS_PENDING,
    STATUS_UNAVAILABLE,
)
from hub.devices.entry import DeviceEntry, DiscoveryInfo
from hub.events import Event
from hub.exceptions import HubError

if TYPE_CHECKING:
    from hub.core import Hub

_LOGGER = logging.getLogger(__name__)

AdoptHandler = Callable[[DeviceEntry], Awaitable[list[str]]]
_ADOPTED = (STATUS_CONFIRMED, STATUS_UNAVAILABLE)


class DeviceManager:
    """Pending discoveries, installer decisions and the persisted registry."""

    def __init__(self, hub: Hub) -> None:
        self.hub = hub
        self.entries: dict[str, DeviceEntry] = {}
        self._handlers: dict[str, AdoptHandler] = {}
        self._entity_owner: dict[str, str] = {}
        self._adopting: set[str] = set()
        self._save_handle: asyncio.TimerHandle | None = None
        self._mtime: int | None = None
        self._dirty = False
        self._load_task: asyncio.Task[None] | None = None
        self._stopping = False

    # Lifecycle --------------------------------------------------------------
    async def async_load(self) -> None:
        """Read the registry and start watching it (once, however many callers)."""
        if self._load_task is None:
            self._load_task = self.hub.async_create_task(self._async_load(), "load devices")
        await asyncio.shield(self._load_task)

    async def _async_load(self) -> None:
        storage = self.hub.config.storage_dir
        try:
            raw = await self.hub.async_add_executor_job(store.read_devices, storage)
        except ValueError as err:
            _LOGGER.error("%s; starting with an empty device registry", err)
            raw = {}
        for device_id, item in raw.items():
            entry = DeviceEntry.from_dict(item)
            if entry is None:
                _LOGGER.warning("Skipping damaged registry entry %s", device_id)
                continue
            self.entries[device_id] = entry
            for entity_id in entry.entities:
                self._entity_owner[entity_id] = device_id
        self._mtime = await self.hub.async_add_executor_job(store.mtime_ns, storage)
        self.hub.bus.async_listen(EVENT_STATE_CHANGED, self._on_state_changed,
                                  self._owns_entity)
        self.hub.bus.async_listen_once(EVENT_HUB_STOP, self._on_stop_callback)
        self.hub.bus.async_listen_once(EVENT_HUB_STOP, self._on_stop)
        self.hub.async_create_background_task(self._watch_inbox(), "device registry inbox")

    @callback
    def _on_stop_callback(self, _event: Event) -> None:
        # Entities go unavailable as integrations shut down; that is not the device's doing.
        self._stopping = True

    async def _on_stop(self, _event: Event) -> None:
        if self._save_handle is not None:
            self._save_handle.cancel()
            self._save_handle = None
        if self._dirty:
            await self.async_save()

    # Integration API ------------------------------------------------------
    def async_register_adopt_handler(self, integration: str, handler: AdoptHandler) -> None:
        """Say how `integration` creates entities for a confirmed device.

        Devices confirmed earlier (previous runs, or while the integration was
        not loaded) are adopted now, so they exist even before they re-announce.
        """
        self._handlers[integration] = handler
        for entry in list(self.entries.values()):
            if entry.integration == integration and entry.status in _ADOPTED:
                self._schedule_adopt(entry.id)

    async def async_discovered(self, info: DiscoveryInfo, configured: bool = False) -> bool:
        """Record a discovery; return True when the integration may create entities now.

        `configured` marks a device the installer wrote into configuration.yaml:
        that is a confirmation in itself.
        """
        entry = self.entries.get(info.device_id)
        is_new = entry is None
        if entry is None:
            entry = DeviceEntry.from_info(info)
            self.entries[entry.id] = entry
        else:
            entry.update_from(info)
        if entry.status == STATUS_PENDING and configured:
            entry.status, entry.adopted_by = STATUS_CONFIRMED, "config"
        elif entry.status == STATUS_PENDING and info.auto_adopt and not info.is_actuator:
            entry.status, entry.adopted_by = STATUS_CONFIRMED, "auto"
        if is_new:
            _LOGGER.info(
                "Discovered %s %s (%s via %s): %s%s", entry.id, entry.name, entry.model,
                entry.source, entry.matched,
                "; waiting for an installer: menjin devices confirm " + entry.id
                if entry.status == STATUS_PENDING else "",
            )
            self.hub.bus.async_fire(EVENT_DEVICE_DISCOVERED, entry.summary())
        self._schedule_save()
        return entry.status in _ADOPTED

    async def async_add_configured(self, info: DiscoveryInfo) -> bool:
        """Record a device the installer wrote into configuration.yaml: confirmed by that."""
        return await self.async_discovered(info, configured=True)

    @callback
    def async_set_entities(self, device_id: str, entity_ids: list[str]) -> None:
        """Tell the registry which entities a device has now."""
        entry = self.entries.get(device_id)
        if entry is None:
            return
        for entity_id in entry.entities:
            self._entity_owner.pop(entity_id, None)
        entry.entities = sorted(set(entity_ids))
        entry.states = {eid: st for eid, st in entry.states.items() if eid in entry.entities}
        for entity_id in entry.entities:
            self._entity_owner[entity_id] = device_id
            state = self.hub.states.get(entity_id)
            if state is not None:
                entry.states[entity_id] = state.state
        self._update_availability(entry)
        self._schedule_save()

    def is_adopted(self, device_id: str) -> bool:
        """True when a device may have entities (confirmed, or confirmed but gone)."""
        entry = self.entries.get(device_id)
        return entry is not None and entry.status in _ADOPTED

    # Installer decisions ----------------------------------------------------
    async def async_confirm(self, device_id: str) -> DeviceEntry:
        """Confirm a pending device and create its entities."""
        entry = self._pending(device_id)
        entry.status, entry.adopted_by = STATUS_CONFIRMED, "installer"
        self._after_decision(entry)
        await self.async_save()
        return entry

    async def async_ignore(self, device_id: str) -> DeviceEntry:
        """Ignore a pending device: it stays listed but never gets entities."""
        entry = self._pending(device_id)
        entry.status = STATUS_IGNORED
        await self.async_save()
        return entry

    def _pending(self, device_id: str) -> DeviceEntry:
        entry = self.entries.get(device_id)
        if entry is None:
            raise HubError(f"No discovered device '{device_id}' (see menjin devices)")
        if entry.status != STATUS_PENDING:
            raise HubError(f"Device '{device_id}' is {entry.status}, not pending")
        return entry

    def _after_decision(self, entry: DeviceEntry) -> None:
        if entry.status == STATUS_CONFIRMED:
            _LOGGER.info("Device %s confirmed by the installer", entry.id)
            self.hub.bus.async_fire(EVENT_DEVICE_CONFIRMED, entry.summary())
            self._schedule_adopt(entry.id)

    def _schedule_adopt(self, device_id: str) -> None:
        if device_id in self._adopting:
            return
        self._adopting.add(device_id)
        self.hub.async_create_task(self._adopt(device_id), f"adopt device {device_id}")

    async def _adopt(self, device_id: str) -> None:
        try:
            entry = self.entries[device_id]
            handler = self._handlers.get(entry.integration)
            if handler is None:
                _LOGGER.info("Device %s waits for integration %s to be set up",
                             device_id, entry.integration)
                return
            try:
                entity_ids = await handler(entry)
            except Exception:  # an integration bug must not stop the registry
                _LOGGER.exception("Integration %s failed to adopt device %s",
                                  entry.integration, device_id)
                return
            self.async_set_entities(device_id, entity_ids)
        finally:
            self._adopting.discard(device_id)

    # Availability and states -----------------------------------------------
    def _owns_entity(self, data: Any) -> bool:
        return data.get("entity_id") in self._entity_owner

    @callback
    def _on_state_changed(self, event: Event) -> None:
        entity_id = event.data["entity_id"]
        entry = self.entries.get(self._entity_owner.get(entity_id, ""))
        if entry is None or self._stopping:
            return
        new_state = event.data.get("new_state")
        if new_state is None:
            entry.states.pop(entity_id, None)
        else:
            entry.states[entity_id] = new_state.state
        self._update_availability(entry)
        self._schedule_save()

    def _update_availability(self, entry: DeviceEntry) -> None:
        if entry.status not in _ADOPTED or not entry.entities:
            return
        gone = all(entry.states.get(eid, STATE_UNAVAILABLE) == STATE_UNAVAILABLE
                   for eid in entry.entities)
        status = STATUS_UNAVAILABLE if gone else STATUS_CONFIRMED
        if status != entry.status:
            _LOGGER.info("Device %s is now %s", entry.id, status)
            entry.status = status

    # Persistence ------------------------------------------------------------
    def _schedule_save(self) -> None:
        self._dirty = True
        if self._save_handle is None:
            self._save_handle = self.hub.loop.call_later(SAVE_DELAY_SECONDS, self._save_soon)

    def _save_soon(self) -> None:
        self._save_handle = None
        self.hub.async_create_task(self.async_save(), "save device registry")

    async def async_save(self) -> None:
        """Merge installer decisions from disk, then write the registry (off the loop)."""
        self._dirty = False
        snapshot = {key: entry.as_dict() for key, entry in self.entries.items()}
        decisions: list[str] = []

        def merge(on_disk: store.RegistryData) -> store.RegistryData:
            for device_id, item in on_disk.items():
                mine = snapshot.get(device_id)
                if mine is None:
                    snapshot[device_id] = item
                elif mine["status"] == STATUS_PENDING and item.get("status") in (
                        STATUS_CONFIRMED, STATUS_IGNORED):
                    mine["status"] = item["status"]
                    mine["adopted_by"] = item.get("adopted_by")
                    decisions.append(device_id)
            return snapshot

        try:
            _devices, self._mtime = await self.hub.async_add_executor_job(
                store.update_devices, self.hub.config.storage_dir, merge)
        except (OSError, ValueError) as err:
            _LOGGER.error("Could not save the device registry: %s", err)
            return
        self._apply_decisions(snapshot, decisions)

    def _apply_decisions(self, on_disk: store.RegistryData, device_ids: list[str]) -> None:
        for device_id in device_ids:
            entry = self.entries.get(device_id)
            if entry is None:
                restored = DeviceEntry.from_dict(on_disk[device_id])
                if restored is None:
                    continue
                self.entries[device_id] = entry = restored
            elif entry.status == STATUS_PENDING:
                entry.status = on_disk[device_id]["status"]
                entry.adopted_by = on_disk[device_id].get("adopted_by")
            else:
                continue
            self._after_decision(entry)

    async def _watch_inbox(self) -> None:
        storage = self.hub.config.storage_dir
        while True:
            await asyncio.sleep(INBOX_POLL_SECONDS)
            try:
                mtime = await self.hub.async_add_executor_job(store.mtime_ns, storage)
                if mtime is None or mtime == self._mtime:
                    continue
                on_disk = await self.hub.async_add_executor_job(store.read_devices, storage)
            except (OSError, ValueError) as err:
                _LOGGER.warning("Cannot read the device registry: %s", err)
                continue
            self._mtime = mtime
            decided = [
                device_id for device_id, item in on_disk.items()
                if item.get("status") in (STATUS_CONFIRMED, STATUS_IGNORED)
                and (device_id not in self.entries
                     or self.entries[device_id].status == STATUS_PENDING)
            ]
            if decided:
                self._apply_decisions(on_disk, decided)
                self._schedule_save()


def async_get_manager(hub: Hub) -> DeviceManager:
    """The hub's device manager, created on first use (call `async_load` once after)."""
    manager: DeviceManager | None = hub.data.get(DATA_DEVICE_MANAGER)
    if manager is None:
        manager = hub.data[DATA_DEVICE_MANAGER] = DeviceManager(hub)
    return manager


async def async_setup_manager(hub: Hub) -> DeviceManager:
    """The loaded device manager: what integrations call in their `async_setup`."""
    manager = async_get_manager(hub)
    await manager.async_load()
    return manager
