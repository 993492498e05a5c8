"""Bring a database's schema up to date, one numbered migration per transaction."""

from __future__ import annotations

import logging
import time

from hub.storage.database import Database
from hub.storage.errors import SchemaVersionError
from hub.storage.schema import LATEST_VERSION, MIGRATIONS

_LOGGER = logging.getLogger(__name__)

# Any constant; serialises concurrent migrators on one PostgreSQL database.
_PG_MIGRATION_LOCK = 0x6D656E6A


async def async_schema_version(db: Database) -> int:
    """The version the database is at; 0 for an empty database."""
    await db.execute(
        db.dialect.ddl(
            "CREATE TABLE IF NOT EXISTS schema_version ("
            "version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at {real} NOT NULL)"
        )
    )
    version = await db.fetch_value("SELECT MAX(version) FROM schema_version")
    return int(version or 0)


async def async_migrate(db: Database) -> int:
    """Apply every migration newer than the database; return the final version."""
    current = await async_schema_version(db)
    if current > LATEST_VERSION:
        raise SchemaVersionError(
            f"{db.describe()} is at schema version {current}, newer than this menjin "
            f"knows ({LATEST_VERSION}): upgrade menjin before opening it."
        )
    for migration in MIGRATIONS:
        if migration.version <= current:
            continue
        async with db.transaction() as tx:
            if db.dialect.name == "postgresql":
                await tx.execute("SELECT pg_advisory_xact_lock(?)", (_PG_MIGRATION_LOCK,))
                done = await tx.fetch_value(
                    "SELECT 1 FROM schema_version WHERE version = ?", (migration.version,)
                )
                if done:
                    continue
            for statement in migration.statements(db.dialect):
                await tx.execute(statement)
            await tx.execute(
                "INSERT INTO schema_version (version, description, applied_at) VALUES (?, ?, ?)",
                (migration.version, migration.description, time.time()),
            )
        _LOGGER.info("Database %s migrated to version %d: %s", db.describe(),
                     migration.version, migration.description)
        current = migration.version
    return current
