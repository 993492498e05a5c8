"""Match passages counted by turnstiles to the grants that opened them.

A turnstile entity counts passages in its `passages_in` / `passages_out`
attributes. Each increment is a real person going through: it is paired with
the oldest waiting grant in that direction, appended to the access log, and
announced as `gate_passage` (what guardians are told about). A passage with no
grant behind it is announced as unauthorised. A grant nobody used is closed
as "not passed" after the gate's timeout.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from hub.callback import callback
from hub.const import EVENT_GATE_PASSAGE, EVENT_STATE_CHANGED
from hub.context import Context
from hub.core import Hub
from hub.events import Event
from hub.people.const import DATA_STORE, PassageOutcome
from integrations.access.gates import GateRuntime

_LOGGER = logging.getLogger(__name__)
EXPIRY_CHECK_SECONDS = 1.0
_ATTRIBUTE = {"in": "passages_in", "out": "passages_out"}


def track_passages(hub: Hub, gates: dict[str, GateRuntime]) -> None:
    """Listen to turnstile counters and close unused grants."""
    by_turnstile = {gate.turnstile: gate for gate in gates.values() if gate.turnstile}

    @callback
    def on_state(event: Event) -> None:
        gate = by_turnstile.get(event.data["entity_id"])
        new, old = event.data["new_state"], event.data["old_state"]
        if gate is None or new is None:
            return
        for direction, attribute in _ATTRIBUTE.items():
            count = new.attributes.get(attribute)
            if not isinstance(count, int):
                continue
            before = gate.counters.get(direction)
            if before is None and old is not None:
                # The device was counting before we listened: its last count is the base.
                previous = old.attributes.get(attribute)
                before = previous if isinstance(previous, int) else None
            gate.counters[direction] = count
            if before is None or count <= before:
                continue  # first reading, or a counter reset by the device
            for _ in range(min(count - before, 20)):
                hub.async_create_task(_async_passage(hub, gate, direction, event.context),
                                      f"passage {gate.gate_id}")

    for gate in by_turnstile.values():
        current = hub.states.get(gate.turnstile or "")
        for direction, attribute in _ATTRIBUTE.items():
            count = current.attributes.get(attribute) if current else None
            if isinstance(count, int):
                gate.counters[direction] = count
    hub.bus.async_listen(EVENT_STATE_CHANGED, on_state,
                         event_filter=lambda data: data["entity_id"] in by_turnstile)
    hub.async_create_background_task(_async_expire(hub, gates), "access grant expiry")


async def _async_passage(hub: Hub, gate: GateRuntime, direction: str, cause: Context) -> None:
    grant = gate.take_grant(direction)
    data: dict[str, Any] = {"gate": gate.gate_id, "gate_name": gate.name,
                            "direction": direction, "entity_id": gate.turnstile}
    if grant is None:
        data.update(person_id=None, access_id=None, authorised=False)
        _LOGGER.warning("Passage %s at %s with no grant behind it", direction, gate.gate_id)
    else:
        data.update(grant.person, access_id=grant.access_id, authorised=True)
        try:
            await hub.data[DATA_STORE].access_log.async_confirm_passage(
                grant.access_id, PassageOutcome.passed)
        except Exception as err:  # the passage happened: still announce it
            _LOGGER.error("Cannot append passage of access %s: %s", grant.access_id, err)
    hub.bus.async_fire(EVENT_GATE_PASSAGE, data, context=cause)


async def _async_expire(hub: Hub, gates: dict[str, GateRuntime]) -> None:
    while True:
        await asyncio.sleep(EXPIRY_CHECK_SECONDS)
        for gate in gates.values():
            for grant in gate.expired():
                try:
                    await hub.data[DATA_STORE].access_log.async_confirm_passage(
                        grant.access_id, PassageOutcome.not_passed)
                except Exception as err:
                    _LOGGER.error("Cannot close access %s: %s", grant.access_id, err)
