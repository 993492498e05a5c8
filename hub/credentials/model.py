"""The credential record shared by every credential type."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from hub.people.const import CredentialType


@dataclass(frozen=True, slots=True)
class Credential:
    """One way a person can prove who they are; never holds the secret itself."""

    id: str
    person_id: str
    type: CredentialType
    status: str = "active"
    valid_from: datetime | None = None
    valid_until: datetime | None = None
    uses_left: int | None = None
    consent_id: str | None = None
    data: Mapping[str, Any] = field(default_factory=dict)
    created_at: datetime | None = None

    def is_valid_at(self, when: datetime) -> bool:
        """Active, inside its window, and with uses left (when counted)."""
        if self.status != "active":
            return False
        if self.valid_from is not None and when < self.valid_from:
            return False
        if self.valid_until is not None and when >= self.valid_until:
            return False
        return self.uses_left is None or self.uses_left > 0
