"""Configuration problems that point at a file and line, with the fix in the message."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(slots=True, frozen=True)
class ConfigIssue:
    """One problem found in the configuration."""

    message: str
    file: Path | None = None
    line: int | None = None
    path: str = ""

    def __str__(self) -> str:
        location = ""
        if self.file is not None:
            location = f"{self.file}:{self.line}: " if self.line else f"{self.file}: "
        where = f"[{self.path}] " if self.path else ""
        return f"{location}{where}{self.message}"
