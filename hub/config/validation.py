"""Validators shared by the voluptuous schemas of the core and integrations.

Import as `import hub.config.validation as cv`, the way Home Assistant code
uses `config_validation`.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import voluptuous as vol

from hub.states import valid_entity_id

_SLUG_RE = re.compile(r"^[a-z0-9_]+$")
_DURATION_RE = re.compile(r"^(?:(\d+):)?(\d+):(\d+(?:\.\d+)?)$")


def string(value: Any) -> str:
    """A string; numbers are accepted and converted, None and containers are not."""
    if value is None or isinstance(value, dict | list):
        raise vol.Invalid("expected a string")
    return str(value)


def boolean(value: Any) -> bool:
    """A boolean, also accepting on/off, yes/no, true/false and 1/0."""
    if isinstance(value, bool):
        return value
    text = str(value).lower().strip()
    if text in ("1", "true", "yes", "on", "enable"):
        return True
    if text in ("0", "false", "no", "off", "disable"):
        return False
    raise vol.Invalid(f"expected a boolean (true/false), got {value!r}")


def slug(value: Any) -> str:
    """A lowercase identifier of letters, digits and underscores."""
    text = string(value)
    if not _SLUG_RE.match(text):
        raise vol.Invalid(f"invalid identifier {text!r}: use lowercase letters, digits and _")
    return text


def entity_id(value: Any) -> str:
    """One entity id such as `turnstile.gate_3`."""
    text = string(value).lower()
    if not valid_entity_id(text):
        raise vol.Invalid(f"invalid entity id {text!r}, expected 'domain.object_id'")
    return text


def entity_ids(value: Any) -> list[str]:
    """One or more entity ids, as a list or a comma-separated string."""
    if isinstance(value, str):
        value = [part.strip() for part in value.split(",") if part.strip()]
    return [entity_id(item) for item in ensure_list(value)]


def ensure_list(value: Any) -> list[Any]:
    """Wrap a single value in a list; None becomes an empty list."""
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def time_zone(value: Any) -> str:
    """An IANA time zone such as `Asia/Shanghai`."""
    text = string(value)
    try:
        ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError) as err:
        raise vol.Invalid(f"unknown time zone {text!r}, use a name like 'Asia/Shanghai'") from err
    return text


def positive_duration(value: Any) -> timedelta:
    """A duration: seconds as a number, `HH:MM:SS`, or a mapping of hours/minutes/seconds."""
    if isinstance(value, timedelta):
        result = value
    elif isinstance(value, int | float) and not isinstance(value, bool):
        result = timedelta(seconds=value)
    elif isinstance(value, dict):
        allowed = {"days", "hours", "minutes", "seconds", "milliseconds"}
        unknown = set(value) - allowed
        if unknown:
            raise vol.Invalid(f"unknown duration keys {sorted(unknown)}, use {sorted(allowed)}")
        result = timedelta(**{key: float(val) for key, val in value.items()})
    else:
        match = _DURATION_RE.match(str(value).strip())
        if not match:
            raise vol.Invalid(f"invalid duration {value!r}, use seconds or HH:MM:SS")
        hours, minutes, seconds = match.groups()
        result = timedelta(
            hours=int(hours or 0), minutes=int(minutes), seconds=float(seconds)
        )
    if result < timedelta(0):
        raise vol.Invalid("duration must not be negative")
    return result


def port(value: Any) -> int:
    """A TCP/UDP port number."""
    return int(vol.All(vol.Coerce(int), vol.Range(min=1, max=65535))(value))


LOG_LEVELS = ("critical", "fatal", "error", "warning", "warn", "info", "debug", "notset")

log_level = vol.All(vol.Lower, vol.In(LOG_LEVELS))
