"""The state machine keeps current states and announces every real change."""

from __future__ import annotations

import pytest

from hub.callback import callback
from hub.const import EVENT_STATE_CHANGED
from hub.core import Hub
from hub.events import Event
from hub.exceptions import InvalidEntityId
from hub.states import State, valid_entity_id


@pytest.mark.parametrize(
    ("entity_id", "valid"),
    [
        ("turnstile.gate_3", True),
        ("sensor.t1", True),
        ("Turnstile.gate", False),
        ("turnstile", False),
        ("turnstile.gate__3", False),
        ("turnstile._gate", False),
        ("turnstile.gate_", False),
        ("turnstile.gate-3", False),
        ("turn stile.gate", False),
    ],
)
def test_entity_id_validation(entity_id: str, valid: bool) -> None:
    assert valid_entity_id(entity_id) is valid


def test_invalid_entity_id_raises_with_example() -> None:
    with pytest.raises(InvalidEntityId, match="turnstile.gate_3"):
        State("Not Valid", "on")


async def test_set_fires_state_changed_with_old_and_new(hub: Hub) -> None:
    events: list[Event] = []
    hub.bus.async_listen(EVENT_STATE_CHANGED, callback(lambda event: events.append(event)))
    hub.states.async_set("sensor.gate_temp", "36.5", {"unit_of_measurement": "°C"})
    hub.states.async_set("sensor.gate_temp", "37.9", {"unit_of_measurement": "°C"})
    assert [event.data["new_state"].state for event in events] == ["36.5", "37.9"]
    assert events[0].data["old_state"] is None
    assert events[1].data["old_state"].state == "36.5"
    state = hub.states.get("sensor.gate_temp")
    assert state is not None
    assert state.attributes["unit_of_measurement"] == "°C"


async def test_unchanged_state_fires_nothing_and_keeps_last_changed(hub: Hub) -> None:
    events: list[Event] = []
    hub.bus.async_listen(EVENT_STATE_CHANGED, callback(lambda event: events.append(event)))
    first = hub.states.async_set("binary_sensor.beam", "off")
    again = hub.states.async_set("binary_sensor.beam", "off")
    assert again is first
    assert len(events) == 1
    attrs_changed = hub.states.async_set("binary_sensor.beam", "off", {"count": 1})
    assert attrs_changed.last_changed == first.last_changed
    assert attrs_changed.last_updated >= first.last_updated
    assert len(events) == 2
    forced = hub.states.async_set("binary_sensor.beam", "off", {"count": 1}, force_update=True)
    assert len(events) == 3
    assert forced.last_changed >= first.last_changed


async def test_attributes_are_read_only(hub: Hub) -> None:
    state = hub.states.async_set("sensor.x", "1", {"a": 1})
    with pytest.raises(TypeError):
        state.attributes["a"] = 2  # type: ignore[index]


async def test_remove_and_queries(hub: Hub) -> None:
    hub.states.async_set("sensor.a", "1")
    hub.states.async_set("relay.b", "on")
    assert sorted(hub.states.entity_ids()) == ["relay.b", "sensor.a"]
    assert hub.states.entity_ids("relay") == ["relay.b"]
    assert hub.states.is_state("relay.b", "on")
    assert hub.states.async_remove("relay.b")
    assert not hub.states.async_remove("relay.b")
    assert hub.states.get("relay.b") is None


async def test_overlong_state_is_refused(hub: Hub) -> None:
    with pytest.raises(ValueError, match="attributes"):
        hub.states.async_set("sensor.a", "x" * 300)
