"""Conversions between Python values and the plain column types both servers share.

Times are stored as epoch seconds (double), JSON as text: the same bytes on
SQLite and PostgreSQL, so tests and exports do not depend on the back-end.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

from hub.storage.errors import CorruptRecordError


def to_epoch(value: datetime | None) -> float | None:
    """An aware datetime as epoch seconds; naive datetimes are refused (ambiguous)."""
    if value is None:
        return None
    if value.tzinfo is None:
        raise ValueError("datetimes given to storage must carry a time zone")
    return value.timestamp()


def from_epoch(value: Any) -> datetime | None:
    """Epoch seconds from a column back to an aware UTC datetime."""
    if value is None:
        return None
    return datetime.fromtimestamp(float(value), UTC)


def to_json(value: Any) -> str:
    """Compact, key-sorted JSON, so equal values give equal text (hashing, tests)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def from_json(text: Any, what: str) -> Any:
    """Parse a JSON column; a broken one is a corrupted record, said so by name."""
    try:
        return json.loads(text)
    except (TypeError, ValueError) as err:
        raise CorruptRecordError(f"{what} holds unreadable JSON ({err})") from err


def parse_date(text: Any, what: str) -> date | None:
    """An ISO date column; a malformed one is a corrupted record."""
    if text is None:
        return None
    try:
        return date.fromisoformat(str(text))
    except ValueError as err:
        raise CorruptRecordError(f"{what} holds an invalid date {text!r}") from err
