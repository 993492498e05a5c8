"""Context: who or what caused a change, so every decision can be traced to its origin."""

from __future__ import annotations

import os
from typing import Any


def _new_id() -> str:
    return os.urandom(12).hex()


class Context:
    """The cause of an event, state change or service call.

    `parent_id` links a chain: a face event's context becomes the parent of the
    automation run it triggers, whose context is carried by the turnstile call.
    The id is created lazily because most events never have theirs read.
    """

    __slots__ = ("_id", "parent_id", "user_id")

    def __init__(
        self,
        user_id: str | None = None,
        parent_id: str | None = None,
        id: str | None = None,
    ) -> None:
        self._id = id
        self.user_id = user_id
        self.parent_id = parent_id

    @property
    def id(self) -> str:
        """A unique id, created on first use."""
        if self._id is None:
            self._id = _new_id()
        return self._id

    def child(self, user_id: str | None = None) -> Context:
        """A new context caused by this one."""
        return Context(user_id=user_id or self.user_id, parent_id=self.id)

    def as_dict(self) -> dict[str, Any]:
        """Serialisable form for logs, traces and the API."""
        return {"id": self.id, "parent_id": self.parent_id, "user_id": self.user_id}

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Context) and self.id == other.id

    def __hash__(self) -> int:
        return hash(self.id)

    def __repr__(self) -> str:
        return f"<Context id={self.id} parent={self.parent_id} user={self.user_id}>"
