"""Validate automation configs, including those built from blueprints."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import voluptuous as vol

import hub.config.validation as cv
from hub.automation.actions import ActionValidator
from hub.automation.conditions import ConditionBuilder
from hub.automation.const import (
    CONF_ACTIONS,
    CONF_ALIAS,
    CONF_CONDITIONS,
    CONF_DESCRIPTION,
    CONF_ID,
    CONF_INITIAL_STATE,
    CONF_MAX,
    CONF_MODE,
    CONF_STORED_TRACES,
    CONF_TRACE,
    CONF_TRIGGERS,
    CONF_USE_BLUEPRINT,
    CONF_VARIABLES,
    DEFAULT_MAX_RUNS,
    DEFAULT_STORED_TRACES,
    MODE_SINGLE,
    MODES,
)
from hub.automation.platforms import find_platform
from hub.automation.triggers import BUILTIN_PLATFORMS
from hub.loader import IntegrationCatalog

# Home Assistant's older spellings, accepted so HA automations paste in unchanged.
_ALIASES = {"trigger": CONF_TRIGGERS, "condition": CONF_CONDITIONS, "action": CONF_ACTIONS}


class AutomationValidator:
    """Validates automations for one configuration folder."""

    def __init__(self, config_dir: Path, catalog: IntegrationCatalog | None) -> None:
        self.config_dir = config_dir
        self.catalog = catalog
        self.conditions = ConditionBuilder(catalog)
        self.actions = ActionValidator(self.conditions, self.triggers)

    def trigger(self, config: Any) -> dict[str, Any]:
        """One trigger: `trigger: <platform>` (or HA's older `platform:`)."""
        if not isinstance(config, dict):
            raise vol.Invalid("a trigger must be a mapping such as 'trigger: face'")
        config = dict(config)
        if "platform" in config and "trigger" not in config:
            config["trigger"] = config.pop("platform")
        if "trigger" not in config:
            raise vol.Invalid("a trigger needs 'trigger: <kind>'")
        name = cv.string(config["trigger"])
        module = find_platform("trigger", name, BUILTIN_PLATFORMS, self.catalog)
        common = {key: config.pop(key) for key in ("trigger", "id", "enabled", "alias")
                  if key in config}
        validated: dict[str, Any] = module.TRIGGER_SCHEMA(config)
        validated.update(common)
        validated["trigger"] = name
        return validated

    def triggers(self, value: Any) -> list[dict[str, Any]]:
        """A list of triggers (a single one is accepted too)."""
        items = value if isinstance(value, list) else [value]
        errors, result = [], []
        for index, item in enumerate(items):
            try:
                result.append(self.trigger(item))
            except vol.Invalid as err:
                errors.append(vol.Invalid(err.msg, path=[index, *err.path]))
        if errors:
            raise vol.MultipleInvalid(errors)
        return result

    def automation(self, config: Any) -> dict[str, Any]:
        """One automation, written out or from a blueprint."""
        if not isinstance(config, dict):
            raise vol.Invalid("an automation must be a mapping")
        if CONF_USE_BLUEPRINT in config:
            from hub.automation.blueprint import expand_blueprint

            config = expand_blueprint(config, self.config_dir)
        config = {_ALIASES.get(key, key): value for key, value in config.items()}
        schema = vol.Schema(
            {
                vol.Required(CONF_ID): cv.slug,
                vol.Optional(CONF_ALIAS): cv.string,
                vol.Optional(CONF_DESCRIPTION): cv.string,
                vol.Optional(CONF_MODE, default=MODE_SINGLE): vol.In(MODES),
                vol.Optional(CONF_MAX, default=DEFAULT_MAX_RUNS): vol.All(int, vol.Range(min=1)),
                vol.Optional(CONF_INITIAL_STATE, default=True): cv.boolean,
                vol.Optional(CONF_VARIABLES, default={}): dict,
                vol.Optional(CONF_TRACE, default={}): {
                    vol.Optional(CONF_STORED_TRACES, default=DEFAULT_STORED_TRACES):
                        vol.All(int, vol.Range(min=1, max=1000)),
                },
                vol.Required(CONF_TRIGGERS): self.triggers,
                vol.Optional(CONF_CONDITIONS, default=[]): self.conditions.validate_list,
                vol.Required(CONF_ACTIONS): self.actions.sequence,
                vol.Optional("blueprint"): dict,
            }
        )
        validated: dict[str, Any] = schema(config)
        return validated

    def automations(self, value: Any) -> list[dict[str, Any]]:
        """The `automation:` section: a list of automations with unique ids."""
        if value is None:
            return []
        items = value if isinstance(value, list) else [value]
        errors: list[vol.Invalid] = []
        result: list[dict[str, Any]] = []
        seen: set[Any] = set()
        for index, item in enumerate(items):
            raw_id = item.get(CONF_ID) if isinstance(item, dict) else None
            if raw_id is not None and raw_id in seen:
                errors.append(vol.Invalid(f"duplicate automation id '{raw_id}'",
                                          path=[index, CONF_ID]))
            seen.add(raw_id)
            try:
                automation = self.automation(item)
            except vol.MultipleInvalid as err:
                errors.extend(vol.Invalid(e.msg, path=[index, *e.path]) for e in err.errors)
                continue
            except vol.Invalid as err:
                errors.append(vol.Invalid(err.msg, path=[index, *err.path]))
                continue
            result.append(automation)
        if errors:
            raise vol.MultipleInvalid(errors)
        return result
