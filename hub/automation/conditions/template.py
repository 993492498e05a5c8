"""`condition: template`: a Jinja2 expression that renders true."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import voluptuous as vol

import hub.config.validation as cv
from hub.automation.conditions import Check, ConditionBuilder, ConditionResult
from hub.template import Template, TemplateError

if TYPE_CHECKING:
    from hub.core import Hub


def _compiles(value: Any) -> str:
    text = cv.string(value)
    try:
        Template(text)
    except TemplateError as err:
        raise vol.Invalid(str(err)) from err
    return text


CONDITION_SCHEMA = vol.Schema(
    {
        vol.Required("condition"): "template",
        vol.Required("value_template"): _compiles,
        vol.Optional("alias"): str,
    }
)


def _reason(hub: Hub, alias: str, variables: Mapping[str, Any]) -> str:
    """The alias as the failure reason; it may be a template showing the values."""
    if not Template.is_template(alias):
        return alias
    try:
        return Template(alias, hub).render(variables).strip()
    except TemplateError:
        return alias


def build(hub: Hub, config: dict[str, Any], builder: ConditionBuilder) -> Check:
    """Render the template; a render error fails the condition with its reason.

    With an `alias`, a failure's reason is the alias itself, so a blueprint can
    phrase it for the access log ("temperature above limit").
    """
    template = Template(config["value_template"], hub)
    alias = config.get("alias")
    label = alias or config["value_template"]

    async def check(variables: Mapping[str, Any]) -> ConditionResult:
        try:
            ok = template.render_bool(variables)
        except TemplateError as err:
            return ConditionResult(False, f"{label}: {err}", "template")
        if not ok and alias:
            return ConditionResult(False, _reason(hub, alias, variables), "template")
        return ConditionResult(ok, f"{label} is {'true' if ok else 'false'}", "template")

    return check
