"""Credentials other than the face: cards, QR passes, PINs (faces live in hub.privacy).

Nothing secret is stored in the clear: card numbers become keyed HMACs (so a
card can still be looked up), PINs a salted scrypt hash, and QR passes carry
their own HMAC signature over the window they are valid for.
"""

from hub.credentials.model import Credential
from hub.credentials.repository import CredentialRepository

__all__ = ["Credential", "CredentialRepository"]
