"""What every Modbus entity shares: device info, availability and push updates."""

from __future__ import annotations

from typing import Any

from hub.callback import callback
from hub.entities.entity import DeviceInfo, Entity
from hub.exceptions import HubError

from .connection import ModbusDeviceError
from .const import DOMAIN
from .coordinator import DeviceCoordinator


class ModbusEntity(Entity):
    """Base of Modbus entities: state comes from the coordinator's cache."""

    def __init__(self, coordinator: DeviceCoordinator, spec: dict[str, Any]) -> None:
        self.coordinator = coordinator
        self.spec = spec
        profile = coordinator.profile
        self._attr_name = f"{coordinator.name} {spec.get('name') or spec['key']}"
        self._attr_unique_id = f"{coordinator.target.key}_{spec['key']}"
        self._attr_device_class = spec.get("device_class")
        self._attr_device_info = DeviceInfo(
            identifiers=frozenset({(DOMAIN, coordinator.target.key)}),
            name=coordinator.name, manufacturer=profile.vendor, model=profile.model,
        )

    @property
    def available(self) -> bool:
        return self.coordinator.available

    async def async_added_to_hub(self) -> None:
        self.coordinator.add_listener(self._handle_update)

    @callback
    def _handle_update(self) -> None:
        if self.hub is not None and self.entity_id is not None:
            self.async_write_state()

    async def _guard(self, action: Any) -> None:
        """Run a write; turn a device error into a sentence for the caller."""
        try:
            await action
        except ModbusDeviceError as err:
            raise HubError(f"{self.entity_id}: {err}") from err
