"""Traces: what each automation run saw and did, kept for the last N runs.

Traces are written to `<config>/.storage/traces/<automation>.json` after each
run (off the loop), so `menjin trace AUTOMATION` can show them from another
process while the hub runs.
"""

from __future__ import annotations

import json
import os
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hub.context import Context
from hub.redact import redact

TRACES_DIR = "traces"


@dataclass(slots=True)
class TraceStep:
    """One condition check or action, with its outcome and timing."""

    path: str
    kind: str
    started: float
    duration_ms: float = 0.0
    result: dict[str, Any] = field(default_factory=dict)
    error: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """Serialisable form."""
        return {
            "path": self.path, "kind": self.kind, "duration_ms": round(self.duration_ms, 3),
            "result": self.result, **({"error": self.error} if self.error else {}),
        }


@dataclass(slots=True)
class Trace:
    """One run of one automation."""

    automation_id: str
    run_id: int
    context: Context
    trigger: dict[str, Any]
    started: float = field(default_factory=time.time)
    finished: float | None = None
    outcome: str = "running"
    reason: str | None = None
    steps: list[TraceStep] = field(default_factory=list)

    def step(self, path: str, kind: str) -> TraceStep:
        """Start recording a step."""
        entry = TraceStep(path, kind, time.perf_counter())
        self.steps.append(entry)
        return entry

    @staticmethod
    def end_step(entry: TraceStep, result: dict[str, Any] | None = None,
                 error: str | None = None) -> None:
        """Finish a step with its result or error."""
        entry.duration_ms = (time.perf_counter() - entry.started) * 1000
        if result:
            entry.result.update(result)
        entry.error = error

    def finish(self, outcome: str, reason: str | None = None) -> None:
        """Close the trace (finished, condition_failed, stopped, error, cancelled)."""
        self.finished = time.time()
        self.outcome = outcome
        self.reason = reason

    def as_dict(self) -> dict[str, Any]:
        """Serialisable form, as `menjin trace` prints it."""
        return {
            "automation": self.automation_id,
            "run_id": self.run_id,
            "context": self.context.as_dict(),
            "trigger": redact(self.trigger),
            "started": self.started,
            "finished": self.finished,
            "duration_ms": None if self.finished is None
            else round((self.finished - self.started) * 1000, 3),
            "outcome": self.outcome,
            "reason": self.reason,
            "steps": [step.as_dict() for step in self.steps],
        }


class TraceStore:
    """The last N traces of one automation, mirrored to a file."""

    def __init__(self, automation_id: str, storage_dir: Path, keep: int) -> None:
        self.automation_id = automation_id
        self.path = storage_dir / TRACES_DIR / f"{automation_id}.json"
        self.traces: deque[Trace] = deque(maxlen=keep)

    def add(self, trace: Trace) -> None:
        """Keep a new trace (the oldest drops out)."""
        self.traces.append(trace)

    def snapshot(self) -> list[dict[str, Any]]:
        """Serialised traces, oldest first (taken in the loop, written in an executor)."""
        return [trace.as_dict() for trace in self.traces]

    def write(self, snapshot: list[dict[str, Any]]) -> None:
        """Write atomically so a reader never sees half a file (blocking)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(snapshot, ensure_ascii=False, indent=1))
        os.replace(tmp, self.path)


def read_traces(storage_dir: Path, automation_id: str) -> list[dict[str, Any]]:
    """Traces of one automation as last written by the hub."""
    path = storage_dir / TRACES_DIR / f"{automation_id}.json"
    if not path.is_file():
        return []
    data: list[dict[str, Any]] = json.loads(path.read_text())
    return data
