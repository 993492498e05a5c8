"""The event bus delivers every event to the right listeners and survives bad ones."""

from __future__ import annotations

import asyncio
import logging

import pytest

from hub.callback import callback
from hub.context import Context
from hub.core import Hub
from hub.events import Event


async def test_callback_listener_gets_type_data_and_context(hub: Hub) -> None:
    received: list[Event] = []
    hub.bus.async_listen("face_recognized", callback(lambda event: received.append(event)))
    context = Context(user_id="operator-1")
    hub.bus.async_fire("face_recognized", {"person": "lina"}, context=context)
    hub.bus.async_fire("other_event", {"person": "nobody"})
    assert len(received) == 1
    assert received[0].event_type == "face_recognized"
    assert received[0].data == {"person": "lina"}
    assert received[0].context is context
    assert received[0].time_fired > 0


async def test_match_all_listener_sees_every_event(hub: Hub) -> None:
    seen: list[str] = []
    hub.bus.async_listen("*", callback(lambda event: seen.append(event.event_type)))
    hub.bus.async_fire("a")
    hub.bus.async_fire("b")
    assert seen == ["a", "b"]


async def test_coroutine_listener_runs_as_task(hub: Hub) -> None:
    done = asyncio.Event()
    got: list[dict[str, object]] = []

    async def listener(event: Event) -> None:
        got.append(dict(event.data))
        done.set()

    hub.bus.async_listen("passage", listener)
    hub.bus.async_fire("passage", {"gate": "north"})
    await asyncio.wait_for(done.wait(), 5)
    assert got == [{"gate": "north"}]


async def test_filter_selects_events(hub: Hub) -> None:
    seen: list[object] = []
    hub.bus.async_listen(
        "passage",
        callback(lambda event: seen.append(event.data["gate"])),
        event_filter=lambda data: data.get("gate") == "north",
    )
    hub.bus.async_fire("passage", {"gate": "south"})
    hub.bus.async_fire("passage", {"gate": "north"})
    assert seen == ["north"]


async def test_unsubscribe_and_listen_once(hub: Hub) -> None:
    seen: list[str] = []
    remove = hub.bus.async_listen("x", callback(lambda event: seen.append("always")))
    hub.bus.async_listen_once("x", callback(lambda event: seen.append("once")))
    hub.bus.async_fire("x")
    remove()
    remove()  # a second unsubscribe is harmless
    hub.bus.async_fire("x")
    assert seen == ["always", "once"]
    assert "x" not in hub.bus.listeners


async def test_failing_listener_is_logged_by_name_and_others_still_run(
    hub: Hub, caplog: pytest.LogCaptureFixture
) -> None:
    seen: list[str] = []

    @callback
    def broken_listener(event: Event) -> None:
        raise RuntimeError("boom")

    async def broken_coroutine(event: Event) -> None:
        raise ValueError("bang")

    hub.bus.async_listen("x", broken_listener)
    hub.bus.async_listen("x", broken_coroutine)
    hub.bus.async_listen("x", callback(lambda event: seen.append("ok")))
    with caplog.at_level(logging.ERROR):
        hub.bus.async_fire("x")
        await asyncio.sleep(0.01)
    assert seen == ["ok"]
    assert "broken_listener" in caplog.text
    assert "broken_coroutine" in caplog.text


async def test_slow_coroutine_listener_does_not_delay_others(hub: Hub) -> None:
    release = asyncio.Event()
    fast_done = asyncio.Event()

    async def slow(event: Event) -> None:
        await release.wait()

    async def fast(event: Event) -> None:
        fast_done.set()

    hub.bus.async_listen("x", slow)
    hub.bus.async_listen("x", fast)
    hub.bus.async_fire("x")
    await asyncio.wait_for(fast_done.wait(), 5)
    assert not release.is_set()
    release.set()


async def test_blocking_function_is_refused_as_listener(hub: Hub) -> None:
    def blocking(event: Event) -> None:
        pass

    with pytest.raises(TypeError, match="coroutine function or marked @callback"):
        hub.bus.async_listen("x", blocking)


async def test_wait_for_returns_matching_event_or_times_out(hub: Hub) -> None:
    waiter = asyncio.ensure_future(
        hub.bus.async_wait_for("passage", lambda data: data["gate"] == "b", timeout=5)
    )
    await asyncio.sleep(0)
    hub.bus.async_fire("passage", {"gate": "a"})
    hub.bus.async_fire("passage", {"gate": "b"})
    event = await waiter
    assert event.data["gate"] == "b"
    with pytest.raises(TimeoutError):
        await hub.bus.async_wait_for("never", timeout=0.01)


async def test_fire_without_listeners_builds_nothing(hub: Hub) -> None:
    assert hub.bus.async_fire("nobody_listens") is None


async def test_context_chain() -> None:
    parent = Context(user_id="guard")
    child = parent.child()
    assert child.parent_id == parent.id
    assert child.user_id == "guard"
    assert child.id != parent.id
    assert child.as_dict()["parent_id"] == parent.id
