"""QR passes: a signed token naming a credential and the window it is valid for.

The token is `base64url(payload).base64url(hmac)`. The signature makes the
window unforgeable; the use count lives in the database (decremented
atomically when redeemed), so a screenshot cannot be replayed past it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC, datetime

from hub.people.errors import InvalidCredentialError

_SIG_BYTES = 16


@dataclass(frozen=True, slots=True)
class QrClaims:
    """What a valid token says."""

    credential_id: str
    valid_from: datetime
    valid_until: datetime


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sign_pass(key: bytes, credential_id: str, valid_from: datetime,
              valid_until: datetime) -> str:
    """A token for a pass; times are kept to the second."""
    payload = json.dumps(
        {"c": credential_id, "f": int(valid_from.timestamp()), "u": int(valid_until.timestamp())},
        separators=(",", ":"), sort_keys=True,
    ).encode()
    signature = hmac.new(key, payload, hashlib.sha256).digest()[:_SIG_BYTES]
    return f"{_b64(payload)}.{_b64(signature)}"


def verify_pass(key: bytes, token: str, when: datetime) -> QrClaims:
    """The claims of a genuine token valid at `when`, or InvalidCredentialError saying why."""
    try:
        payload_text, signature_text = token.strip().split(".")
        payload = _unb64(payload_text)
        signature = _unb64(signature_text)
    except ValueError as err:
        raise InvalidCredentialError("QR code is not a menjin pass") from err
    expected = hmac.new(key, payload, hashlib.sha256).digest()[:_SIG_BYTES]
    if not hmac.compare_digest(signature, expected):
        raise InvalidCredentialError("QR pass signature is invalid (forged or from another site)")
    try:
        data = json.loads(payload)
        claims = QrClaims(str(data["c"]), datetime.fromtimestamp(int(data["f"]), UTC),
                          datetime.fromtimestamp(int(data["u"]), UTC))
    except (ValueError, KeyError, TypeError) as err:
        raise InvalidCredentialError("QR pass payload is malformed") from err
    if when < claims.valid_from:
        raise InvalidCredentialError("QR pass is not valid yet")
    if when >= claims.valid_until:
        raise InvalidCredentialError("QR pass has expired")
    return claims
