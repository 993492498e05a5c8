"""Gates as the access integration sees them: an actuator, and passages to match to grants."""

from __future__ import annotations

import logging
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

_LOGGER = logging.getLogger(__name__)


@dataclass(slots=True)
class PendingGrant:
    """A grant whose passage the turnstile has not confirmed yet."""

    access_id: int
    direction: str
    person: dict[str, Any]
    deadline: float


@dataclass(slots=True)
class GateRuntime:
    """One configured gate: what opens it, and grants waiting for their passage."""

    gate_id: str
    name: str
    zone_id: str | None
    turnstile: str | None
    relay: str | None
    pulse: timedelta
    passage_timeout: float
    pending: deque[PendingGrant] = field(default_factory=deque)
    counters: dict[str, int | None] = field(default_factory=dict)

    def add_grant(self, access_id: int, direction: str, person: dict[str, Any]) -> None:
        """Remember a grant until its passage or its timeout."""
        self.pending.append(PendingGrant(access_id, direction, person,
                                         time.monotonic() + self.passage_timeout))

    def take_grant(self, direction: str) -> PendingGrant | None:
        """The oldest live grant in this direction (people pass in the order admitted)."""
        now = time.monotonic()
        for grant in list(self.pending):
            if grant.deadline >= now and grant.direction == direction:
                self.pending.remove(grant)
                return grant
        return None

    def expired(self) -> list[PendingGrant]:
        """Grants whose person never went through; removed from the queue."""
        now = time.monotonic()
        stale = [grant for grant in self.pending if grant.deadline < now]
        for grant in stale:
            self.pending.remove(grant)
        return stale
