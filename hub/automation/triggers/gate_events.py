"""Shared filters of the gate triggers (face, credential, passage, id_card)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import voluptuous as vol

import hub.config.validation as cv

string_list = vol.All(cv.ensure_list, [cv.string])

GATE_FILTERS = {
    vol.Optional("gate"): string_list,
    vol.Optional("direction"): vol.All(cv.ensure_list, [vol.In(["in", "out"])]),
}


def build_filter(config: Mapping[str, Any], fields: Mapping[str, str]) -> Callable[..., bool]:
    """A predicate on event data: every configured filter must match.

    `fields` maps a config key to the event-data key it filters; list-valued
    data (a person's groups) match when any element is wanted.
    """
    wanted = {data_key: set(config[key]) for key, data_key in fields.items() if key in config}

    def matches(data: Mapping[str, Any]) -> bool:
        for data_key, allowed in wanted.items():
            value = data.get(data_key)
            if isinstance(value, list | tuple | set):
                if not allowed.intersection(value):
                    return False
            elif value not in allowed:
                return False
        return True

    return matches
