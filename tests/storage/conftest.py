"""Back-end fixtures (SQLite and PostgreSQL) shared by the data-layer tests."""

from tests.storage.fixtures import (  # noqa: F401
    people_config,
    pg_dsn,
    site_key,
    storage_options,
    store,
)
