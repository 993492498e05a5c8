"""The hub's own database: one small interface, SQLite or PostgreSQL behind it.

Repositories (people, credentials, consent, audit, access log) write plain SQL
with `?` placeholders against `Database`; the back-end adapts placeholders and
column types, so the same code and the same tests run on both.
"""

from hub.storage.database import Database, Dialect, Executor, Row
from hub.storage.errors import (
    CorruptRecordError,
    DatabaseUnavailableError,
    IntegrityViolation,
    SchemaVersionError,
    StorageError,
)
from hub.storage.open import StorageOptions, async_open_database

__all__ = [
    "CorruptRecordError",
    "Database",
    "DatabaseUnavailableError",
    "Dialect",
    "Executor",
    "IntegrityViolation",
    "Row",
    "SchemaVersionError",
    "StorageError",
    "StorageOptions",
    "async_open_database",
]
