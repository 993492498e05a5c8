"""One running hub per configuration folder.

Two hubs on the same folder would both answer the same faces and both drive
the same turnstiles, and a restore under a running hub would be overwritten by
it. `menjin run` therefore holds an advisory lock on `.storage/hub.lock` for as
long as it runs; the operating system drops it when the process dies, so a
crash never leaves a stale lock behind.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from types import TracebackType
from typing import IO, Final

from hub.const import STORAGE_DIR
from hub.exceptions import HubError

LOCK_NAME: Final = "hub.lock"


class HubAlreadyRunningError(HubError):
    """Another process holds the configuration folder."""


class InstanceLock:
    """The folder's lock, held from `acquire` until `release` (or process exit)."""

    def __init__(self, config_dir: Path) -> None:
        self.path = config_dir / STORAGE_DIR / LOCK_NAME
        self._file: IO[str] | None = None

    def acquire(self) -> None:
        """Take the lock or raise, naming the process that has it."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = self.path.open("a+", encoding="utf-8")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            handle.close()
            raise HubAlreadyRunningError(
                f"Another menjin (pid {holder}) is running on {self.path.parent.parent}: "
                "stop it first. Two hubs on one site would both drive its gates."
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        self._file = handle

    def release(self) -> None:
        """Give the lock back."""
        if self._file is not None:
            fcntl.flock(self._file, fcntl.LOCK_UN)
            self._file.close()
            self._file = None

    def __enter__(self) -> InstanceLock:
        self.acquire()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.release()
