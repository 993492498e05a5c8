"""The people model as frozen dataclasses: what the rest of the hub passes around."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from hub.people.const import PersonKind, PersonStatus, ReviewStatus

PERSON_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


def check_person_id(person_id: str) -> str:
    """A person id: letters, digits, `_.-`, up to 64 characters (used in paths and CLI)."""
    if not PERSON_ID_RE.match(person_id):
        raise ValueError(
            f"invalid person id {person_id!r}: use up to 64 letters, digits, '_', '.' or '-'"
        )
    return person_id


def age_on(birth_date: date, day: date) -> int:
    """Completed years of age on `day`."""
    years = day.year - birth_date.year
    if (day.month, day.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years


@dataclass(frozen=True, slots=True)
class Qualification:
    """A contractor's qualification review: approved, by whom, until when."""

    status: ReviewStatus
    reviewer: str | None = None
    reviewed_at: datetime | None = None
    valid_until: datetime | None = None
    note: str | None = None

    def is_valid_at(self, when: datetime) -> bool:
        """Approved and not expired."""
        if self.status is not ReviewStatus.approved:
            return False
        return self.valid_until is None or when < self.valid_until


@dataclass(frozen=True, slots=True)
class Person:
    """Someone the site knows: a student, staff member, resident, visitor or contractor."""

    id: str
    name: str
    kind: PersonKind
    status: PersonStatus = PersonStatus.active
    groups: frozenset[str] = frozenset()
    birth_date: date | None = None
    valid_from: datetime | None = None
    valid_until: datetime | None = None
    attributes: Mapping[str, Any] = field(default_factory=dict)
    qualification: Qualification | None = None
    left_at: datetime | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None

    def age_on(self, day: date) -> int | None:
        """Age in years on `day`, or None when the birth date is unknown."""
        return None if self.birth_date is None else age_on(self.birth_date, day)

    def in_validity_window(self, when: datetime) -> bool:
        """Inside the permit / visit window (no window means always)."""
        if self.valid_from is not None and when < self.valid_from:
            return False
        return self.valid_until is None or when < self.valid_until


@dataclass(frozen=True, slots=True)
class Guardian:
    """A guardian of a student: who to ask for consent and whom to notify."""

    id: str
    person_id: str
    name: str
    relation: str
    targets: tuple[str, ...] = ()
    guardian_person_id: str | None = None


@dataclass(frozen=True, slots=True)
class HouseholdMember:
    """A person's place in a household (resident, family member, tenant)."""

    household: str
    person_id: str
    role: str
