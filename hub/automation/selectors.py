"""Blueprint input selectors, validated (Home Assistant shows them but never checks them).

Each selector turns into a voluptuous validator; an automation whose input does
not fit its selector is refused at `check-config` with the input's name.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import voluptuous as vol

import hub.config.validation as cv
from hub.automation.triggers.time import time_of_day

Validator = Callable[[Any], Any]


def _entity(options: dict[str, Any]) -> Validator:
    filters = cv.ensure_list(options.get("filter"))
    domains = set()
    for item in filters:
        domains.update(cv.ensure_list(item.get("domain")))
    domains.update(cv.ensure_list(options.get("domain")))

    def one(value: Any) -> str:
        entity_id = cv.entity_id(value)
        if domains and entity_id.split(".")[0] not in domains:
            raise vol.Invalid(
                f"{entity_id} is not a {' or '.join(sorted(domains))} entity"
            )
        return entity_id

    if options.get("multiple"):
        return vol.All(cv.ensure_list, [one])
    return one


def _number(options: dict[str, Any]) -> Validator:
    low, high = options.get("min"), options.get("max")

    def validate(value: Any) -> float:
        if isinstance(value, bool):
            raise vol.Invalid("expected a number")
        try:
            number = float(value)
        except (TypeError, ValueError) as err:
            raise vol.Invalid(f"expected a number, got {value!r}") from err
        if (low is not None and number < low) or (high is not None and number > high):
            raise vol.Invalid(f"{number:g} is outside {low}..{high}")
        return number

    return validate


def _select(options: dict[str, Any]) -> Validator:
    choices = [
        item["value"] if isinstance(item, dict) else item for item in options.get("options", [])
    ]
    one = vol.In(choices, msg=f"must be one of {', '.join(map(str, choices))}")
    return vol.All(cv.ensure_list, [one]) if options.get("multiple") else one


def _text(options: dict[str, Any]) -> Validator:
    if options.get("multiple"):
        return vol.All(cv.ensure_list, [cv.string])
    return cv.string


def _list_of_strings(options: dict[str, Any]) -> Validator:
    return vol.All(cv.ensure_list, [cv.string]) if options.get("multiple", True) else cv.string


def _anything(value: Any) -> Any:
    return value


SELECTORS: dict[str, Callable[[dict[str, Any]], Validator]] = {
    "entity": _entity,
    "number": _number,
    "select": _select,
    "text": _text,
    "boolean": lambda options: cv.boolean,
    "time": lambda options: time_of_day,
    "duration": lambda options: cv.positive_duration,
    "object": lambda options: _anything,
    "template": lambda options: cv.string,
    # menjin's own: ids of gates, groups, people and notification targets.
    "gate": lambda options: _list_of_strings(options) if options.get("multiple") else cv.string,
    "group": _list_of_strings,
    "person": lambda options: _list_of_strings(options) if options.get("multiple") else cv.string,
    "notify_target": _list_of_strings,
    # Nested automation parts are validated again once substituted.
    "action": lambda options: _anything,
    "condition": lambda options: _anything,
    "trigger": lambda options: _anything,
}


def selector_validator(selector: Any) -> Validator:
    """The validator for a selector config such as `{number: {min: 30, max: 45}}`."""
    if not isinstance(selector, dict) or len(selector) != 1:
        raise vol.Invalid("a selector is a mapping with one key, such as 'number: {}'")
    [(name, options)] = selector.items()
    if name not in SELECTORS:
        raise vol.Invalid(f"unknown selector '{name}', known: {', '.join(sorted(SELECTORS))}")
    return SELECTORS[name](options or {})
