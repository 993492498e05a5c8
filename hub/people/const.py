"""Constants of people, credentials and access decisions."""

from __future__ import annotations

import enum
from typing import Final

DOMAIN: Final = "people"
DATA_STORE: Final = "people_store"

# Everyone under this age needs a guardian's consent (PIPL art. 31).
GUARDIAN_CONSENT_BELOW_AGE: Final = 14
# From this age a guardian's consent is refused: the person consents themselves.
ADULT_AGE: Final = 18


class PersonKind(enum.StrEnum):
    """Who a person is to the site; rules and retention differ per kind."""

    student = "student"
    staff = "staff"
    resident = "resident"
    visitor = "visitor"
    contractor = "contractor"


class PersonStatus(enum.StrEnum):
    """Whether a person may pass at all."""

    active = "active"
    suspended = "suspended"
    left = "left"


class ReviewStatus(enum.StrEnum):
    """A contractor's qualification review."""

    approved = "approved"
    pending = "pending"
    rejected = "rejected"


class CredentialType(enum.StrEnum):
    """Ways to prove who you are at a gate; face is only one of them."""

    face = "face"
    card = "card"
    qr = "qr"
    pin = "pin"
    guard = "guard"


class Direction(enum.StrEnum):
    """Which way a person passes a gate."""

    entry = "in"
    exit = "out"


class AntiPassback(enum.StrEnum):
    """How a zone stops one credential letting two people in."""

    off = "off"
    logical = "logical"  # in must alternate with out
    timed = "timed"  # no second entry within passback_seconds


class Decision(enum.StrEnum):
    """The outcome written to the access log."""

    granted = "granted"
    denied = "denied"


class PassageOutcome(enum.StrEnum):
    """What the passage sensor said after a decision."""

    passed = "passed"
    not_passed = "not_passed"
