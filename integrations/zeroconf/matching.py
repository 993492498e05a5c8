"""Match a zeroconf service against the matchers integrations name in their manifests.

A matcher is a service type (`"_rtsp._tcp.local."`) or a type with properties
that must all be equal (`{"type": "_http._tcp.local.", "properties": {...}}`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .const import MAX_PROPERTY_LENGTH


@dataclass(frozen=True, slots=True)
class Matcher:
    """One zeroconf matcher of one integration."""

    domain: str
    service_type: str
    properties: tuple[tuple[str, str], ...] = ()

    def matches(self, service_type: str, properties: dict[str, str]) -> bool:
        """True when the type is equal and every required property has its value."""
        return service_type == self.service_type and all(
            properties.get(key) == value for key, value in self.properties)

    def describe(self) -> str:
        """Why it matched, for the registry's `matched` field."""
        props = ", ".join(f"{key}={value}" for key, value in self.properties)
        return f"zeroconf {self.service_type}" + (f" with {props}" if props else "") + \
            f" (manifest of {self.domain})"


def matchers_from_manifests(manifests: dict[str, tuple[Any, ...]]) -> list[Matcher]:
    """Matchers from each domain's `zeroconf` manifest entries."""
    matchers = []
    for domain, entries in manifests.items():
        for entry in entries:
            if isinstance(entry, str):
                matchers.append(Matcher(domain, entry))
            elif isinstance(entry, dict) and isinstance(entry.get("type"), str):
                props = tuple(sorted((str(k), str(v))
                                     for k, v in (entry.get("properties") or {}).items()))
                matchers.append(Matcher(domain, entry["type"], props))
    return matchers


def decode_properties(raw: dict[bytes, bytes | None]) -> dict[str, str]:
    """TXT properties as short text; anything undecodable or oversized is dropped."""
    properties: dict[str, str] = {}
    for key, value in raw.items():
        try:
            text_key = key.decode("utf-8")
            text_value = "" if value is None else value.decode("utf-8")
        except (UnicodeDecodeError, AttributeError):
            continue
        if len(text_key) <= 64 and len(text_value) <= MAX_PROPERTY_LENGTH:
            properties[text_key] = text_value
    return properties
