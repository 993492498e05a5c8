"""Set integrations up in dependency order, independent ones concurrently.

A failing integration is reported and its dependants are skipped; every other
integration still starts. Each setup is timed and a slow one is named while it
is still running, so an installer knows which device holds the site up.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hub.config.load import LoadedConfig
    from hub.core import Hub

_LOGGER = logging.getLogger(__name__)

SLOW_SETUP_WARNING = 10.0
SETUP_TIMEOUT = 300.0


@dataclass(slots=True, frozen=True)
class SetupResult:
    """How one integration's setup went."""

    domain: str
    ok: bool
    seconds: float
    error: str | None = None


async def async_setup_integrations(hub: Hub, config: LoadedConfig) -> dict[str, SetupResult]:
    """Set up every integration in `config.setup_order`; return one result per domain."""
    results: dict[str, SetupResult] = {}
    done: dict[str, asyncio.Future[bool]] = {
        domain: hub.loop.create_future() for domain in config.setup_order
    }

    async def setup_one(domain: str) -> None:
        integration = config.catalog.get(domain)
        manifest = integration.manifest
        waits = [*manifest.dependencies]
        waits += [dep for dep in manifest.after_dependencies if dep in done]
        for dependency in waits:
            if not await done[dependency] and dependency in manifest.dependencies:
                message = f"dependency '{dependency}' failed to set up"
                results[domain] = SetupResult(domain, False, 0.0, message)
                _LOGGER.error("Integration %s was not set up: %s", domain, message)
                done[domain].set_result(False)
                return
        result = await _async_setup_component(hub, config, domain)
        results[domain] = result
        if result.ok:
            hub.integrations[domain] = integration
        done[domain].set_result(result.ok)

    await asyncio.gather(*(setup_one(domain) for domain in config.setup_order))
    return results


async def _async_setup_component(hub: Hub, config: LoadedConfig, domain: str) -> SetupResult:
    integration = config.catalog.get(domain)
    started = time.monotonic()
    slow_warning = hub.loop.call_later(
        SLOW_SETUP_WARNING,
        _LOGGER.warning,
        "Setup of %s is taking over %d seconds",
        domain,
        int(SLOW_SETUP_WARNING),
    )
    error: str | None = None
    try:
        component = await hub.async_add_executor_job(integration.get_component)
        async_setup = getattr(component, "async_setup", None)
        if async_setup is None:
            ok = True
        else:
            section: Any = config.sections.get(domain, {})
            async with asyncio.timeout(SETUP_TIMEOUT):
                ok = bool(await async_setup(hub, section))
            if not ok:
                error = "setup returned False (see the messages above)"
    except TimeoutError:
        ok, error = False, f"setup did not finish within {SETUP_TIMEOUT:.0f} seconds"
    except Exception as err:  # a broken integration must not stop the others
        ok, error = False, f"{type(err).__name__}: {err}"
        _LOGGER.debug("Setup of %s raised", domain, exc_info=True)
    finally:
        slow_warning.cancel()
    seconds = time.monotonic() - started
    if ok:
        _LOGGER.info("Set up %s in %.1f ms", domain, seconds * 1000)
    else:
        _LOGGER.error("Setup of integration %s failed: %s", domain, error)
    return SetupResult(domain, ok, seconds, error)
