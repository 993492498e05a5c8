"""`value_template` rendering in Jinja's immutable sandbox.

Templates come from devices, so they run sandboxed, compiled once and
cached; a template that fails on one message leaves the state unchanged.
"""

from __future__ import annotations

import contextlib
import json
from functools import lru_cache
from typing import Any

from jinja2 import Template, Undefined
from jinja2.sandbox import ImmutableSandboxedEnvironment


def _is_defined(value: Any) -> Any:
    if isinstance(value, Undefined):
        raise ValueError("value is not defined")
    return value


def _float(value: Any, default: Any = None) -> Any:
    try:
        return float(value)
    except (TypeError, ValueError):
        if default is None:
            raise
        return default


def _int(value: Any, default: Any = None) -> Any:
    try:
        return int(float(value))
    except (TypeError, ValueError):
        if default is None:
            raise
        return default


_ENV = ImmutableSandboxedEnvironment()
_ENV.filters.update({"is_defined": _is_defined, "float": _float, "int": _int})


@lru_cache(maxsize=512)
def compile_template(text: str) -> Template:
    """Compile once per distinct template text."""
    return _ENV.from_string(text)


def render_value(text: str | None, payload: str) -> str:
    """Apply a value template to a payload (`value`, and `value_json` when it is JSON)."""
    if not text:
        return payload
    variables: dict[str, Any] = {"value": payload}
    with contextlib.suppress(ValueError, RecursionError):
        variables["value_json"] = json.loads(payload)
    return compile_template(text).render(variables).strip()
