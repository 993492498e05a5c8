"""Signed, expiring links: one-key open and snapshot links carry their own proof.

A token is `base64url(json claims).base64url(HMAC-SHA256)`. The signature makes
the claims (gate, visitor event, expiry) unforgeable; single use is enforced
by the database, not by the token. The view checks the signature before it
reads anything else, so a forged token learns nothing about the site.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Any

from hub.exceptions import HubError

_SIG_BYTES = 32
# A token longer than this is refused before any work is done.
MAX_TOKEN_LENGTH = 1024


class InvalidToken(HubError):
    """A link that is forged, malformed, expired or for something else."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sign(key: bytes, kind: str, claims: dict[str, Any]) -> str:
    """A token of `kind` (one_key, snapshot) carrying `claims`."""
    payload = json.dumps({**claims, "k": kind}, separators=(",", ":"),
                         sort_keys=True).encode()
    signature = hmac.new(key, payload, hashlib.sha256).digest()[:_SIG_BYTES]
    return f"{_b64(payload)}.{_b64(signature)}"


def verify(key: bytes, kind: str, token: str, now: float | None = None,
           allow_expired: bool = False) -> dict[str, Any]:
    """The claims of a genuine, unexpired token of `kind`; InvalidToken says why not.

    `allow_expired` returns an authentic but expired token's claims, so the
    refusal can be logged against the gate it was for.
    """
    if len(token) > MAX_TOKEN_LENGTH:
        raise InvalidToken("This link is not valid.", "malformed")
    try:
        payload_text, signature_text = token.strip().split(".")
        payload, signature = _unb64(payload_text), _unb64(signature_text)
    except ValueError as err:
        raise InvalidToken("This link is not valid.", "malformed") from err
    expected = hmac.new(key, payload, hashlib.sha256).digest()[:_SIG_BYTES]
    if not hmac.compare_digest(signature, expected):
        raise InvalidToken("This link is not valid (it was changed or is not from this site).",
                           "forged")
    try:
        claims = json.loads(payload)
    except ValueError as err:
        raise InvalidToken("This link is not valid.", "malformed") from err
    if not isinstance(claims, dict) or claims.get("k") != kind:
        raise InvalidToken("This link is not valid here.", "wrong_kind")
    expires = claims.get("x")
    if not isinstance(expires, int | float):
        raise InvalidToken("This link is not valid.", "malformed")
    if not allow_expired and (now or time.time()) >= expires:
        raise InvalidToken("This link has expired.", "expired")
    return claims


def unverified_claims(token: str) -> dict[str, Any]:
    """The claims of a token whose signature failed: only to name the gate in a log."""
    try:
        claims = json.loads(_unb64(token.split(".")[0]))
    except (ValueError, IndexError):
        return {}
    return claims if isinstance(claims, dict) else {}
