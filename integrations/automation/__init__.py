"""Automations from `automation:` (usually `automation: !include automations.yaml`).

Each automation becomes an `automation.<id>` entity; `automation.trigger`,
`automation.turn_on` and `automation.turn_off` act on them.
"""

from __future__ import annotations

import logging
from typing import Any

import voluptuous as vol

import hub.config.validation as cv
from hub.automation.engine import Automation
from hub.automation.validation import AutomationValidator
from hub.config.load import ValidationContext
from hub.const import ATTR_ENTITY_ID, EVENT_HUB_STARTED
from hub.core import CoreState, Hub
from hub.events import Event
from hub.exceptions import HubError
from hub.services import ServiceCall

_LOGGER = logging.getLogger(__name__)

DOMAIN = "automation"
DATA_AUTOMATIONS = "automations"


def validate_config(value: Any, context: ValidationContext) -> list[dict[str, Any]]:
    """Validate every automation, expanding blueprints; report outdated blueprint use."""
    automations = AutomationValidator(context.config_dir, context.catalog).automations(value)
    for automation in automations:
        blueprint = automation.get("blueprint")
        if blueprint and blueprint["written_for"] < blueprint["version"]:
            context.warnings.append(
                f"automation '{automation['id']}' was written for version "
                f"{blueprint['written_for']} of blueprint {blueprint['path']}, which is now "
                f"version {blueprint['version']}: review its inputs, then set "
                f"use_blueprint.version: {blueprint['version']}"
            )
    return automations


async def async_setup(hub: Hub, config: list[dict[str, Any]]) -> bool:
    """Create the automation entities and attach their triggers."""
    catalog = hub.data["loaded_config"].catalog if "loaded_config" in hub.data else None
    automations: dict[str, Automation] = {}
    for automation_config in config:
        automation = Automation(hub, automation_config, catalog)
        automations[automation.entity_id] = automation
        automation.enabled = False
        automation.async_write_state()
    hub.data[DATA_AUTOMATIONS] = automations
    _register_services(hub, automations)

    async def start(_event: Event | None = None) -> None:
        # Triggers attach once every integration is up, so an automation may use
        # what any of them provides (mqtt topics, faces, gates) whatever the order.
        for automation in automations.values():
            if not automation.config["initial_state"]:
                continue
            try:
                await automation.async_enable()
            except HubError as err:
                _LOGGER.error("Automation %s not started: %s", automation.automation_id, err)

    if hub.state is CoreState.running:
        await start()
    else:
        hub.bus.async_listen_once(EVENT_HUB_STARTED, start)
    _LOGGER.info("%d automations loaded", len(automations))
    return True


def _register_services(hub: Hub, automations: dict[str, Automation]) -> None:
    target = vol.Schema({vol.Required(ATTR_ENTITY_ID): cv.entity_ids}, extra=vol.ALLOW_EXTRA)

    def targets(call: ServiceCall) -> list[Automation]:
        found = []
        for entity_id in call.data[ATTR_ENTITY_ID]:
            if entity_id not in automations:
                raise vol.Invalid(f"no automation {entity_id}")
            found.append(automations[entity_id])
        return found

    async def trigger(call: ServiceCall) -> None:
        for automation in targets(call):
            await automation.async_trigger(
                {"trigger": {"platform": None, "description": "manual trigger"}},
                call.context, skip_condition=call.data.get("skip_condition", True),
            )

    async def turn_on(call: ServiceCall) -> None:
        for automation in targets(call):
            await automation.async_enable()

    async def turn_off(call: ServiceCall) -> None:
        for automation in targets(call):
            await automation.async_disable()

    hub.services.async_register(DOMAIN, "trigger", trigger, target.extend(
        {vol.Optional("skip_condition", default=True): cv.boolean}))
    hub.services.async_register(DOMAIN, "turn_on", turn_on, target)
    hub.services.async_register(DOMAIN, "turn_off", turn_off, target)
