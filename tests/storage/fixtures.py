"""Fixtures that run a test on both back-ends: SQLite in a temp folder, PostgreSQL.

PostgreSQL runs at 127.0.0.1:5432 (trust auth, user postgres). Each test run
creates its own uniquely named database and drops it at the end; each test
gets its own schema in it. Without a server the PostgreSQL cases are skipped,
unless MENJIN_REQUIRE_POSTGRES=1 (CI), where they fail.
"""

from __future__ import annotations

import asyncio
import os
import secrets
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from hub.people.config import CONFIG_SCHEMA, PeopleConfig, people_config_from
from hub.people.store import PeopleStore
from hub.privacy.keys import SiteKey
from hub.storage import StorageOptions

PG_ADMIN_DSN = os.environ.get("MENJIN_TEST_PG_DSN", "postgresql://postgres@127.0.0.1:5432/postgres")
BACKENDS = ("sqlite", "postgresql")


def _dsn_for(database: str) -> str:
    return PG_ADMIN_DSN.rsplit("/", 1)[0] + "/" + database


async def _create_database() -> str:
    import asyncpg

    name = f"menjin_test_{os.getpid()}_{secrets.token_hex(4)}"
    conn = await asyncpg.connect(PG_ADMIN_DSN, timeout=5)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return name


async def _drop_database(name: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(PG_ADMIN_DSN, timeout=5)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


@pytest.fixture(scope="session")
def pg_dsn() -> Iterator[str | None]:
    """DSN of this run's own PostgreSQL database, or None when no server is reachable."""
    try:
        name = asyncio.run(_create_database())
    except Exception as err:  # no server, no asyncpg: the postgres cases skip
        if os.environ.get("MENJIN_REQUIRE_POSTGRES") == "1":
            raise
        print(f"PostgreSQL not available for tests: {err}")
        yield None
        return
    yield _dsn_for(name)
    asyncio.run(_drop_database(name))


@pytest.fixture(params=BACKENDS)
def storage_options(request: pytest.FixtureRequest, tmp_path: Path,
                    pg_dsn: str | None) -> StorageOptions:
    """Storage options for one back-end; a fresh database (or schema) per test."""
    if request.param == "sqlite":
        return StorageOptions(backend="sqlite", path=tmp_path / "store" / "menjin.db")
    if pg_dsn is None:
        pytest.skip("PostgreSQL is not running at 127.0.0.1:5432")
    return StorageOptions(backend="postgresql", dsn=pg_dsn,
                          schema=f"t_{secrets.token_hex(6)}")


@pytest.fixture
def site_key() -> SiteKey:
    """A fresh random site key."""
    return SiteKey.generate()


@pytest.fixture
def people_config(tmp_path: Path, storage_options: StorageOptions) -> PeopleConfig:
    """A people config on a temporary config folder, on the parametrized back-end."""
    config_dir = tmp_path / "config"
    config_dir.mkdir(exist_ok=True)
    base = people_config_from(CONFIG_SCHEMA({}), config_dir, time_zone="Asia/Shanghai",
                              site_name="Test School")
    return PeopleConfig(
        config_dir=base.config_dir, storage=storage_options, retention=base.retention,
        filing_warning_at=base.filing_warning_at, time_zone=base.time_zone,
        site_name=base.site_name,
    )


@pytest.fixture
async def store(people_config: PeopleConfig, site_key: SiteKey) -> AsyncIterator[PeopleStore]:
    """An open PeopleStore on the parametrized back-end."""
    instance = await PeopleStore.async_open(people_config, site_key)
    yield instance
    await instance.async_close()
