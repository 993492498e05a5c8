"""Users, tokens and sessions as plain data. Secrets are stored only as hashes."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any


class Role(StrEnum):
    """What a user is allowed to do (see `hub.auth.permissions`)."""

    ADMIN = "admin"
    INSTALLER = "installer"
    OPERATOR = "operator"
    GUARDIAN = "guardian"


def new_secret() -> str:
    """A random, URL-safe secret of 256 bits."""
    return secrets.token_urlsafe(32)


def hash_secret(secret: str) -> str:
    """SHA-256 of a high-entropy secret (tokens, session ids); passwords use argon2."""
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(slots=True)
class User:
    """A person who may log in to the hub."""

    id: str
    username: str
    role: Role
    password_hash: str
    name: str = ""
    active: bool = True
    # For guardians: the people (children) whose passages this user may see.
    person_ids: list[str] = field(default_factory=list)
    created_at: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        """Stored form (includes the password hash; never send it to a client)."""
        data = asdict(self)
        data["role"] = self.role.value
        return data

    def public(self) -> dict[str, Any]:
        """What the API shows about a user."""
        return {"id": self.id, "username": self.username, "name": self.name,
                "role": self.role.value, "active": self.active, "person_ids": self.person_ids}


@dataclass(slots=True)
class AccessToken:
    """A long-lived token for scripts and integrations (HA's long-lived access token)."""

    id: str
    user_id: str
    name: str
    token_hash: str
    created_at: float
    expires_at: float | None = None
    last_used_at: float | None = None


@dataclass(slots=True)
class Session:
    """A browser session: cookie id (hashed here) plus its CSRF token."""

    id_hash: str
    user_id: str
    csrf_token: str
    created_at: float
    expires_at: float
