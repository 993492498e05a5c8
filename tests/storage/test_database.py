"""The storage layer itself: migrations, transactions, errors, on both back-ends."""

from __future__ import annotations

import pytest

from hub.storage import (
    IntegrityViolation,
    SchemaVersionError,
    StorageOptions,
    async_open_database,
)
from hub.storage.migrate import async_schema_version
from hub.storage.schema import LATEST_VERSION


async def test_migrates_to_latest_and_reopens(storage_options: StorageOptions, tmp_path) -> None:
    db = await async_open_database(storage_options, tmp_path)
    try:
        assert await async_schema_version(db) == LATEST_VERSION
        tables = await db.table_names()
        for table in ("persons", "credentials", "biometric_templates", "consents",
                      "access_log", "audit_log", "schema_version"):
            assert table in tables
    finally:
        await db.async_close()
    again = await async_open_database(storage_options, tmp_path)
    try:
        assert await async_schema_version(again) == LATEST_VERSION
    finally:
        await again.async_close()


async def test_newer_schema_is_refused(storage_options: StorageOptions, tmp_path) -> None:
    db = await async_open_database(storage_options, tmp_path)
    await db.execute("INSERT INTO schema_version (version, description, applied_at) "
                     "VALUES (?, ?, ?)", (LATEST_VERSION + 1, "future", 0.0))
    await db.async_close()
    with pytest.raises(SchemaVersionError, match="upgrade menjin"):
        await async_open_database(storage_options, tmp_path)


async def test_transaction_rolls_back_on_error(storage_options: StorageOptions, tmp_path) -> None:
    db = await async_open_database(storage_options, tmp_path)
    try:
        with pytest.raises(RuntimeError):
            async with db.transaction() as tx:
                await tx.execute("INSERT INTO meta (key, value) VALUES (?, ?)", ("a", "1"))
                raise RuntimeError("boom")
        assert await db.fetch_value("SELECT value FROM meta WHERE key = ?", ("a",)) is None
        await db.execute("INSERT INTO meta (key, value) VALUES (?, ?)", ("b", "1"))
        with pytest.raises(IntegrityViolation):
            await db.execute("INSERT INTO meta (key, value) VALUES (?, ?)", ("b", "2"))
    finally:
        await db.async_close()


async def test_audit_table_refuses_update_and_delete(
    storage_options: StorageOptions, tmp_path
) -> None:
    db = await async_open_database(storage_options, tmp_path)
    try:
        await db.execute(
            "INSERT INTO audit_log (seq, ts, actor, action, subject_type, subject, details, "
            "prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (1, 1.0, "t", "x", "site", None, "{}", "0", "h"))
        with pytest.raises(Exception, match="append-only"):
            await db.execute("UPDATE audit_log SET actor = ?", ("evil",))
        with pytest.raises(Exception, match="append-only"):
            await db.execute("DELETE FROM audit_log")
    finally:
        await db.async_close()


async def test_unreadable_sqlite_file_is_a_clear_error(tmp_path) -> None:
    from hub.storage import DatabaseUnavailableError

    path = tmp_path / "menjin.db"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(DatabaseUnavailableError, match="not a readable SQLite database"):
        await async_open_database(StorageOptions(path=path), tmp_path)


async def test_sqlite_is_wal_with_fsync_on_commit(tmp_path) -> None:
    db = await async_open_database(StorageOptions(path=tmp_path / "m.db"), tmp_path)
    try:
        assert await db.fetch_value("PRAGMA journal_mode") == "wal"
        assert await db.fetch_value("PRAGMA synchronous") == 2  # FULL
    finally:
        await db.async_close()
