"""Fire release: while the fire alarm is on, every gate stays open and the hub never fights it.

Escape-route access devices must release in a fire (GB 51348-2019 §14.4.3,
GB 50116-2013 §4.10.3). Real sites wire that in hardware; the hub records the
alarm, puts every turnstile in `free` mode and holds door relays open, and puts
them back only once the alarm clears. A turnstile that leaves `free` during
the alarm is released again. Decisions are still logged, with the reason.
"""

from __future__ import annotations

import logging
from typing import Any

from hub.callback import callback
from hub.const import EVENT_STATE_CHANGED, STATE_ON
from hub.context import Context
from hub.core import Hub
from hub.events import Event
from hub.exceptions import HubError
from integrations.access.gates import GateRuntime

_LOGGER = logging.getLogger(__name__)
EVENT_FIRE_RELEASE = "fire_release"
DATA_FIRE = "access_fire_release"


class FireRelease:
    """Follows the fire alarm entity and releases every gate while it is on."""

    def __init__(self, hub: Hub, alarm: str, gates: dict[str, GateRuntime]) -> None:
        self.hub = hub
        self.alarm = alarm
        self.gates = gates
        self.active = False

    def start(self) -> None:
        """Follow the alarm (and turnstiles that change mode during it)."""
        turnstiles = {gate.turnstile for gate in self.gates.values() if gate.turnstile}
        watched = {self.alarm, *turnstiles}

        @callback
        def on_state(event: Event) -> None:
            entity_id = event.data["entity_id"]
            new = event.data["new_state"]
            if entity_id == self.alarm:
                active = new is not None and new.state == STATE_ON
                if active != self.active:
                    self.active = active
                    self.hub.async_create_task(self._async_apply(event.context),
                                               "fire release")
            elif self.active and new is not None and new.state not in ("free", "unavailable"):
                # Someone or something changed a gate during the alarm: release it again.
                self.hub.async_create_task(self._async_release_turnstile(entity_id, event.context),
                                           "fire re-release")

        self.hub.bus.async_listen(EVENT_STATE_CHANGED, on_state,
                                  event_filter=lambda data: data["entity_id"] in watched)
        current = self.hub.states.get(self.alarm)
        if current is not None and current.state == STATE_ON:
            self.active = True
            self.hub.async_create_task(self._async_apply(Context()), "fire release")

    async def _async_apply(self, cause: Context) -> None:
        _LOGGER.warning("Fire alarm %s: %s every gate", self.alarm,
                        "releasing" if self.active else "restoring")
        self.hub.bus.async_fire(EVENT_FIRE_RELEASE, {"active": self.active, "alarm": self.alarm},
                                context=cause)
        for gate in self.gates.values():
            try:
                if gate.turnstile:
                    mode = "free" if self.active else "normal"
                    await self.hub.services.async_call("turnstile", "set_mode", {
                        "entity_id": gate.turnstile, "mode": mode}, cause.child())
                elif gate.relay:
                    service = "turn_on" if self.active else "turn_off"
                    await self.hub.services.async_call("relay", service, {
                        "entity_id": gate.relay}, cause.child())
            except HubError as err:
                _LOGGER.error("Fire release of %s failed: %s", gate.gate_id, err)

    async def _async_release_turnstile(self, entity_id: str, cause: Context) -> None:
        try:
            await self.hub.services.async_call("turnstile", "set_mode", {
                "entity_id": entity_id, "mode": "free"}, cause.child())
        except HubError as err:
            _LOGGER.error("Fire re-release of %s failed: %s", entity_id, err)


def setup(hub: Hub, config: dict[str, Any], gates: dict[str, GateRuntime]) -> None:
    """Start following the configured fire alarm, if any."""
    alarm = config.get("fire_alarm")
    if alarm:
        release = FireRelease(hub, alarm, gates)
        hub.data[DATA_FIRE] = release
        release.start()
