"""Find the module behind a trigger or condition name.

Built-in ones live in `hub.automation.triggers` / `hub.automation.conditions`;
an integration adds more by listing them in its manifest (`"triggers": ["mqtt"]`,
`"conditions": ["person"]`) and providing `trigger.py` / `condition.py`. The core
never names an integration: it asks the catalog which one provides the name.
"""

from __future__ import annotations

import importlib
from types import ModuleType

import voluptuous as vol

from hub.loader import IntegrationCatalog


def find_platform(
    kind: str, name: str, builtin: tuple[str, ...], catalog: IntegrationCatalog | None
) -> ModuleType:
    """The module implementing trigger or condition `name` (kind: trigger/condition)."""
    if name in builtin:
        return importlib.import_module(f"hub.automation.{kind}s.{name}")
    if catalog is not None:
        for integration in catalog.integrations.values():
            provided = (
                integration.manifest.triggers if kind == "trigger"
                else integration.manifest.conditions
            )
            if name in provided:
                return importlib.import_module(f"{integration.package}.{integration.domain}.{kind}")
    known = set(builtin)
    if catalog is not None:
        for integration in catalog.integrations.values():
            known.update(
                integration.manifest.triggers if kind == "trigger"
                else integration.manifest.conditions
            )
    raise vol.Invalid(f"unknown {kind} '{name}', known: {', '.join(sorted(known))}")
