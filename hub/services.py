"""The service registry: named actions (`turnstile.open`) with validated data."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import voluptuous as vol

from hub.callback import is_callback
from hub.const import EVENT_CALL_SERVICE, EVENT_SERVICE_REGISTERED
from hub.context import Context
from hub.events import EventBus, TaskFactory
from hub.exceptions import ServiceNotFound, ServiceValidationError

_LOGGER = logging.getLogger(__name__)


@dataclass(slots=True, frozen=True)
class ServiceCall:
    """One request to run a service, with the context of whoever asked."""

    domain: str
    service: str
    data: Mapping[str, Any] = field(default_factory=dict)
    context: Context = field(default_factory=Context)

    def __repr__(self) -> str:
        return f"<ServiceCall {self.domain}.{self.service}: {dict(self.data)}>"


ServiceHandler = Callable[[ServiceCall], Awaitable[Any] | Any]


@dataclass(slots=True)
class Service:
    """A registered service: its handler and the schema its data must pass."""

    handler: ServiceHandler
    schema: vol.Schema | None
    is_coroutine: bool


def humanize_invalid(name: str, err: vol.Invalid) -> str:
    """Turn a voluptuous error into one sentence per problem, naming the field."""
    errors = err.errors if isinstance(err, vol.MultipleInvalid) else [err]
    parts = []
    for error in errors:
        path = ".".join(str(key) for key in error.path) or "data"
        parts.append(f"{path}: {error.msg}")
    return f"Invalid data for {name}: " + "; ".join(parts)


class ServiceRegistry:
    """Hold the services integrations offer and run calls against them."""

    def __init__(self, bus: EventBus, task_factory: TaskFactory) -> None:
        self._bus = bus
        self._create_task = task_factory
        self._services: dict[str, dict[str, Service]] = {}

    @property
    def services(self) -> dict[str, list[str]]:
        """Registered service names per domain."""
        return {domain: sorted(items) for domain, items in self._services.items()}

    def has_service(self, domain: str, service: str) -> bool:
        """Tell whether `domain.service` is registered."""
        return service.lower() in self._services.get(domain.lower(), {})

    def async_register(
        self,
        domain: str,
        service: str,
        handler: ServiceHandler,
        schema: vol.Schema | None = None,
    ) -> None:
        """Register a service; its handler gets a validated ServiceCall."""
        domain, service = domain.lower(), service.lower()
        is_coroutine = asyncio.iscoroutinefunction(handler)
        if not is_coroutine and not is_callback(handler):
            raise TypeError(
                f"Handler of {domain}.{service} must be a coroutine function or @callback"
            )
        self._services.setdefault(domain, {})[service] = Service(handler, schema, is_coroutine)
        self._bus.async_fire(EVENT_SERVICE_REGISTERED, {"domain": domain, "service": service})

    def async_remove(self, domain: str, service: str) -> None:
        """Remove a service; removing an unknown one is harmless."""
        self._services.get(domain.lower(), {}).pop(service.lower(), None)

    async def async_call(
        self,
        domain: str,
        service: str,
        data: Mapping[str, Any] | None = None,
        context: Context | None = None,
        blocking: bool = True,
    ) -> Any:
        """Validate and run a service call.

        Bad data raises ServiceValidationError naming the service and the field.
        With `blocking=False` the handler runs as a task and this returns at once.
        """
        domain, service = domain.lower(), service.lower()
        entry = self._services.get(domain, {}).get(service)
        if entry is None:
            raise ServiceNotFound(domain, service)
        payload: Mapping[str, Any] = dict(data or {})
        if entry.schema is not None:
            try:
                payload = entry.schema(payload)
            except vol.Invalid as err:
                raise ServiceValidationError(humanize_invalid(f"{domain}.{service}", err)) from err
        call = ServiceCall(domain, service, payload, context or Context())
        self._bus.async_fire(
            EVENT_CALL_SERVICE,
            {"domain": domain, "service": service, "service_data": payload},
            context=call.context,
        )
        if not entry.is_coroutine:
            return entry.handler(call)
        if blocking:
            return await entry.handler(call)
        return self._create_task(self._run_detached(call, entry), f"service {domain}.{service}")

    async def _run_detached(self, call: ServiceCall, entry: Service) -> None:
        try:
            await entry.handler(call)
        except Exception:
            _LOGGER.exception("Error running %s.%s", call.domain, call.service)
