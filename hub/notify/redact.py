"""Addresses as they may appear in logs and listings: never a token or password."""

from __future__ import annotations

from urllib.parse import urlsplit


def describe_address(target: str, address: str | None) -> str:
    """A loggable form of where a message goes.

    Apprise URLs carry bot tokens and passwords in the URL itself, so only the
    scheme and host are shown; e-mail addresses and MQTT topics are shown as is
    (they are what an installer needs to find a typo).
    """
    if not address:
        return target
    if "://" in address:
        try:
            parts = urlsplit(address)
            host = parts.hostname or ""
        except ValueError:
            return address.split("://", 1)[0] + "://…"
        return f"{parts.scheme}://{host}/…" if host else f"{parts.scheme}://…"
    return address
