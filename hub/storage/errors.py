"""Errors of the storage layer, worded for the person running the site."""

from __future__ import annotations

from hub.exceptions import HubError


class StorageError(HubError):
    """Base class of every error the storage layer raises on purpose."""


class DatabaseUnavailableError(StorageError):
    """The database cannot be opened or reached (missing folder, server down, bad DSN)."""


class SchemaVersionError(StorageError):
    """The database was written by a newer menjin than this one."""


class IntegrityViolation(StorageError):
    """A write broke a uniqueness or reference rule (e.g. a card number already issued)."""


class CorruptRecordError(StorageError):
    """A stored row cannot be read back as what it claims to be; nothing is granted on it."""
