"""Base class of everything that has a state: sensors, turnstiles, relays, cameras."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any, ClassVar

from hub.const import ATTR_DEVICE_CLASS, ATTR_FRIENDLY_NAME, STATE_UNAVAILABLE, STATE_UNKNOWN
from hub.context import Context

if TYPE_CHECKING:
    from hub.core import Hub


@dataclass(frozen=True, slots=True)
class DeviceInfo:
    """The physical device an entity belongs to (several entities may share one)."""

    identifiers: frozenset[tuple[str, str]]
    name: str | None = None
    manufacturer: str | None = None
    model: str | None = None
    sw_version: str | None = None
    via_device: tuple[str, str] | None = None
    extra: dict[str, Any] = field(default_factory=dict)


class Entity:
    """A thing with a state that an integration keeps up to date.

    Subclasses set `_attr_*` fields or override the properties. Push-based
    entities call `async_write_state()` when their device reports; polled ones
    set `_attr_should_poll` and implement `async_update()`.
    """

    domain: ClassVar[str] = ""

    _attr_name: str | None = None
    _attr_unique_id: str | None = None
    _attr_available: bool = True
    _attr_device_info: DeviceInfo | None = None
    _attr_device_class: str | None = None
    _attr_extra_state_attributes: dict[str, Any] | None = None
    _attr_should_poll: bool = False
    _attr_scan_interval: timedelta = timedelta(seconds=30)

    # Set when the entity is added to a hub.
    hub: Hub | None = None
    entity_id: str | None = None
    platform: str | None = None
    _context: Context | None = None

    @property
    def name(self) -> str | None:
        """Human name, also the source of the entity id."""
        return self._attr_name

    @property
    def unique_id(self) -> str | None:
        """A stable id from the device (serial, MAC + channel) that survives renames."""
        return self._attr_unique_id

    @property
    def available(self) -> bool:
        """False while the device cannot be reached: its state becomes `unavailable`."""
        return self._attr_available

    @property
    def device_info(self) -> DeviceInfo | None:
        """The device this entity belongs to."""
        return self._attr_device_info

    @property
    def device_class(self) -> str | None:
        """What kind of thing this is within its domain (temperature, door, ...)."""
        return self._attr_device_class

    @property
    def should_poll(self) -> bool:
        """True when the hub must call `async_update` periodically."""
        return self._attr_should_poll

    @property
    def scan_interval(self) -> timedelta:
        """How often a polled entity is updated."""
        return self._attr_scan_interval

    @property
    def state(self) -> str | None:
        """The state string; None means unknown."""
        return None

    @property
    def state_attributes(self) -> dict[str, Any] | None:
        """Attributes every entity of a domain has (set by domain base classes)."""
        return None

    @property
    def extra_state_attributes(self) -> dict[str, Any] | None:
        """Attributes particular to an integration."""
        return self._attr_extra_state_attributes

    async def async_update(self) -> None:
        """Fetch fresh data from the device (polled entities only)."""

    async def async_added_to_hub(self) -> None:
        """Run once the entity has its id and is attached to a hub."""

    async def async_will_remove_from_hub(self) -> None:
        """Release resources before the entity is removed."""

    def async_set_context(self, context: Context | None) -> None:
        """Attach the context of the call that caused the next state write."""
        self._context = context

    def async_write_state(self) -> None:
        """Write the current state to the state machine (in the event loop)."""
        if self.hub is None or self.entity_id is None:
            raise RuntimeError(f"Entity {self.name!r} is not added to a hub yet")
        attributes: dict[str, Any] = {}
        if self.available:
            state = self.state
            state = STATE_UNKNOWN if state is None else str(state)
            attributes.update(self.state_attributes or {})
            attributes.update(self.extra_state_attributes or {})
        else:
            state = STATE_UNAVAILABLE
        if self.name:
            attributes[ATTR_FRIENDLY_NAME] = self.name
        if self.device_class:
            attributes[ATTR_DEVICE_CLASS] = self.device_class
        context, self._context = self._context, None
        self.hub.states.async_set(self.entity_id, state, attributes, context=context)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.entity_id or self.name}>"
