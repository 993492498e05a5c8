"""Services validate their data and carry the caller's context."""

from __future__ import annotations

import asyncio

import pytest
import voluptuous as vol

from hub.callback import callback
from hub.context import Context
from hub.core import Hub
from hub.exceptions import ServiceNotFound, ServiceValidationError
from hub.services import ServiceCall


async def test_call_runs_handler_with_validated_data_and_context(hub: Hub) -> None:
    calls: list[ServiceCall] = []

    async def handler(call: ServiceCall) -> str:
        calls.append(call)
        return "done"

    schema = vol.Schema({vol.Required("seconds"): vol.Coerce(int)})
    hub.services.async_register("relay", "pulse_test", handler, schema)
    context = Context(user_id="admin")
    result = await hub.services.async_call("relay", "pulse_test", {"seconds": "3"}, context)
    assert result == "done"
    assert calls[0].data == {"seconds": 3}
    assert calls[0].context is context
    assert hub.services.has_service("relay", "pulse_test")


async def test_bad_data_names_service_and_field(hub: Hub) -> None:
    hub.services.async_register(
        "turnstile",
        "x",
        callback(lambda call: None),
        vol.Schema({vol.Required("direction"): vol.In(["in", "out"])}),
    )
    with pytest.raises(ServiceValidationError) as err:
        await hub.services.async_call("turnstile", "x", {"direction": "up"})
    assert "turnstile.x" in str(err.value)
    assert "direction" in str(err.value)
    with pytest.raises(ServiceValidationError, match="required"):
        await hub.services.async_call("turnstile", "x", {})


async def test_unknown_service(hub: Hub) -> None:
    with pytest.raises(ServiceNotFound, match="nope.nothing"):
        await hub.services.async_call("nope", "nothing")


async def test_non_blocking_call_returns_before_handler_finishes(hub: Hub) -> None:
    release = asyncio.Event()
    finished = asyncio.Event()

    async def handler(call: ServiceCall) -> None:
        await release.wait()
        finished.set()

    hub.services.async_register("demo", "slow", handler)
    await hub.services.async_call("demo", "slow", blocking=False)
    assert not finished.is_set()
    release.set()
    await asyncio.wait_for(finished.wait(), 5)


async def test_blocking_handler_is_refused(hub: Hub) -> None:
    def handler(call: ServiceCall) -> None:
        pass

    with pytest.raises(TypeError, match="demo.bad"):
        hub.services.async_register("demo", "bad", handler)
