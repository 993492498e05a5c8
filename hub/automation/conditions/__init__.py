"""Conditions: checks that must hold for an automation (or a step) to go on.

A condition module exposes `CONDITION_SCHEMA` and
`build(hub, config, builder) -> Check`, where a Check is an async function of
the run variables returning a ConditionResult: a verdict *and* the reason, so
a denied gate decision can say why ("temperature 38.1 °C is above 37.3").
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import voluptuous as vol

from hub.automation.platforms import find_platform
from hub.loader import IntegrationCatalog
from hub.template import Template

if TYPE_CHECKING:
    from hub.core import Hub

BUILTIN_CONDITIONS = ("state", "numeric_state", "template", "time", "and", "or", "not")


@dataclass(slots=True)
class ConditionResult:
    """A verdict with the reason a person (or the access log) can read."""

    ok: bool
    reason: str
    condition: str
    details: list[ConditionResult] = field(default_factory=list)

    def failed_reasons(self) -> list[str]:
        """Every reason a condition failed, from the innermost failing conditions."""
        if self.ok:
            return []
        inner = [reason for item in self.details for reason in item.failed_reasons()]
        return inner or [self.reason]

    def as_variable(self) -> dict[str, Any]:
        """What `if`/`choose` leave in the `condition` variable for the next actions."""
        return {"ok": self.ok, "reason": self.reason, "reasons": self.failed_reasons()}

    def as_dict(self) -> dict[str, Any]:
        """Serialisable form for traces."""
        return {
            "condition": self.condition, "ok": self.ok, "reason": self.reason,
            **({"details": [item.as_dict() for item in self.details]} if self.details else {}),
        }


Check = Callable[[Mapping[str, Any]], Awaitable[ConditionResult]]


class ConditionBuilder:
    """Validates condition configs and builds their checks, for one catalog."""

    def __init__(self, catalog: IntegrationCatalog | None) -> None:
        self.catalog = catalog

    def _module(self, name: str) -> Any:
        builtin_module = {"and": "logic", "or": "logic", "not": "logic"}.get(name, name)
        if builtin_module == "logic":
            from hub.automation.conditions import logic

            return logic
        return find_platform("condition", builtin_module, BUILTIN_CONDITIONS, self.catalog)

    def validate(self, config: Any) -> dict[str, Any]:
        """Validate one condition; a bare template string is a template condition."""
        if isinstance(config, str):
            if not Template.is_template(config):
                raise vol.Invalid(f"a condition written as text must be a template: {config!r}")
            config = {"condition": "template", "value_template": config}
        if not isinstance(config, dict) or "condition" not in config:
            raise vol.Invalid("a condition needs 'condition: <kind>'")
        module = self._module(str(config["condition"]))
        schema = module.CONDITION_SCHEMA
        if callable(getattr(module, "schema_for", None)):
            schema = module.schema_for(self)
        validated: dict[str, Any] = schema(dict(config))
        return validated

    def validate_list(self, configs: Any) -> list[dict[str, Any]]:
        """Validate a list of conditions (a single one is accepted too)."""
        if configs is None:
            return []
        items = configs if isinstance(configs, list) else [configs]
        errors = []
        result = []
        for index, item in enumerate(items):
            try:
                result.append(self.validate(item))
            except vol.Invalid as err:
                errors.append(vol.Invalid(err.msg, path=[index, *err.path]))
        if errors:
            raise vol.MultipleInvalid(errors)
        return result

    def build(self, hub: Hub, config: dict[str, Any]) -> Check:
        """The check function of a validated condition."""
        check: Check = self._module(config["condition"]).build(hub, config, self)
        return check

    def build_all(self, hub: Hub, configs: list[dict[str, Any]]) -> Check:
        """One check that passes when every condition passes.

        Every condition is evaluated, not just up to the first failure, so a
        denial lists all its reasons ("fever" *and* "no mask").
        """
        checks = [self.build(hub, config) for config in configs]

        async def check_all(variables: Mapping[str, Any]) -> ConditionResult:
            details = [await check(variables) for check in checks]
            failed = [result.reason for result in details if not result.ok]
            if failed:
                return ConditionResult(False, "; ".join(failed), "and", details)
            return ConditionResult(True, "all conditions passed", "and", details)

        return check_all
