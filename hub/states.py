"""The state machine: the current state of every entity, and `state_changed` events."""

from __future__ import annotations

import re
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from functools import lru_cache
from types import MappingProxyType
from typing import Any

from hub.const import EVENT_STATE_CHANGED
from hub.context import Context
from hub.events import EventBus
from hub.exceptions import InvalidEntityId

# Same shape as Home Assistant: lowercase words joined by single underscores.
_ENTITY_ID_RE = re.compile(r"^(?!.+__)(?!_)[\da-z_]+(?<!_)\.(?!_)[\da-z_]+(?<!_)$")
MAX_STATE_LENGTH = 255

_EMPTY_ATTRIBUTES: Mapping[str, Any] = MappingProxyType({})


@lru_cache(maxsize=4096)
def valid_entity_id(entity_id: str) -> bool:
    """Tell whether `entity_id` has the `domain.object_id` shape."""
    return _ENTITY_ID_RE.match(entity_id) is not None


def split_entity_id(entity_id: str) -> tuple[str, str]:
    """Split `domain.object_id`; raise InvalidEntityId when it has no dot."""
    domain, sep, object_id = entity_id.partition(".")
    if not sep:
        raise InvalidEntityId(f"Entity id {entity_id!r} must look like 'domain.object_id'")
    return domain, object_id


class State:
    """An immutable snapshot of one entity at one moment."""

    __slots__ = (
        "attributes",
        "context",
        "domain",
        "entity_id",
        "last_changed",
        "last_updated",
        "object_id",
        "state",
    )

    def __init__(
        self,
        entity_id: str,
        state: str,
        attributes: Mapping[str, Any] | None = None,
        last_changed: float | None = None,
        last_updated: float | None = None,
        context: Context | None = None,
        validate_entity_id: bool = True,
    ) -> None:
        if validate_entity_id and not valid_entity_id(entity_id):
            raise InvalidEntityId(
                f"Invalid entity id {entity_id!r}: use lowercase letters, digits and single "
                "underscores, as in 'turnstile.gate_3'"
            )
        if len(state) > MAX_STATE_LENGTH:
            raise ValueError(
                f"State of {entity_id} is longer than {MAX_STATE_LENGTH} characters; "
                "put long values in attributes"
            )
        self.entity_id = entity_id
        self.domain, self.object_id = split_entity_id(entity_id)
        self.state = state
        self.attributes: Mapping[str, Any] = (
            MappingProxyType(dict(attributes)) if attributes else _EMPTY_ATTRIBUTES
        )
        now = time.time()
        self.last_updated = last_updated if last_updated is not None else now
        self.last_changed = last_changed if last_changed is not None else self.last_updated
        self.context = context if context is not None else Context()

    @property
    def name(self) -> str:
        """The friendly name if set, else the object id."""
        return str(self.attributes.get("friendly_name") or self.object_id.replace("_", " "))

    def as_dict(self) -> dict[str, Any]:
        """Serialisable form for the API and history."""
        return {
            "entity_id": self.entity_id,
            "state": self.state,
            "attributes": dict(self.attributes),
            "last_changed": datetime.fromtimestamp(self.last_changed, UTC).isoformat(),
            "last_updated": datetime.fromtimestamp(self.last_updated, UTC).isoformat(),
            "context": self.context.as_dict(),
        }

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, State)
            and self.entity_id == other.entity_id
            and self.state == other.state
            and self.attributes == other.attributes
        )

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"<State {self.entity_id}={self.state}>"


class StateMachine:
    """Hold the current state of every entity and announce every change."""

    def __init__(self, bus: EventBus) -> None:
        self._bus = bus
        self._states: dict[str, State] = {}

    def get(self, entity_id: str) -> State | None:
        """The current state of an entity, or None if it has none."""
        return self._states.get(entity_id.lower())

    def all(self, domain: str | None = None) -> list[State]:
        """Every current state, optionally only those of one domain."""
        if domain is None:
            return list(self._states.values())
        return [state for state in self._states.values() if state.domain == domain]

    def entity_ids(self, domain: str | None = None) -> list[str]:
        """Every entity id with a state, optionally only one domain's."""
        return [state.entity_id for state in self.all(domain)]

    def is_state(self, entity_id: str, state: str) -> bool:
        """Tell whether an entity currently has the given state."""
        current = self._states.get(entity_id)
        return current is not None and current.state == state

    def async_set(
        self,
        entity_id: str,
        new_state: str,
        attributes: Mapping[str, Any] | None = None,
        force_update: bool = False,
        context: Context | None = None,
    ) -> State:
        """Set an entity's state; fire `state_changed` unless nothing changed."""
        entity_id = entity_id.lower()
        new_state = str(new_state)
        attributes = attributes or {}
        old = self._states.get(entity_id)
        same_state = old is not None and old.state == new_state and not force_update
        if same_state and old is not None and old.attributes == attributes:
            return old
        now = time.time()
        last_changed = old.last_changed if same_state and old is not None else now
        state = State(entity_id, new_state, attributes, last_changed, now, context)
        self._states[entity_id] = state
        self._bus.async_fire(
            EVENT_STATE_CHANGED,
            {"entity_id": entity_id, "old_state": old, "new_state": state},
            context=state.context,
            time_fired=now,
        )
        return state

    def async_remove(self, entity_id: str, context: Context | None = None) -> bool:
        """Forget an entity's state; fire `state_changed` with no new state."""
        old = self._states.pop(entity_id.lower(), None)
        if old is None:
            return False
        self._bus.async_fire(
            EVENT_STATE_CHANGED,
            {"entity_id": old.entity_id, "old_state": old, "new_state": None},
            context=context,
        )
        return True
