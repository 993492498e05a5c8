"""The auth store: users, long-lived tokens and sessions in `.storage/auth.json`.

A site has a handful of users, so a JSON file (written atomically, off the
loop) is enough and keeps auth working even when the main database is down.
Passwords are argon2 hashes; tokens and session ids are stored as SHA-256.
"""

from __future__ import annotations

import json
import os
import secrets
import threading
import time
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from hub.auth.models import AccessToken, Role, Session, User, hash_secret, new_secret
from hub.exceptions import HubError

AUTH_FILE = "auth.json"
SESSION_LIFETIME = 12 * 3600.0
MIN_PASSWORD_LENGTH = 10

_HASHER = PasswordHasher()
# Verified against when a username does not exist, so timing does not reveal which.
_DUMMY_HASH = _HASHER.hash(secrets.token_urlsafe(16))


class AuthError(HubError):
    """Login refused or an auth record is invalid; the message is safe to show."""


def check_password_strength(password: str, username: str) -> None:
    """Refuse weak passwords with a reason (length, equal to the username)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AuthError(f"Password must have at least {MIN_PASSWORD_LENGTH} characters")
    if password.lower() == username.lower():
        raise AuthError("Password must not be the username")


class AuthStore:
    """Users, tokens and sessions of one hub; blocking methods, call them off the loop."""

    def __init__(self, storage_dir: Path) -> None:
        self.path = storage_dir / AUTH_FILE
        self._lock = threading.RLock()
        self.users: dict[str, User] = {}
        self.tokens: dict[str, AccessToken] = {}
        self.sessions: dict[str, Session] = {}
        self._load()

    def _load(self) -> None:
        if not self.path.is_file():
            return
        data = json.loads(self.path.read_text())
        for raw in data.get("users", []):
            user = User(**{**raw, "role": Role(raw["role"])})
            self.users[user.id] = user
        for raw in data.get("tokens", []):
            token = AccessToken(**raw)
            self.tokens[token.token_hash] = token
        now = time.time()
        for raw in data.get("sessions", []):
            session = Session(**raw)
            if session.expires_at > now:
                self.sessions[session.id_hash] = session

    def _save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        data = {
            "version": 1,
            "users": [user.as_dict() for user in self.users.values()],
            "tokens": [vars_of(token) for token in self.tokens.values()],
            "sessions": [vars_of(session) for session in self.sessions.values()],
        }
        tmp = self.path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            json.dump(data, handle, indent=1)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, self.path)

    @property
    def has_admin(self) -> bool:
        """True once an active admin exists (first-run set-up is done)."""
        return any(u.role is Role.ADMIN and u.active for u in self.users.values())

    def user_by_name(self, username: str) -> User | None:
        """The user with this username (case-insensitive)."""
        wanted = username.lower()
        return next((u for u in self.users.values() if u.username.lower() == wanted), None)

    def add_user(self, username: str, password: str, role: Role, name: str = "",
                 person_ids: list[str] | None = None) -> User:
        """Create a user after checking the password's strength."""
        with self._lock:
            if self.user_by_name(username) is not None:
                raise AuthError(f"User '{username}' already exists")
            check_password_strength(password, username)
            user = User(id=secrets.token_hex(8), username=username, role=role,
                        password_hash=_HASHER.hash(password), name=name or username,
                        person_ids=list(person_ids or []), created_at=time.time())
            self.users[user.id] = user
            self._save()
            return user

    def set_password(self, user_id: str, password: str) -> None:
        """Change a password; every session of the user ends."""
        with self._lock:
            user = self.users[user_id]
            check_password_strength(password, user.username)
            user.password_hash = _HASHER.hash(password)
            self._end_sessions_of(user_id)
            self._save()

    def update_user(self, user_id: str, *, name: str | None = None,
                    person_ids: list[str] | None = None, active: bool | None = None) -> User:
        """Rename, relink (a guardian's children) or disable/enable a user.

        Disabling ends every session at once; enabling again never revives one.
        """
        with self._lock:
            user = self.users[user_id]
            if name is not None:
                user.name = name or user.username
            if person_ids is not None:
                user.person_ids = list(dict.fromkeys(person_ids))
            if active is not None:
                user.active = active
                if not active:
                    self._end_sessions_of(user_id)
            self._save()
            return user

    def delete_user(self, user_id: str) -> None:
        """Remove a user with their tokens and sessions."""
        with self._lock:
            del self.users[user_id]
            self.tokens = {k: t for k, t in self.tokens.items() if t.user_id != user_id}
            self._end_sessions_of(user_id)
            self._save()

    def _end_sessions_of(self, user_id: str) -> None:
        self.sessions = {k: s for k, s in self.sessions.items() if s.user_id != user_id}

    def authenticate(self, username: str, password: str) -> User:
        """The user if the password is right; AuthError otherwise (same message either way)."""
        user = self.user_by_name(username)
        try:
            _HASHER.verify(user.password_hash if user else _DUMMY_HASH, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            raise AuthError("Invalid username or password") from None
        if user is None or not user.active:
            raise AuthError("Invalid username or password")
        return user

    def create_token(self, user_id: str, name: str, lifetime: float | None = None) -> str:
        """A new long-lived token; the secret is returned once and stored only hashed."""
        with self._lock:
            secret = new_secret()
            now = time.time()
            token = AccessToken(id=secrets.token_hex(8), user_id=user_id, name=name,
                                token_hash=hash_secret(secret), created_at=now,
                                expires_at=None if lifetime is None else now + lifetime)
            self.tokens[token.token_hash] = token
            self._save()
            return secret

    def user_for_token(self, secret: str) -> User | None:
        """The active user a bearer token belongs to, if valid and not expired."""
        token = self.tokens.get(hash_secret(secret))
        if token is None or (token.expires_at is not None and token.expires_at < time.time()):
            return None
        user = self.users.get(token.user_id)
        return user if user is not None and user.active else None

    def revoke_token(self, token_id: str) -> bool:
        """Delete a token by its id."""
        with self._lock:
            for key, token in list(self.tokens.items()):
                if token.id == token_id:
                    del self.tokens[key]
                    self._save()
                    return True
            return False

    def create_session(self, user_id: str) -> tuple[str, Session]:
        """A new browser session; returns the cookie secret and the session."""
        with self._lock:
            secret = new_secret()
            now = time.time()
            session = Session(hash_secret(secret), user_id, new_secret(), now,
                              now + SESSION_LIFETIME)
            self.sessions[session.id_hash] = session
            self._save()
            return secret, session

    def session_for(self, secret: str) -> tuple[Session, User] | None:
        """The live session and its active user for a cookie secret."""
        session = self.sessions.get(hash_secret(secret))
        if session is None or session.expires_at < time.time():
            return None
        user = self.users.get(session.user_id)
        return (session, user) if user is not None and user.active else None

    def end_session(self, secret: str) -> None:
        """Log out."""
        with self._lock:
            if self.sessions.pop(hash_secret(secret), None) is not None:
                self._save()


def vars_of(record: Any) -> dict[str, Any]:
    """A slotted dataclass as a dict."""
    return {name: getattr(record, name) for name in record.__slots__}
