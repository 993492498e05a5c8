"""Card numbers: normalised, then stored only as a keyed HMAC.

Readers report the same card with different separators and case; normalising
first makes the HMAC of "04:a2:19" and "04A219" the same lookup key. Without
the site key the stored values say nothing about the cards.
"""

from __future__ import annotations

import hashlib
import hmac
import re

_SEPARATORS = re.compile(r"[\s:\-_.]")
_VALID = re.compile(r"^[0-9A-F]{4,64}$")


def normalise_card_number(raw: str) -> str:
    """Upper-case hex/decimal digits without separators; raise ValueError if not a card."""
    value = _SEPARATORS.sub("", str(raw)).upper()
    if not _VALID.match(value):
        raise ValueError(
            "invalid card number: use 4 to 64 hex or decimal digits (separators are ignored)"
        )
    return value


def card_lookup_key(key: bytes, raw: str) -> str:
    """The value stored and searched for a card number."""
    number = normalise_card_number(raw)
    return hmac.new(key, number.encode("ascii"), hashlib.sha256).hexdigest()
