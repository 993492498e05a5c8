"""SHA-256 of files and streams, read in blocks so a large file never sits in memory twice."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import IO

BLOCK_BYTES = 1 << 20


def sha256_stream(stream: IO[bytes]) -> str:
    """Hex digest of everything left in `stream`."""
    digest = hashlib.sha256()
    for block in iter(lambda: stream.read(BLOCK_BYTES), b""):
        digest.update(block)
    return digest.hexdigest()


def sha256_file(path: Path) -> str:
    """Hex digest of a file (model files, backup members)."""
    with path.open("rb") as handle:
        return sha256_stream(handle)
