"""Errors about people and their credentials."""

from __future__ import annotations

from hub.exceptions import HubError


class PeopleError(HubError):
    """Base class of people and credential errors."""


class PersonNotFound(PeopleError):
    """No person has this id."""

    def __init__(self, person_id: str) -> None:
        super().__init__(f"No person with id '{person_id}' (list them with `menjin people list`)")
        self.person_id = person_id


class DuplicatePersonError(PeopleError):
    """A person with this id already exists."""


class DuplicateCredentialError(PeopleError):
    """A card number (or other unique credential) is already issued to someone."""


class InvalidCredentialError(PeopleError):
    """A presented credential is not valid (bad signature, expired, used up)."""
