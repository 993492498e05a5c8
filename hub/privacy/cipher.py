"""AES-GCM for biometric templates and snapshots, bound to the row they live in.

The associated data names the table, row and credential, so a ciphertext
copied into another person's row does not decrypt: a swapped or corrupted row
is an error, never a silent match for the wrong person.
"""

from __future__ import annotations

import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from hub.storage.errors import CorruptRecordError

NONCE_BYTES = 12


class RecordCipher:
    """Encrypt and decrypt one kind of record with its own subkey."""

    __slots__ = ("_aead", "_label")

    def __init__(self, key: bytes, label: str) -> None:
        self._aead = AESGCM(key)
        self._label = label

    def _aad(self, *binding: str) -> bytes:
        return "\x1f".join((self._label, *binding)).encode()

    def encrypt(self, plaintext: bytes, *binding: str) -> tuple[bytes, bytes]:
        """Return (nonce, ciphertext) for plaintext bound to `binding` (row ids)."""
        nonce = os.urandom(NONCE_BYTES)
        return nonce, self._aead.encrypt(nonce, plaintext, self._aad(*binding))

    def decrypt(self, nonce: bytes, ciphertext: bytes, *binding: str) -> bytes:
        """Decrypt; a wrong binding or a changed byte raises CorruptRecordError."""
        try:
            return self._aead.decrypt(bytes(nonce), bytes(ciphertext), self._aad(*binding))
        except (InvalidTag, ValueError) as err:
            raise CorruptRecordError(
                f"The encrypted {self._label} record {'/'.join(binding)} does not decrypt: it "
                "was changed, copied from another row or damaged. It is not used; re-enrol "
                "the person or restore the database from a backup."
            ) from err
