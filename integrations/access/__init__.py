"""Gates, zones and access decisions.

```yaml
access:
  zones:
    school: {name: School grounds, anti_passback: logical}
  gates:
    school_gate:
      name: Main gate
      zone: school
      turnstile: turnstile.gate_3     # or relay: relay.door_strike (pulse: 2)
      passage_timeout: 10             # seconds a granted person has to walk through
```

Offers `access.grant` / `access.deny` (the decision is committed to the access
log before the gate is commanded), resolves cards, QR passes and PINs to
people, matches turnstile passages to grants (`gate_passage`), and provides
the automation conditions `access_policy`, `person`, `schedule`, `consent` and
`anti_passback`.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

import voluptuous as vol

import hub.config.validation as cv
from hub.core import Hub
from hub.entities.card_reader import DATA_READER_GATES
from hub.people.const import DATA_STORE, AntiPassback
from hub.people.sites import Gate, Zone
from integrations.access import credentials, fire, permits, visitor
from integrations.access.const import (
    CONF_ANTI_PASSBACK,
    CONF_GATES,
    CONF_PASSAGE_TIMEOUT,
    CONF_PASSBACK_SECONDS,
    CONF_PULSE,
    CONF_RELAY,
    CONF_TURNSTILE,
    CONF_ZONE,
    CONF_ZONES,
    DATA_GATES,
)
from integrations.access.decisions import register_services
from integrations.access.gates import GateRuntime
from integrations.access.passages import track_passages

_LOGGER = logging.getLogger(__name__)

ZONE_SCHEMA = vol.Schema({
    vol.Optional("name"): cv.string,
    vol.Optional(CONF_ANTI_PASSBACK, default="off"): vol.In([m.value for m in AntiPassback]),
    vol.Optional(CONF_PASSBACK_SECONDS, default=0): vol.All(int, vol.Range(min=0)),
})

GATE_SCHEMA = vol.Schema({
    vol.Optional("name"): cv.string,
    vol.Optional(CONF_ZONE): cv.slug,
    vol.Optional("direction", default="both"): vol.In(["in", "out", "both"]),
    vol.Optional(CONF_TURNSTILE): vol.All(cv.entity_id, vol.Match(
        r"^turnstile\.", msg="must be a turnstile entity")),
    vol.Optional(CONF_RELAY): vol.All(cv.entity_id, vol.Match(
        r"^relay\.", msg="must be a relay entity")),
    vol.Optional(CONF_PULSE, default=timedelta(seconds=1)): cv.positive_duration,
    vol.Optional("readers", default=[]): vol.All(cv.ensure_list, [vol.All(
        cv.entity_id, vol.Match(r"^card_reader\.", msg="must be a card_reader entity"))]),
    vol.Optional(CONF_PASSAGE_TIMEOUT, default=10): vol.All(vol.Coerce(float),
                                                             vol.Range(min=1, max=600)),
})


def _zones_exist(config: dict[str, Any]) -> dict[str, Any]:
    errors = [
        vol.Invalid(f"zone '{gate[CONF_ZONE]}' is not defined under access.zones",
                    path=[CONF_GATES, gate_id, CONF_ZONE])
        for gate_id, gate in config[CONF_GATES].items()
        if CONF_ZONE in gate and gate[CONF_ZONE] not in config[CONF_ZONES]
    ]
    if errors:
        raise vol.MultipleInvalid(errors)
    return config


CONFIG_SCHEMA = vol.All(
    vol.Schema({
        # A binary sensor that is `on` during a fire: every gate is released.
        vol.Optional("fire_alarm"): cv.entity_id,
        vol.Optional(CONF_ZONES, default={}): {cv.slug: ZONE_SCHEMA},
        vol.Optional(CONF_GATES, default={}): {cv.slug: GATE_SCHEMA},
    }),
    _zones_exist,
)


async def async_setup(hub: Hub, config: dict[str, Any]) -> bool:
    """Write zones and gates to the store, register the services, start tracking."""
    store = hub.data.get(DATA_STORE)
    if store is None:
        _LOGGER.error("The access integration needs the people store, which did not start")
        return False
    for zone_id, zone in config[CONF_ZONES].items():
        await store.sites.async_put_zone(Zone(
            zone_id, zone.get("name", zone_id), AntiPassback(zone[CONF_ANTI_PASSBACK]),
            zone[CONF_PASSBACK_SECONDS]))
    gates: dict[str, GateRuntime] = {}
    for gate_id, gate in config[CONF_GATES].items():
        await store.sites.async_put_gate(Gate(
            gate_id, gate.get("name", gate_id), gate.get(CONF_ZONE), gate["direction"]))
        gates[gate_id] = GateRuntime(
            gate_id=gate_id, name=gate.get("name", gate_id), zone_id=gate.get(CONF_ZONE),
            turnstile=gate.get(CONF_TURNSTILE), relay=gate.get(CONF_RELAY),
            pulse=gate[CONF_PULSE], passage_timeout=gate[CONF_PASSAGE_TIMEOUT],
        )
    hub.data[DATA_GATES] = gates
    hub.data[DATA_READER_GATES] = {
        reader: gate_id for gate_id, gate in config[CONF_GATES].items()
        for reader in gate["readers"]}
    register_services(hub, gates)
    visitor.register(hub, gates)
    permits.register(hub)
    fire.setup(hub, config, gates)
    track_passages(hub, gates)
    credentials.listen(hub, {gate_id: gate["direction"] if gate["direction"] != "both"
                             else "in" for gate_id, gate in config[CONF_GATES].items()})
    return True
