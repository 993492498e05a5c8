"""The interface every repository writes against, and the SQL dialect it hides.

SQL is written once with `?` placeholders and the type names below in braces
(`{blob}`, `{real}`, `{bigint}`, `{serial_pk}`) in DDL; `Dialect` turns it into
what each server expects. Rows come back as plain dicts so callers never see
sqlite3.Row or asyncpg.Record.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

Row = dict[str, Any]
Params = Sequence[Any]

_PLACEHOLDER = re.compile(r"\?")


@dataclass(frozen=True, slots=True)
class Dialect:
    """How one server spells placeholders, types and row locks."""

    name: str
    blob: str
    real: str
    bigint: str
    serial_pk: str
    numbered_params: bool
    for_update: str

    def ddl(self, statement: str) -> str:
        """Fill the type names of a DDL statement for this server."""
        return statement.format(
            blob=self.blob, real=self.real, bigint=self.bigint, serial_pk=self.serial_pk
        )

    def sql(self, statement: str) -> str:
        """Turn `?` placeholders into this server's form."""
        return _numbered(statement) if self.numbered_params else statement


@lru_cache(maxsize=512)
def _numbered(statement: str) -> str:
    counter = iter(range(1, 10_000))
    return _PLACEHOLDER.sub(lambda _match: f"${next(counter)}", statement)


SQLITE = Dialect(
    name="sqlite",
    blob="BLOB",
    real="REAL",
    bigint="INTEGER",
    serial_pk="INTEGER PRIMARY KEY AUTOINCREMENT",
    numbered_params=False,
    for_update="",
)
POSTGRES = Dialect(
    name="postgresql",
    blob="BYTEA",
    real="DOUBLE PRECISION",
    bigint="BIGINT",
    serial_pk="BIGSERIAL PRIMARY KEY",
    numbered_params=True,
    for_update=" FOR UPDATE",
)


class Executor(ABC):
    """Something SQL runs on: the database itself, or one open transaction."""

    dialect: Dialect

    @abstractmethod
    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run one statement; return the number of rows it changed."""

    @abstractmethod
    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        """Run one statement for many parameter rows."""

    @abstractmethod
    async def fetch_all(self, sql: str, params: Params = ()) -> list[Row]:
        """Run a query; return every row as a dict."""

    async def fetch_one(self, sql: str, params: Params = ()) -> Row | None:
        """Run a query; return its first row or None."""
        rows = await self.fetch_all(sql, params)
        return rows[0] if rows else None

    async def fetch_value(self, sql: str, params: Params = ()) -> Any:
        """Run a query; return the first column of its first row, or None."""
        row = await self.fetch_one(sql, params)
        return None if row is None else next(iter(row.values()))


class Database(Executor):
    """An open database: statements outside a transaction commit one by one."""

    @abstractmethod
    def transaction(self) -> AbstractAsyncContextManager[Executor]:
        """Run several statements atomically: all commit together, or none."""

    @abstractmethod
    async def async_close(self) -> None:
        """Close connections and threads; the object cannot be used afterwards."""

    @abstractmethod
    async def async_copy_rows(
        self, table: str, columns: Sequence[str], rows: Sequence[Params]
    ) -> None:
        """Load many rows fast (bulk import, benchmarks); one transaction."""

    @abstractmethod
    def describe(self) -> str:
        """Where the data lives, for messages (never includes a password)."""

    async def table_names(self) -> list[str]:
        """Every table of our schema, for erasure checks and diagnostics."""
        if self.dialect.name == "sqlite":
            rows = await self.fetch_all(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        else:
            rows = await self.fetch_all(
                "SELECT table_name AS name FROM information_schema.tables "
                "WHERE table_schema = current_schema() ORDER BY table_name"
            )
        return [str(row["name"]) for row in rows]

