"""Who a matched person is, for the event: name, kind and groups, never biometrics."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hub.core import Hub

_LOGGER = logging.getLogger(__name__)
DATA_PEOPLE_STORE = "people_store"


async def async_person_fields(hub: Hub, person_id: str) -> dict[str, Any]:
    """Event fields describing a person; only the id when the people store is absent."""
    store = hub.data.get(DATA_PEOPLE_STORE)
    fields: dict[str, Any] = {"person_id": person_id, "person_name": None,
                              "person_kind": None, "person_groups": []}
    if store is None:
        return fields
    try:
        person = await store.persons.async_get(person_id)
    except Exception as err:  # a storage error must not drop the face event
        _LOGGER.error("Cannot look up person %s: %s", person_id, err)
        return fields
    if person is not None:
        fields.update(person_name=person.name, person_kind=str(person.kind.value),
                      person_groups=sorted(person.groups), person_status=person.status.value)
    return fields
