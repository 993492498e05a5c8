"""The registry file: JSON in `<config>/.storage/`, locked and written atomically.

Both a running hub and `menjin devices confirm` change the file, so every
read-modify-write holds an advisory lock, and every write goes to a temporary
file that replaces the old one in one step: a reader never sees half a file.
These functions block; the hub calls them through its executor.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from hub.devices.const import REGISTRY_FILE, REGISTRY_LOCK_FILE, REGISTRY_VERSION

RegistryData = dict[str, dict[str, Any]]


def registry_path(storage_dir: Path) -> Path:
    """Where the registry of one config folder lives."""
    return storage_dir / REGISTRY_FILE


@contextlib.contextmanager
def locked(storage_dir: Path) -> Iterator[None]:
    """Hold the registry's advisory lock (blocking)."""
    storage_dir.mkdir(parents=True, exist_ok=True)
    with open(storage_dir / REGISTRY_LOCK_FILE, "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def read_devices(storage_dir: Path) -> RegistryData:
    """The devices in the registry file; empty when there is none yet."""
    path = registry_path(storage_dir)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, json.JSONDecodeError) as err:
        raise ValueError(f"{path} is unreadable ({err}); restore it from a backup") from err
    devices = raw.get("devices", {}) if isinstance(raw, dict) else {}
    return {str(key): value for key, value in devices.items() if isinstance(value, dict)}


def write_devices(storage_dir: Path, devices: RegistryData) -> int:
    """Write atomically (tmp file + os.replace); return the new file's mtime_ns."""
    path = registry_path(storage_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".tmp{os.getpid()}")
    payload = {"version": REGISTRY_VERSION, "devices": devices}
    with open(tmp, "w", encoding="utf-8") as handle:
        json.dump(payload, handle, indent=2, sort_keys=True, default=str)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    return path.stat().st_mtime_ns


def mtime_ns(storage_dir: Path) -> int | None:
    """The registry file's modification time, or None if it does not exist."""
    try:
        return registry_path(storage_dir).stat().st_mtime_ns
    except FileNotFoundError:
        return None


def update_devices(
    storage_dir: Path, change: Callable[[RegistryData], RegistryData]
) -> tuple[RegistryData, int]:
    """Read, change and write the registry under the lock; return the result and mtime."""
    with locked(storage_dir):
        devices = change(read_devices(storage_dir))
        return devices, write_devices(storage_dir, devices)
