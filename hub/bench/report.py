"""How every benchmark summarises timings and prints its numbers."""

from __future__ import annotations

import json
import statistics
from collections.abc import Mapping, Sequence
from typing import Any


def summarise(samples_ms: Sequence[float], digits: int = 3) -> dict[str, float]:
    """Median, p95, min, max and count of timings in milliseconds."""
    ordered = sorted(samples_ms)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {
        "median": round(statistics.median(ordered), digits),
        "p95": round(p95, digits),
        "min": round(ordered[0], digits),
        "max": round(ordered[-1], digits),
        "n": len(ordered),
    }


def print_results(results: Mapping[str, Any], as_json: bool) -> None:
    """One JSON object, or one aligned line per number."""
    if as_json:
        print(json.dumps(results, ensure_ascii=False))
        return
    for key, value in results.items():
        shown = f"{value:,.1f}" if isinstance(value, float) else value
        print(f"{key:40} {shown}")
