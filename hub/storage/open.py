"""Open the configured database and bring its schema up to date."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from hub.storage.database import Database
from hub.storage.migrate import async_migrate

DEFAULT_SQLITE_NAME = "menjin.db"


@dataclass(frozen=True, slots=True)
class StorageOptions:
    """Which back-end, and where: a SQLite path or a PostgreSQL DSN (and schema)."""

    backend: Literal["sqlite", "postgresql"] = "sqlite"
    path: Path | None = None
    dsn: str | None = None
    schema: str | None = None
    synchronous: Literal["FULL", "NORMAL"] = "FULL"


async def async_open_database(options: StorageOptions, storage_dir: Path) -> Database:
    """Open (creating if needed) and migrate the database the options name."""
    db: Database
    if options.backend == "postgresql":
        from hub.storage.postgres import PostgresDatabase

        if not options.dsn:
            raise ValueError("PostgreSQL storage needs a dsn (postgresql://user@host/db)")
        pg = PostgresDatabase(options.dsn, options.schema)
        await pg.async_open()
        db = pg
    else:
        from hub.storage.sqlite import SqliteDatabase

        path = options.path or storage_dir / DEFAULT_SQLITE_NAME
        lite = SqliteDatabase(path, options.synchronous)
        await lite.async_open()
        db = lite
    try:
        await async_migrate(db)
    except BaseException:
        await db.async_close()
        raise
    return db
