"""Slow down password guessing: a few tries per minute per client and per username."""

from __future__ import annotations

import time
from collections import deque

MAX_ATTEMPTS = 5
WINDOW_SECONDS = 60.0


class LoginRateLimiter:
    """Counts failed logins in a sliding window; refuses more than `MAX_ATTEMPTS`."""

    def __init__(self, max_attempts: int = MAX_ATTEMPTS, window: float = WINDOW_SECONDS) -> None:
        self.max_attempts = max_attempts
        self.window = window
        self._failures: dict[str, deque[float]] = {}

    def _recent(self, key: str, now: float) -> deque[float]:
        failures = self._failures.setdefault(key, deque())
        while failures and now - failures[0] > self.window:
            failures.popleft()
        return failures

    def retry_after(self, *keys: str) -> float:
        """Seconds to wait before another try, 0 if allowed."""
        now = time.monotonic()
        wait = 0.0
        for key in keys:
            failures = self._recent(key, now)
            if len(failures) >= self.max_attempts:
                wait = max(wait, self.window - (now - failures[0]))
        return wait

    def failed(self, *keys: str) -> None:
        """Record a failed attempt."""
        now = time.monotonic()
        for key in keys:
            self._recent(key, now).append(now)

    def succeeded(self, *keys: str) -> None:
        """Forget failures after a good login."""
        for key in keys:
            self._failures.pop(key, None)
