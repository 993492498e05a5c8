"""Keep raw credentials and images out of anything that leaves the event bus.

Card numbers, PINs, QR payloads and photos travel on the bus so that rules can
check them, but traces, the WebSocket API and logs get `<redacted>` instead.
"""

from __future__ import annotations

from typing import Any

SENSITIVE_KEYS = frozenset({
    "value", "pin", "photo", "image", "image_base64", "embedding", "frame", "password",
    "token", "access_token", "qr", "card_number",
})
REDACTED = "<redacted>"


def redact(value: Any) -> Any:
    """A JSON-friendly copy with sensitive keys masked and odd objects stringified."""
    if isinstance(value, dict):
        return {key: REDACTED if key in SENSITIVE_KEYS else redact(item)
                for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [redact(item) for item in value]
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    as_dict = getattr(value, "as_dict", None)
    if callable(as_dict):
        return redact(as_dict())
    return str(value)
