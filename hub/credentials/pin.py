"""PINs hashed with scrypt: slow on purpose, so a stolen database does not give them up.

A PIN is short, so it only ever confirms a claimed identity (a person id, a
card, a unit number on the keypad); it is never searched for across everyone.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re

# scrypt cost: about 50 ms and 16 MiB on one core of the target machine.
SCRYPT_N = 2**14
SCRYPT_R = 8
SCRYPT_P = 1
_SALT_BYTES = 16
_HASH_BYTES = 32
_PIN = re.compile(r"^[0-9]{4,12}$")


def check_pin(pin: str) -> str:
    """A PIN is 4 to 12 digits."""
    if not _PIN.match(pin):
        raise ValueError("a PIN is 4 to 12 digits")
    return pin


def hash_pin(pin: str, n: int = SCRYPT_N) -> str:
    """A self-describing `scrypt$n$r$p$salt$hash` string (blocking: run in an executor)."""
    check_pin(pin)
    salt = os.urandom(_SALT_BYTES)
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=n, r=SCRYPT_R, p=SCRYPT_P,
                            dklen=_HASH_BYTES)
    return "$".join(("scrypt", str(n), str(SCRYPT_R), str(SCRYPT_P),
                     base64.b64encode(salt).decode(), base64.b64encode(digest).decode()))


def verify_pin(pin: str, stored: str) -> bool:
    """Constant-time check of a PIN against its stored hash (blocking)."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest)
        actual = hashlib.scrypt(pin.encode(), salt=base64.b64decode(salt), n=int(n), r=int(r),
                                p=int(p), dklen=len(expected))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)
