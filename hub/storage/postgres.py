"""PostgreSQL back-end (asyncpg) for sites that outgrow one machine.

Same interface and SQL as SQLite: placeholders are renumbered, rows become
dicts. Commits are durable with the server's default `synchronous_commit=on`.
An optional `schema` keeps several menjin sites (or test runs) in one database.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from typing import Any

from hub.storage.database import POSTGRES, Database, Executor, Params, Row
from hub.storage.errors import DatabaseUnavailableError, IntegrityViolation, StorageError

_LOGGER = logging.getLogger(__name__)

POOL_MIN = 1
POOL_MAX = 8


def _translate(err: Exception) -> StorageError:
    import asyncpg

    if isinstance(err, asyncpg.IntegrityConstraintViolationError):
        return IntegrityViolation(str(err))
    return StorageError(f"PostgreSQL error: {err}")


class _PgExecutor(Executor):
    """Runs statements on one connection (inside a transaction)."""

    dialect = POSTGRES

    def __init__(self, conn: Any) -> None:
        self._conn = conn

    async def execute(self, sql: str, params: Params = ()) -> int:
        import asyncpg

        try:
            status: str = await self._conn.execute(POSTGRES.sql(sql), *params)
        except asyncpg.PostgresError as err:
            raise _translate(err) from err
        tail = status.rsplit(" ", 1)[-1]
        return int(tail) if tail.isdigit() else 0

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        import asyncpg

        try:
            await self._conn.executemany(POSTGRES.sql(sql), list(rows))
        except asyncpg.PostgresError as err:
            raise _translate(err) from err

    async def fetch_all(self, sql: str, params: Params = ()) -> list[Row]:
        import asyncpg

        try:
            records = await self._conn.fetch(POSTGRES.sql(sql), *params)
        except asyncpg.PostgresError as err:
            raise _translate(err) from err
        return [dict(record) for record in records]


def _safe_dsn(dsn: str) -> str:
    """The DSN without its password, for messages."""
    if "@" not in dsn or "://" not in dsn:
        return dsn
    scheme, rest = dsn.split("://", 1)
    credentials, host = rest.rsplit("@", 1)
    user = credentials.split(":", 1)[0]
    return f"{scheme}://{user}@{host}"


class PostgresDatabase(Database):
    """A pool of asyncpg connections to one database (and optionally one schema)."""

    dialect = POSTGRES

    def __init__(self, dsn: str, schema: str | None = None) -> None:
        self._dsn = dsn
        self._schema = schema
        self._pool: Any = None

    async def async_open(self) -> None:
        """Connect, creating the schema when one is named."""
        try:
            import asyncpg
        except ImportError as err:
            raise DatabaseUnavailableError(
                "PostgreSQL storage needs asyncpg: pip install asyncpg"
            ) from err
        settings = {"search_path": self._schema} if self._schema else None
        try:
            if self._schema:
                conn = await asyncpg.connect(self._dsn)
                try:
                    await conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{self._schema}"')
                finally:
                    await conn.close()
            self._pool = await asyncpg.create_pool(
                self._dsn, min_size=POOL_MIN, max_size=POOL_MAX, server_settings=settings
            )
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as err:
            raise DatabaseUnavailableError(
                f"Cannot connect to PostgreSQL at {_safe_dsn(self._dsn)}: {err}. Check that "
                "the server runs and the DSN (host, port, user, database) is right."
            ) from err

    def _require_pool(self) -> Any:
        if self._pool is None:
            raise DatabaseUnavailableError("The PostgreSQL database is closed")
        return self._pool

    async def execute(self, sql: str, params: Params = ()) -> int:
        async with self._require_pool().acquire() as conn:
            return await _PgExecutor(conn).execute(sql, params)

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        async with self._require_pool().acquire() as conn:
            await _PgExecutor(conn).executemany(sql, rows)

    async def fetch_all(self, sql: str, params: Params = ()) -> list[Row]:
        async with self._require_pool().acquire() as conn:
            return await _PgExecutor(conn).fetch_all(sql, params)

    @asynccontextmanager
    async def _transaction(self) -> AsyncIterator[Executor]:
        async with self._require_pool().acquire() as conn, conn.transaction():
            yield _PgExecutor(conn)

    def transaction(self) -> Any:
        return self._transaction()

    async def async_copy_rows(
        self, table: str, columns: Sequence[str], rows: Sequence[Params]
    ) -> None:
        async with self._require_pool().acquire() as conn:
            await conn.copy_records_to_table(
                table, columns=list(columns), records=rows, schema_name=self._schema
            )

    def describe(self) -> str:
        where = _safe_dsn(self._dsn)
        return f"PostgreSQL {where}" + (f" (schema {self._schema})" if self._schema else "")

    async def async_close(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            await pool.close()
