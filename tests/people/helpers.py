"""Small builders for data-layer tests."""

from __future__ import annotations

from datetime import UTC, date, datetime

import numpy as np

from hub.people.const import PersonKind
from hub.people.model import Person
from hub.people.store import PeopleStore
from hub.privacy.const import Purpose

NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # a Monday, 16:00 in Shanghai


def vector(seed: int, dim: int = 128) -> np.ndarray:
    """A deterministic unit embedding."""
    values = np.random.default_rng(seed).standard_normal(dim).astype(np.float32)
    return values / np.linalg.norm(values)


async def add_adult(store: PeopleStore, person_id: str = "wang", **kwargs: object) -> Person:
    """An adult staff member."""
    person = Person(person_id, kwargs.pop("name", "Wang Wei"), kwargs.pop("kind", PersonKind.staff),
                    birth_date=date(1985, 4, 1), **kwargs)  # type: ignore[arg-type]
    return await store.persons.async_add(person)


async def add_enrolled_adult(store: PeopleStore, person_id: str = "wang", seed: int = 1) -> None:
    """An adult with gate-entry consent and a face."""
    await add_adult(store, person_id)
    await store.consents.async_grant(person_id, Purpose.gate_entry, "self", "kiosk", "v1")
    await store.biometrics.async_enroll(person_id, [vector(seed)], "sface_2021dec", [0.9])
