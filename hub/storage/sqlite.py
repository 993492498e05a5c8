"""SQLite back-end: one connection on one dedicated thread, WAL, fsync on commit.

Every statement runs on the database's own single-thread executor, so the
event loop never waits on disk and sqlite never sees two threads. An asyncio
lock keeps a transaction's statements together: nothing else runs on the
connection between BEGIN and COMMIT. `synchronous=FULL` makes each commit
fsync the WAL, which is what "written before the actuator moves" needs.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

from hub.storage.database import SQLITE, Database, Executor, Params, Row
from hub.storage.errors import DatabaseUnavailableError, IntegrityViolation, StorageError

_LOGGER = logging.getLogger(__name__)
_T = TypeVar("_T")

BUSY_TIMEOUT_MS = 10_000


def _dict_row(cursor: sqlite3.Cursor, row: tuple[Any, ...]) -> Row:
    return {column[0]: value for column, value in zip(cursor.description, row, strict=True)}


def _translate(err: sqlite3.Error) -> StorageError:
    if isinstance(err, sqlite3.IntegrityError):
        return IntegrityViolation(str(err))
    return StorageError(f"SQLite error: {err}")


class _SqliteExecutor(Executor):
    """Runs statements on the shared connection; used inside and outside transactions."""

    dialect = SQLITE

    def __init__(self, db: SqliteDatabase) -> None:
        self._db = db

    async def execute(self, sql: str, params: Params = ()) -> int:
        def run(conn: sqlite3.Connection) -> int:
            return conn.execute(sql, params).rowcount

        return await self._db.run(run)

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        materialised = list(rows)

        def run(conn: sqlite3.Connection) -> None:
            conn.executemany(sql, materialised)

        await self._db.run(run)

    async def fetch_all(self, sql: str, params: Params = ()) -> list[Row]:
        def run(conn: sqlite3.Connection) -> list[Row]:
            return conn.execute(sql, params).fetchall()

        return await self._db.run(run)


class SqliteDatabase(Database):
    """A SQLite file in WAL mode, used only from its own thread."""

    dialect = SQLITE

    def __init__(self, path: Path, synchronous: str = "FULL") -> None:
        self.path = path
        self._synchronous = synchronous
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="menjin-sqlite")
        self._conn: sqlite3.Connection | None = None
        self._lock = asyncio.Lock()
        self._in_tx: asyncio.Task[Any] | None = None
        self._plain = _SqliteExecutor(self)

    async def async_open(self) -> None:
        """Open the file (creating its folder), switch on WAL and foreign keys."""
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(self._thread, self._open_sync)

    def _open_sync(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(
                self.path, isolation_level=None, check_same_thread=False,
                timeout=BUSY_TIMEOUT_MS / 1000,
            )
        except (OSError, sqlite3.Error) as err:
            raise DatabaseUnavailableError(
                f"Cannot open the database {self.path}: {err}. Check that the folder "
                "exists and is writable by the user running menjin."
            ) from err
        try:
            conn.row_factory = _dict_row
            mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()
            if mode is None or str(next(iter(mode.values()))).lower() != "wal":
                raise DatabaseUnavailableError(
                    f"{self.path} cannot use WAL mode (is it on a network file system?)"
                )
            conn.execute(f"PRAGMA synchronous={self._synchronous}")
            conn.execute("PRAGMA foreign_keys=ON")
            conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        except sqlite3.DatabaseError as err:
            conn.close()
            raise DatabaseUnavailableError(
                f"{self.path} is not a readable SQLite database ({err}); restore it from "
                "a backup or move it away to start a new one."
            ) from err
        self._conn = conn

    async def run(self, func: Callable[[sqlite3.Connection], _T]) -> _T:
        """Run `func(connection)` on the database thread, translating sqlite errors."""
        conn = self._conn
        if conn is None:
            raise DatabaseUnavailableError(f"The database {self.path} is closed")

        def call() -> _T:
            try:
                return func(conn)
            except sqlite3.Error as err:
                raise _translate(err) from err

        if self._in_tx is not None and self._in_tx is asyncio.current_task():
            return await asyncio.get_running_loop().run_in_executor(self._thread, call)
        async with self._lock:
            return await asyncio.get_running_loop().run_in_executor(self._thread, call)

    async def execute(self, sql: str, params: Params = ()) -> int:
        return await self._plain.execute(sql, params)

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        await self._plain.executemany(sql, rows)

    async def fetch_all(self, sql: str, params: Params = ()) -> list[Row]:
        return await self._plain.fetch_all(sql, params)

    @asynccontextmanager
    async def _transaction(self) -> AsyncIterator[Executor]:
        loop = asyncio.get_running_loop()
        conn = self._conn
        if conn is None:
            raise DatabaseUnavailableError(f"The database {self.path} is closed")
        if self._in_tx is not None and self._in_tx is asyncio.current_task():
            raise StorageError("Nested transactions are not supported")
        async with self._lock:
            self._in_tx = asyncio.current_task()
            try:
                await loop.run_in_executor(self._thread, conn.execute, "BEGIN IMMEDIATE")
                try:
                    yield self._plain
                except BaseException:
                    await loop.run_in_executor(self._thread, conn.execute, "ROLLBACK")
                    raise
                try:
                    await loop.run_in_executor(self._thread, conn.execute, "COMMIT")
                except sqlite3.Error as err:
                    await loop.run_in_executor(self._thread, conn.execute, "ROLLBACK")
                    raise _translate(err) from err
            finally:
                self._in_tx = None

    def transaction(self) -> Any:
        return self._transaction()

    async def async_copy_rows(
        self, table: str, columns: Sequence[str], rows: Sequence[Params]
    ) -> None:
        placeholders = ", ".join("?" for _ in columns)
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})"
        async with self.transaction() as tx:
            await tx.executemany(sql, rows)

    def describe(self) -> str:
        return f"SQLite {self.path}"

    async def async_close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            async with self._lock:
                await asyncio.get_running_loop().run_in_executor(self._thread, conn.close)
        self._thread.shutdown(wait=True)
