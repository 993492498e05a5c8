"""Who a matched person is, for the event: name, kind and groups, never biometrics."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from hub.people.const import DATA_STORE
from hub.people.fields import async_person_fields as people_fields

if TYPE_CHECKING:
    from hub.core import Hub

DATA_PEOPLE_STORE = DATA_STORE


async def async_person_fields(hub: Hub, person_id: str) -> dict[str, Any]:
    """Event fields describing a person; only the id when the people store is absent."""
    return await people_fields(hub.data.get(DATA_STORE), person_id)
