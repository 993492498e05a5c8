"""Errors raised by the hub core. Messages are sentences a user can act on."""

from __future__ import annotations


class HubError(Exception):
    """Base class for every error the hub raises on purpose."""


class ServiceNotFound(HubError):
    """A service call named a `domain.service` nobody registered."""

    def __init__(self, domain: str, service: str) -> None:
        super().__init__(f"Service {domain}.{service} is not registered")
        self.domain = domain
        self.service = service


class ServiceValidationError(HubError):
    """A service call carried data its schema rejects."""


class EntityUnavailableError(HubError):
    """An action targeted an entity whose device cannot be reached."""


class InvalidEntityId(HubError, ValueError):
    """An entity id does not have the `domain.object_id` shape."""


class ConfigurationError(HubError):
    """The configuration folder cannot be loaded; carries every problem found."""

    def __init__(self, issues: list[object]) -> None:
        self.issues = issues
        super().__init__("\n".join(str(issue) for issue in issues))


class IntegrationNotFound(HubError):
    """No built-in or custom integration provides a domain."""


class DependencyError(HubError):
    """Integration dependencies are missing or form a cycle."""
