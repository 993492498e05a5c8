"""The `people` integration: opens the site's PeopleStore and keeps retention running.

The data layer lives in the core (`hub.people`, `hub.privacy`, `hub.storage`);
this only puts it on the hub: `hub.data["people_store"]` for automations and
the face engine, a daily retention job, and a clean close on shutdown.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from hub.const import EVENT_HUB_STOP
from hub.core import Hub
from hub.events import Event
from hub.people.config import CONFIG_SCHEMA, people_config_from
from hub.people.const import DATA_STORE
from hub.people.store import PeopleStore
from hub.privacy.retention import async_run_retention

__all__ = ["CONFIG_SCHEMA", "async_setup"]

_LOGGER = logging.getLogger(__name__)

RETENTION_INTERVAL_SECONDS = 24 * 3600


async def async_setup(hub: Hub, config: dict[str, Any]) -> bool:
    """Open the store (refusing a wrong or missing key) and schedule retention."""
    people_config = people_config_from(
        config, hub.config.config_dir, hub.config.time_zone, hub.config.name)
    store = await PeopleStore.async_open(people_config)
    hub.data[DATA_STORE] = store

    async def retention_loop() -> None:
        while True:
            try:
                counts = await async_run_retention(store, "retention")
                _LOGGER.info("Retention run: %s", counts)
            except Exception:
                _LOGGER.exception("Retention run failed; retrying in a day")
            await asyncio.sleep(RETENTION_INTERVAL_SECONDS)

    async def close(_event: Event) -> None:
        await store.async_close()

    hub.async_create_background_task(retention_loop(), "people retention")
    hub.bus.async_listen_once(EVENT_HUB_STOP, close)
    return True
