"""Entities get ids and states; domain services reach the targeted entities only."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from hub.core import Hub
from hub.entities.component import async_add_entities
from hub.entities.relay import RelayEntity
from hub.entities.sensor import SensorEntity
from hub.entities.turnstile import Direction, TurnstileEntity, TurnstileMode
from hub.exceptions import EntityUnavailableError, HubError, ServiceValidationError


class FakeHardwareTurnstile(TurnstileEntity):
    """A turnstile whose 'hardware' is a list of commands, to observe dispatch."""

    def __init__(self, name: str) -> None:
        self._attr_name = name
        self._attr_unique_id = f"test-{name}"
        self.commands: list[str] = []

    async def async_open(self, direction: Direction) -> None:
        self.commands.append(f"open {direction.value}")
        self._attr_passages_in = (self._attr_passages_in or 0) + (direction is Direction.IN)
        self.async_write_state()

    async def async_set_mode(self, mode: TurnstileMode) -> None:
        self.commands.append(f"mode {mode.value}")
        self._attr_mode = mode
        self.async_write_state()


class CoilRelay(RelayEntity):
    def __init__(self) -> None:
        self._attr_name = "Door strike"
        self.writes: list[bool] = []

    async def async_turn_on(self) -> None:
        self.writes.append(True)
        self._attr_is_on = True
        self.async_write_state()

    async def async_turn_off(self) -> None:
        self.writes.append(False)
        self._attr_is_on = False
        self.async_write_state()


async def test_entity_ids_from_names_and_first_state(hub: Hub) -> None:
    gates = [FakeHardwareTurnstile("Gate 3"), FakeHardwareTurnstile("gate-3")]
    await async_add_entities(hub, "turnstile", gates, "test")
    assert [gate.entity_id for gate in gates] == ["turnstile.gate_3", "turnstile.gate_3_2"]
    state = hub.states.get("turnstile.gate_3")
    assert state is not None and state.state == "normal"
    assert state.attributes["friendly_name"] == "Gate 3"


async def test_open_reaches_only_the_target_with_its_context(hub: Hub) -> None:
    north, south = FakeHardwareTurnstile("north"), FakeHardwareTurnstile("south")
    await async_add_entities(hub, "turnstile", [north, south], "test")
    from hub.context import Context

    context = Context(user_id="automation.school_gate")
    await hub.services.async_call(
        "turnstile", "open", {"entity_id": "turnstile.north", "direction": "OUT"}, context
    )
    assert north.commands == ["open out"] and south.commands == []
    state = hub.states.get("turnstile.north")
    assert state is not None
    await hub.services.async_call("turnstile", "open", {"entity_id": "turnstile.north"})
    assert north.commands == ["open out", "open in"]
    await hub.services.async_call("turnstile", "lock", {"entity_id": "all"})
    assert north.commands[-1] == "mode locked" and south.commands == ["mode locked"]
    assert hub.states.is_state("turnstile.south", "locked")


async def test_duplicate_duplicate_unique_id_is_ignored(hub: Hub) -> None:
    await async_add_entities(hub, "turnstile", [FakeHardwareTurnstile("a")], "test")
    await async_add_entities(hub, "turnstile", [FakeHardwareTurnstile("a")], "test")
    assert hub.states.entity_ids("turnstile") == ["turnstile.a"]


async def test_bad_direction_and_unknown_target_are_clear_errors(hub: Hub) -> None:
    await async_add_entities(hub, "turnstile", [FakeHardwareTurnstile("north")], "test")
    with pytest.raises(ServiceValidationError, match="direction"):
        await hub.services.async_call(
            "turnstile", "open", {"entity_id": "turnstile.north", "direction": "sideways"}
        )
    with pytest.raises(ServiceValidationError, match="no turnstile entity 'turnstile.east'"):
        await hub.services.async_call("turnstile", "open", {"entity_id": "turnstile.east"})


async def test_unavailable_turnstile_is_not_commanded(hub: Hub) -> None:
    gate = FakeHardwareTurnstile("north")
    await async_add_entities(hub, "turnstile", [gate], "test")
    gate._attr_available = False
    gate.async_write_state()
    assert hub.states.is_state("turnstile.north", "unavailable")
    with pytest.raises(EntityUnavailableError, match=r"turnstile.north is unavailable"):
        await hub.services.async_call("turnstile", "open", {"entity_id": "turnstile.north"})
    assert gate.commands == []


async def test_relay_pulse_turns_on_then_off(hub: Hub) -> None:
    relay = CoilRelay()
    await async_add_entities(hub, "relay", [relay], "test")
    await hub.services.async_call(
        "relay", "pulse", {"entity_id": "relay.door_strike", "duration": 0.01}
    )
    assert relay.writes == [True, False]
    assert hub.states.is_state("relay.door_strike", "off")
    with pytest.raises(ServiceValidationError, match="60 s"):
        await hub.services.async_call(
            "relay", "pulse", {"entity_id": "relay.door_strike", "duration": "00:05:00"}
        )


async def test_hardware_error_is_reported_as_hub_error(hub: Hub) -> None:
    class Broken(FakeHardwareTurnstile):
        async def async_open(self, direction: Direction) -> None:
            raise ConnectionResetError("modbus connection lost")

    await async_add_entities(hub, "turnstile", [Broken("north")], "test")
    with pytest.raises(HubError, match="turnstile.open failed: modbus connection lost"):
        await hub.services.async_call("turnstile", "open", {"entity_id": "turnstile.north"})


async def test_polled_sensor_updates_and_goes_unavailable_on_error(hub: Hub) -> None:
    class Thermometer(SensorEntity):
        _attr_name = "Gate temperature"
        _attr_should_poll = True
        _attr_scan_interval = timedelta(seconds=0.01)
        _attr_unit_of_measurement = "°C"
        readings = iter([36.6, 37.9])

        async def async_update(self) -> None:
            self._attr_native_value = next(self.readings)  # StopIteration after two

    await async_add_entities(hub, "sensor", [Thermometer()], "test")
    states: list[str] = []
    for _ in range(200):
        await asyncio.sleep(0.01)
        state = hub.states.get("sensor.gate_temperature")
        assert state is not None
        if not states or states[-1] != state.state:
            states.append(state.state)
        if state.state == "unavailable":
            break
    assert states[-3:] == ["36.6", "37.9", "unavailable"]
    final = hub.states.get("sensor.gate_temperature")
    assert final is not None
    assert final.attributes == {"friendly_name": "Gate temperature"}


async def test_unknown_domain_is_refused(hub: Hub) -> None:
    with pytest.raises(HubError, match="Unknown entity domain 'teleporter'"):
        await async_add_entities(hub, "teleporter", [], "test")
