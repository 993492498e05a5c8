"""Build a running Hub from a configuration folder."""

from __future__ import annotations

import logging
import time
from pathlib import Path

from hub.config.load import LoadedConfig, load_config_dir
from hub.const import CONF_NAME, CONF_SITE, CONF_TIME_ZONE
from hub.core import Hub
from hub.exceptions import ConfigurationError
from hub.setup import SetupResult, async_setup_integrations

_LOGGER = logging.getLogger(__name__)


async def async_load_config(hub: Hub) -> LoadedConfig:
    """Load and validate the hub's config folder off the loop; raise on any issue."""
    config = await hub.async_add_executor_job(load_config_dir, hub.config.config_dir)
    if config.issues:
        raise ConfigurationError(list(config.issues))
    hub.config.name = config.core.get(CONF_NAME, hub.config.name)
    hub.config.time_zone = config.core.get(CONF_TIME_ZONE, hub.config.time_zone)
    hub.config.site = dict(config.core.get(CONF_SITE, {}))
    return config


async def async_from_config_dir(
    config_dir: Path | str, config: LoadedConfig | None = None, handle_signals: bool = False
) -> tuple[Hub, dict[str, SetupResult]]:
    """Create a Hub, set up every configured integration and start it.

    With `handle_signals`, SIGINT/SIGTERM stop the hub gracefully from the very
    start, so a stop request during a slow setup is honoured too.
    """
    started = time.monotonic()
    hub = Hub(config_dir)
    if handle_signals:
        hub.async_register_signal_handlers()
    if config is None:
        config = await async_load_config(hub)
    else:
        hub.config.name = config.core.get(CONF_NAME, hub.config.name)
        hub.config.time_zone = config.core.get(CONF_TIME_ZONE, hub.config.time_zone)
    hub.data["loaded_config"] = config
    results = await async_setup_integrations(hub, config)
    await hub.async_start()
    failed = [result.domain for result in results.values() if not result.ok]
    _LOGGER.info(
        "menjin ready in %.0f ms: %d integrations set up%s",
        (time.monotonic() - started) * 1000,
        len(results) - len(failed),
        f", failed: {', '.join(failed)}" if failed else "",
    )
    return hub, results
