"""One device in the registry, as the hub and `menjin devices` see it."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from typing import Any

from hub.devices.const import ACTUATOR_DOMAINS, STATUS_PENDING, STATUSES


@dataclass(slots=True)
class DiscoveryInfo:
    """What an integration found, and why it believes it knows the device.

    `domains` lists the entity domains the device would get; the registry,
    not the integration, decides from them whether it is an actuator.
    """

    device_id: str
    source: str
    integration: str
    name: str
    matched: str
    domains: tuple[str, ...]
    model: str | None = None
    manufacturer: str | None = None
    profile: str | None = None
    auto_adopt: bool = False
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def is_actuator(self) -> bool:
        """True when any entity would move something: such devices wait for an installer."""
        return bool(set(self.domains) & ACTUATOR_DOMAINS)


@dataclass(slots=True)
class DeviceEntry:
    """A device the hub knows: pending, confirmed, ignored or unavailable."""

    id: str
    status: str
    source: str
    integration: str
    name: str
    model: str | None = None
    manufacturer: str | None = None
    profile: str | None = None
    matched: str = ""
    domains: list[str] = field(default_factory=list)
    actuator: bool = False
    adopted_by: str | None = None  # "installer", "auto" or "config"
    entities: list[str] = field(default_factory=list)
    states: dict[str, str] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)
    first_seen: float = field(default_factory=time.time)
    last_seen: float = field(default_factory=time.time)

    @classmethod
    def from_info(cls, info: DiscoveryInfo) -> DeviceEntry:
        """A new pending entry for a first discovery."""
        return cls(
            id=info.device_id, status=STATUS_PENDING, source=info.source,
            integration=info.integration, name=info.name, model=info.model,
            manufacturer=info.manufacturer, profile=info.profile, matched=info.matched,
            domains=sorted(info.domains), actuator=info.is_actuator, data=dict(info.data),
        )

    def update_from(self, info: DiscoveryInfo) -> None:
        """Refresh what the device says about itself; never its status."""
        self.source, self.integration, self.name = info.source, info.integration, info.name
        self.model, self.manufacturer = info.model, info.manufacturer
        self.profile, self.matched = info.profile, info.matched
        self.domains = sorted(info.domains)
        self.actuator = info.is_actuator
        self.data = dict(info.data)
        self.last_seen = time.time()

    def as_dict(self) -> dict[str, Any]:
        """JSON form stored in the registry file."""
        return asdict(self)

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> DeviceEntry | None:
        """Rebuild from the file; None for an entry too damaged to use."""
        try:
            entry = cls(**{key: raw[key] for key in cls.__dataclass_fields__ if key in raw})
        except TypeError:
            return None
        if entry.status not in STATUSES:
            return None
        return entry

    def summary(self) -> dict[str, Any]:
        """The public JSON item of `menjin devices --json`."""
        return {
            "id": self.id, "status": self.status, "source": self.source,
            "integration": self.integration, "name": self.name, "model": self.model,
            "entities": list(self.entities), "manufacturer": self.manufacturer,
            "profile": self.profile, "matched": self.matched, "actuator": self.actuator,
            "states": dict(self.states),
        }
