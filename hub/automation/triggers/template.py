"""`trigger: template`: fires when a template over states becomes true."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import voluptuous as vol

import hub.config.validation as cv
from hub.automation.triggers import TriggerAction, TriggerInfo, Unsubscribe, trigger_variables
from hub.automation.triggers.tracking import HoldTimers
from hub.callback import callback
from hub.const import EVENT_STATE_CHANGED
from hub.events import Event
from hub.template import Template, TemplateError

if TYPE_CHECKING:
    from hub.core import Hub

TRIGGER_SCHEMA = vol.Schema({vol.Required("value_template"): cv.string}, extra=vol.ALLOW_EXTRA)


async def async_attach(
    hub: Hub, config: dict[str, Any], action: TriggerAction, info: TriggerInfo
) -> Unsubscribe:
    """Re-render on every state change; fire on a false → true transition."""
    template = Template(config["value_template"], hub)
    runner = HoldTimers(hub)
    last = {"value": _safe(template)}

    @callback
    def on_change(event: Event) -> None:
        value = _safe(template)
        if value and not last["value"]:
            runner.fire_now(
                action,
                trigger_variables("template", info, "template became true"),
                event.context,
            )
        last["value"] = value

    return hub.bus.async_listen(EVENT_STATE_CHANGED, on_change)


def _safe(template: Template) -> bool:
    try:
        return template.render_bool()
    except TemplateError:
        return False
