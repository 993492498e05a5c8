"""The site key: where biometric encryption, card lookups and QR signatures start.

One 32-byte secret, kept outside the database (in `secrets.yaml` as `site_key`
or in a key file). Each use gets its own subkey through HKDF, so the key that
encrypts templates is never the one that signs QR passes. The database stores
only a fingerprint, to tell a wrong key from a corrupted row.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import logging
import os
import secrets
import stat
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from hub.privacy.errors import SiteKeyError

_LOGGER = logging.getLogger(__name__)

KEY_BYTES = 32
SECRET_NAME = "site_key"

# HKDF `info` labels: one per use of the key.
PURPOSE_BIOMETRIC = "biometric-aes-gcm"
PURPOSE_SNAPSHOT = "snapshot-aes-gcm"
PURPOSE_CARD_LOOKUP = "card-hmac"
PURPOSE_QR = "qr-hmac"
PURPOSE_AUDIT = "audit-chain-hmac"
PURPOSE_FINGERPRINT = "fingerprint"

_GENERATE_HINT = (
    "generate one with `menjin people keygen` and put it in secrets.yaml as "
    f"'{SECRET_NAME}: <key>' (or in a key file named by people: key_file:)"
)


class SiteKey:
    """The site's secret; never printed, logged or stored in the database."""

    __slots__ = ("_material", "source")

    def __init__(self, material: bytes, source: str) -> None:
        if len(material) != KEY_BYTES:
            raise SiteKeyError(
                f"The site key from {source} is {len(material)} bytes, expected {KEY_BYTES}: "
                + _GENERATE_HINT
            )
        self._material = material
        self.source = source

    def __repr__(self) -> str:
        return f"<SiteKey from {self.source} fingerprint={self.fingerprint}>"

    @classmethod
    def generate(cls) -> SiteKey:
        """A new random key."""
        return cls(secrets.token_bytes(KEY_BYTES), "generated")

    @classmethod
    def from_text(cls, text: object, source: str) -> SiteKey:
        """Parse a key written as base64 (standard or URL-safe) or hex."""
        if not isinstance(text, str) or not text.strip():
            raise SiteKeyError(
                f"The site key from {source} is empty or not text: " + _GENERATE_HINT)
        value = text.strip()
        material: bytes | None = None
        if len(value) == KEY_BYTES * 2:
            try:
                material = bytes.fromhex(value)
            except ValueError:
                material = None
        if material is None:
            try:
                material = base64.b64decode(
                    value.replace("-", "+").replace("_", "/") + "=" * (-len(value) % 4),
                    validate=True,
                )
            except (binascii.Error, ValueError) as err:
                raise SiteKeyError(
                    f"The site key from {source} is neither base64 nor hex: " + _GENERATE_HINT
                ) from err
        return cls(material, source)

    @classmethod
    def from_file(cls, path: Path) -> SiteKey:
        """Read a key file: 32 raw bytes, or the key as base64/hex text."""
        try:
            data = path.read_bytes()
        except OSError as err:
            raise SiteKeyError(
                f"Cannot read the site key file {path}: {err.strerror or err}. Check the path "
                "and that the user running menjin may read it."
            ) from err
        try:
            mode = path.stat().st_mode
            if mode & (stat.S_IRWXG | stat.S_IRWXO):
                _LOGGER.warning("The site key file %s is readable by others: chmod 600 it", path)
        except OSError:
            pass
        if len(data) == KEY_BYTES:
            return cls(data, str(path))
        try:
            text = data.decode("ascii")
        except UnicodeDecodeError as err:
            raise SiteKeyError(f"The site key file {path} is not a key: " + _GENERATE_HINT) from err
        return cls.from_text(text, str(path))

    def as_text(self) -> str:
        """The key as base64, for writing it once into secrets.yaml."""
        return base64.b64encode(self._material).decode("ascii")

    def subkey(self, purpose: str) -> bytes:
        """A 32-byte key for one purpose only (HKDF-SHA256)."""
        return HKDF(
            algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None,
            info=f"menjin/{purpose}".encode(),
        ).derive(self._material)

    @property
    def fingerprint(self) -> str:
        """A short public identifier of the key (safe to store and show)."""
        digest = hmac.new(self.subkey(PURPOSE_FINGERPRINT), b"menjin", hashlib.sha256)
        return digest.hexdigest()[:16]


def write_key_file(path: Path, key: SiteKey) -> None:
    """Write a key file readable by its owner only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key.as_text() + "\n")
