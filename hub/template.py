"""Jinja2 templates in the sandbox, for messages and conditions.

Templates see the current states (`states('sensor.x')`, `states.sensor.x.state`,
`state_attr`, `is_state`), the variables of the run (`trigger`, `person`,
blueprint inputs) and a few filters. They run in Jinja2's immutable sandbox, so
a template written by a site administrator cannot reach Python internals or
change anything. Embeddings are never put into template variables.
"""

from __future__ import annotations

import ast
import logging
import math
from collections.abc import Mapping
from datetime import UTC, datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment

from hub.exceptions import HubError

if TYPE_CHECKING:
    from hub.core import Hub
    from hub.states import State

_LOGGER = logging.getLogger(__name__)


class TemplateError(HubError):
    """A template could not be compiled or rendered."""


_JINJA_PROBES = frozenset({"unsafe_callable", "alters_data", "jinja_pass_arg"})


class _StatesAccessor:
    """`states.domain.object_id` and `states('domain.object_id')` inside templates."""

    __slots__ = ("_domain", "_hub")

    def __init__(self, hub: Hub, domain: str | None = None) -> None:
        self._hub = hub
        self._domain = domain

    def __getattr__(self, name: str) -> Any:
        # Jinja2 probes these on every callable; they are not domains.
        if name.startswith("_") or name in _JINJA_PROBES:
            raise AttributeError(name)
        if self._domain is None:
            return _StatesAccessor(self._hub, name)
        return self._hub.states.get(f"{self._domain}.{name}")

    def __call__(self, entity_id: str) -> str:
        state = self._hub.states.get(entity_id)
        return "unknown" if state is None else state.state

    def __iter__(self) -> Any:
        return iter(self._hub.states.all(self._domain))


def _as_float(value: Any, default: Any = None) -> Any:
    try:
        return float(value)
    except (TypeError, ValueError):
        if default is None:
            raise TemplateError(f"cannot convert {value!r} to a number") from None
        return default


def _timestamp_local(value: Any, hub: Hub) -> str:
    moment = datetime.fromtimestamp(float(value), UTC).astimezone(hub.config.tzinfo)
    return moment.strftime("%H:%M")


@lru_cache(maxsize=1)
def _base_environment() -> ImmutableSandboxedEnvironment:
    env = ImmutableSandboxedEnvironment(
        undefined=jinja2.StrictUndefined, autoescape=False, trim_blocks=True,
    )
    env.filters["float"] = _as_float
    env.filters["round"] = lambda value, digits=0: round(_as_float(value), digits)
    env.globals["float"] = _as_float
    env.globals["pi"] = math.pi
    return env


@lru_cache(maxsize=512)
def _compile(source: str) -> jinja2.Template:
    try:
        return _base_environment().from_string(source)
    except jinja2.TemplateSyntaxError as err:
        raise TemplateError(f"template syntax error on line {err.lineno}: {err.message}") from err


class Template:
    """A compiled template bound to a hub; render with run variables."""

    __slots__ = ("_compiled", "hub", "source")

    def __init__(self, source: str, hub: Hub | None = None) -> None:
        self.source = source
        self.hub = hub
        self._compiled = _compile(source)

    @staticmethod
    def is_template(text: Any) -> bool:
        """True when a string contains Jinja2 markup and must be rendered."""
        return isinstance(text, str) and ("{{" in text or "{%" in text)

    def render(self, variables: Mapping[str, Any] | None = None) -> str:
        """Render to a string; raise TemplateError with the reason on failure."""
        context: dict[str, Any] = {}
        if self.hub is not None:
            hub = self.hub
            context["states"] = _StatesAccessor(hub)
            context["is_state"] = hub.states.is_state
            context["state_attr"] = lambda entity_id, name: _attr(hub.states.get(entity_id), name)
            context["now"] = lambda: datetime.now(hub.config.tzinfo)
            context["local_time"] = lambda value: _timestamp_local(value, hub)
        context.update(variables or {})
        try:
            return self._compiled.render(context)
        except TemplateError:
            raise
        except jinja2.TemplateError as err:
            raise TemplateError(f"template error: {err}") from err
        except Exception as err:  # errors inside user templates are user errors
            raise TemplateError(f"template error: {type(err).__name__}: {err}") from err

    def render_bool(self, variables: Mapping[str, Any] | None = None) -> bool:
        """Render and read the result as a boolean (true/yes/on/1 are true)."""
        return self.render(variables).strip().lower() in ("true", "yes", "on", "1", "enable")


def _attr(state: State | None, name: str) -> Any:
    return None if state is None else state.attributes.get(name)


def _native(text: str) -> Any:
    """A rendered list, mapping or None back as the object, as Home Assistant does.

    Only containers and None are converted: a rendered "0123" stays a string, so
    card numbers and ids never turn into numbers.
    """
    stripped = text.strip()
    if stripped == "None":
        return None
    if (stripped[:1], stripped[-1:]) in (("[", "]"), ("{", "}")):
        try:
            return ast.literal_eval(stripped)
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            return text
    return text


def render_complex(value: Any, variables: Mapping[str, Any], hub: Hub | None) -> Any:
    """Render every template string inside nested lists and mappings.

    A template that renders a list or mapping (`{{ teachers }}`) yields that
    object, so service data keeps its shape.
    """
    if isinstance(value, str):
        if not Template.is_template(value):
            return value
        return _native(Template(value, hub).render(variables))
    if isinstance(value, Mapping):
        return {key: render_complex(item, variables, hub) for key, item in value.items()}
    if isinstance(value, list):
        return [render_complex(item, variables, hub) for item in value]
    return value
