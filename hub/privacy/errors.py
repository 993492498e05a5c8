"""Errors of the privacy layer: each one says what to do about it."""

from __future__ import annotations

from hub.exceptions import HubError


class PrivacyError(HubError):
    """Base class of every privacy rule the hub enforces."""


class SiteKeyError(PrivacyError):
    """The site key is missing, unreadable or malformed: no biometric data can be used."""


class WrongSiteKeyError(SiteKeyError):
    """The site key is not the one the database's biometric data was encrypted with."""


class ConsentRequiredError(PrivacyError):
    """An action needs a consent that is not on record (or was withdrawn)."""


class ConsentRuleError(PrivacyError):
    """A consent cannot be recorded as given (e.g. a guardian's consent for an adult)."""


class BiometricContentError(PrivacyError):
    """Something tried to put biometric content where it must never go (audit, logs)."""
