"""The `@callback` marker: a function that is safe to run inline in the event loop."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

_CallableT = TypeVar("_CallableT", bound=Callable[..., Any])

_CALLBACK_ATTR = "_menjin_callback"


def callback(func: _CallableT) -> _CallableT:
    """Mark a function as non-blocking so the core may call it without scheduling."""
    setattr(func, _CALLBACK_ATTR, True)
    return func


def is_callback(func: Callable[..., Any]) -> bool:
    """Tell whether a function was marked with `@callback`."""
    return getattr(func, _CALLBACK_ATTR, False) is True
