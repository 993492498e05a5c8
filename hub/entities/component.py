"""Per-domain entity components: entity ids, domain services and polling.

An integration never registers `turnstile.open` itself: it adds turnstile
entities, and the turnstile component dispatches each call to the entities
the call targets. That keeps every domain's services identical whatever the
hardware behind them.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import voluptuous as vol

import hub.config.validation as cv
from hub.const import ATTR_ENTITY_ID, ENTITY_MATCH_ALL
from hub.entities.entity import Entity
from hub.exceptions import EntityUnavailableError, HubError, ServiceValidationError
from hub.services import ServiceCall
from hub.states import valid_entity_id

if TYPE_CHECKING:
    from hub.core import Hub

_LOGGER = logging.getLogger(__name__)
DATA_COMPONENTS = "entity_components"


@dataclass(frozen=True, slots=True)
class EntityService:
    """A domain service that calls one method on every targeted entity."""

    name: str
    method: str
    schema: dict[Any, Any]


def entity_service_schema(extra: dict[Any, Any] | None = None) -> vol.Schema:
    """Schema of an entity service: a target plus the service's own fields."""
    return vol.Schema(
        {
            vol.Required(ATTR_ENTITY_ID): vol.Any(
                vol.All(vol.Lower, ENTITY_MATCH_ALL), cv.entity_ids
            ),
            **(extra or {}),
        }
    )


def slugify(text: str) -> str:
    """Lowercase words joined by single underscores, for entity ids."""
    slug = re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")
    return slug or "unnamed"


class EntityComponent:
    """Every entity of one domain, and the domain's services."""

    def __init__(self, hub: Hub, domain: str, services: Iterable[EntityService]) -> None:
        self.hub = hub
        self.domain = domain
        self.entities: dict[str, Entity] = {}
        self._by_unique_id: dict[str, Entity] = {}
        for service in services:
            self._register(service)

    def _register(self, service: EntityService) -> None:
        async def handle(call: ServiceCall) -> None:
            await self._async_dispatch(service, call)

        handle.__qualname__ = f"{self.domain}.{service.name}"
        self.hub.services.async_register(
            self.domain, service.name, handle, entity_service_schema(service.schema)
        )

    def _targets(self, call: ServiceCall) -> list[Entity]:
        target = call.data[ATTR_ENTITY_ID]
        if target == ENTITY_MATCH_ALL:
            return list(self.entities.values())
        entities = []
        for entity_id in target:
            entity = self.entities.get(entity_id)
            if entity is None:
                raise ServiceValidationError(
                    f"{call.domain}.{call.service}: no {self.domain} entity '{entity_id}'"
                    f" (known: {', '.join(sorted(self.entities)) or 'none'})"
                )
            entities.append(entity)
        return entities

    async def _async_dispatch(self, service: EntityService, call: ServiceCall) -> None:
        kwargs = {key: value for key, value in call.data.items() if key != ATTR_ENTITY_ID}
        entities = self._targets(call)
        for entity in entities:
            if not entity.available:
                raise EntityUnavailableError(
                    f"{entity.entity_id} is unavailable: {call.domain}.{call.service} "
                    "was not sent"
                )
        results = await asyncio.gather(
            *(self._async_call_entity(entity, service, call, kwargs) for entity in entities),
            return_exceptions=True,
        )
        errors = [result for result in results if isinstance(result, BaseException)]
        if errors:
            first = errors[0]
            if isinstance(first, HubError):
                raise first
            raise HubError(f"{call.domain}.{call.service} failed: {first}") from first

    async def _async_call_entity(
        self, entity: Entity, service: EntityService, call: ServiceCall, kwargs: dict[str, Any]
    ) -> None:
        entity.async_set_context(call.context)
        method: Callable[..., Any] = getattr(entity, service.method)
        await method(**kwargs)

    async def async_add_entities(self, entities: Iterable[Entity], platform: str) -> None:
        """Give each entity an id, attach it to the hub and write its first state."""
        for entity in entities:
            if entity.unique_id is not None and entity.unique_id in self._by_unique_id:
                _LOGGER.error(
                    "Platform %s tried to add %s entity with duplicate unique id %s; ignored",
                    platform, self.domain, entity.unique_id,
                )
                continue
            entity.hub = self.hub
            entity.platform = platform
            if entity.entity_id is None:
                entity.entity_id = self._new_entity_id(entity)
            elif not valid_entity_id(entity.entity_id):
                raise HubError(f"Entity id {entity.entity_id!r} from {platform} is invalid")
            self.entities[entity.entity_id] = entity
            if entity.unique_id is not None:
                self._by_unique_id[entity.unique_id] = entity
            await entity.async_added_to_hub()
            entity.async_write_state()
            if entity.should_poll:
                self.hub.async_create_background_task(
                    self._async_poll(entity), f"poll {entity.entity_id}"
                )

    async def async_remove_entity(self, entity_id: str) -> None:
        """Detach an entity and forget its state."""
        entity = self.entities.pop(entity_id, None)
        if entity is None:
            return
        if entity.unique_id is not None:
            self._by_unique_id.pop(entity.unique_id, None)
        await entity.async_will_remove_from_hub()
        self.hub.states.async_remove(entity_id)

    def _new_entity_id(self, entity: Entity) -> str:
        base = f"{self.domain}.{slugify(entity.name or entity.unique_id or self.domain)}"
        candidate, number = base, 2
        while candidate in self.entities or self.hub.states.get(candidate) is not None:
            candidate = f"{base}_{number}"
            number += 1
        return candidate

    async def _async_poll(self, entity: Entity) -> None:
        interval = entity.scan_interval.total_seconds()
        while True:
            await asyncio.sleep(interval)
            try:
                await entity.async_update()
            except Exception:
                _LOGGER.exception("Update of %s failed", entity.entity_id)
                entity._attr_available = False
            entity.async_write_state()


def async_get_component(hub: Hub, domain: str) -> EntityComponent:
    """The component of a built-in domain, created on first use."""
    components: dict[str, EntityComponent] = hub.data.setdefault(DATA_COMPONENTS, {})
    if domain not in components:
        from hub.entities.domains import DOMAIN_SERVICES

        if domain not in DOMAIN_SERVICES:
            raise HubError(
                f"Unknown entity domain '{domain}'; known: {', '.join(sorted(DOMAIN_SERVICES))}"
            )
        components[domain] = EntityComponent(hub, domain, DOMAIN_SERVICES[domain])
    return components[domain]


async def async_add_entities(
    hub: Hub, domain: str, entities: Iterable[Entity], platform: str
) -> None:
    """Add entities of a built-in domain on behalf of the integration `platform`."""
    await async_get_component(hub, domain).async_add_entities(entities, platform)
