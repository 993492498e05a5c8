"""Exponential backoff with full jitter, so a recovering endpoint is not hit by a wave."""

from __future__ import annotations

import random
from dataclasses import dataclass

from hub.notify.const import DEFAULT_BASE_DELAY, DEFAULT_MAX_ATTEMPTS, DEFAULT_MAX_DELAY


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How often and how far apart a message is retried before it is dead-lettered."""

    max_attempts: int = DEFAULT_MAX_ATTEMPTS
    base_delay: float = DEFAULT_BASE_DELAY
    max_delay: float = DEFAULT_MAX_DELAY

    def delay(self, attempts: int, rng: random.Random | None = None) -> float:
        """Seconds to wait after `attempts` failed tries (1-based).

        Full jitter (AWS architecture blog): uniform in [cap/2, cap], where cap
        doubles per attempt. Keeping half the cap avoids a near-zero wait that
        would make a failing endpoint's retries bunch up again.
        """
        cap = min(self.max_delay, self.base_delay * (2 ** max(0, attempts - 1)))
        return (rng or random).uniform(cap / 2, cap)

    def exhausted(self, attempts: int) -> bool:
        """True once `attempts` tries have failed and no more are allowed."""
        return attempts >= self.max_attempts
