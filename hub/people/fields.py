"""The fields that describe a person in events and messages: never biometrics."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hub.people.store import PeopleStore

_LOGGER = logging.getLogger(__name__)


async def async_person_fields(store: PeopleStore | None, person_id: str | None
                              ) -> dict[str, Any]:
    """`person_id`, `person_name`, `person_kind`, `person_groups`, `person_status`.

    A storage error is logged and leaves the fields empty: the event that carries
    them (a face at the gate, a decision) must never be dropped for a name.
    """
    fields: dict[str, Any] = {"person_id": person_id, "person_name": None,
                              "person_kind": None, "person_groups": [],
                              "person_status": None}
    if not person_id or store is None:
        return fields
    try:
        person = await store.persons.async_get(person_id)
    except Exception as err:
        _LOGGER.error("Cannot look up person %s: %s", person_id, err)
        return fields
    if person is not None:
        fields.update(person_name=person.name, person_kind=person.kind.value,
                      person_groups=sorted(person.groups), person_status=person.status.value)
    return fields
