"""Configure Python logging from the `logger:` section."""

from __future__ import annotations

import logging
from typing import Any

DEFAULT_FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"


_ALIASES = {"warn": "warning", "fatal": "critical"}


def level_of(name: str) -> int:
    """The numeric level of a config level name (`warn` and `fatal` are aliases)."""
    name = _ALIASES.get(name.lower(), name.lower())
    return int(logging.getLevelNamesMapping()[name.upper()])


def configure_logging(section: dict[str, Any] | None, verbose: bool = False) -> None:
    """Apply the default level, per-logger levels and format from the config."""
    section = section or {}
    root = logging.getLogger()
    fmt = section.get("format", DEFAULT_FORMAT)
    if not root.handlers:
        root.addHandler(logging.StreamHandler())
    for handler in root.handlers:
        handler.setFormatter(logging.Formatter(fmt))
    root.setLevel(logging.DEBUG if verbose else level_of(section.get("default", "info")))
    for name, level in section.get("logs", {}).items():
        logging.getLogger(name).setLevel(level_of(level))
