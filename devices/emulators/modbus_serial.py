"""A virtual RS-485 bus on pseudo-terminals, so serial Modbus RTU runs without hardware.

One pty pair is the hub's USB/RS-485 adapter; each emulated device gets a pty
pair of its own. This object owns the master ends and copies bytes between
them the way the two wires of an RS-485 bus do: what the hub sends reaches
every device, what a device answers reaches the hub. No socat needed.

The adapter appears under a fixed path (a symlink, as udev makes
`/dev/serial/by-id/...`), so `unplug()` and `plug()` can pull the adapter and
put it back: the path vanishes, then points at a fresh pty.

POSIX only (pty). Use it from inside a running event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import pty
import tty
from dataclasses import dataclass
from pathlib import Path


@dataclass(slots=True)
class _Leg:
    """One pty pair: we keep the master, a serial client opens `path`."""

    master: int
    slave: int
    path: str

    @classmethod
    def open(cls) -> _Leg:
        master, slave = pty.openpty()
        # Raw from the start: no echo, no line editing, even before anyone opens the path.
        tty.setraw(slave)
        os.set_blocking(master, False)
        return cls(master, slave, os.ttyname(slave))

    def close(self) -> None:
        for fd in (self.master, self.slave):
            with contextlib.suppress(OSError):
                os.close(fd)


class VirtualRs485Bus:
    """The hub's adapter at `adapter_path` and any number of emulated slaves."""

    def __init__(self, adapter_path: Path) -> None:
        self.adapter_path = adapter_path
        self._loop = asyncio.get_running_loop()
        self._adapter: _Leg | None = None
        self._devices: list[_Leg] = []

    @property
    def plugged_in(self) -> bool:
        """True while the adapter's path exists."""
        return self._adapter is not None

    def attach(self) -> str:
        """Wire one more device onto the bus; return the port its serial server opens."""
        leg = _Leg.open()
        self._devices.append(leg)
        self._loop.add_reader(leg.master, self._from_device, leg)
        return leg.path

    def plug(self) -> None:
        """Insert the adapter: `adapter_path` now leads onto the bus."""
        if self._adapter is not None:
            return
        leg = _Leg.open()
        self._adapter = leg
        self._loop.add_reader(leg.master, self._from_adapter)
        tmp = self.adapter_path.with_name(self.adapter_path.name + ".new")
        tmp.unlink(missing_ok=True)
        tmp.symlink_to(leg.path)
        tmp.replace(self.adapter_path)

    def unplug(self) -> None:
        """Pull the adapter: the path disappears and whoever had it open gets a hang-up."""
        leg, self._adapter = self._adapter, None
        if leg is None:
            return
        self.adapter_path.unlink(missing_ok=True)
        self._loop.remove_reader(leg.master)
        leg.close()

    def close(self) -> None:
        """Unplug the adapter and disconnect every device."""
        self.unplug()
        for leg in self._devices:
            self._loop.remove_reader(leg.master)
            leg.close()
        self._devices.clear()

    def _from_adapter(self) -> None:
        leg = self._adapter
        if leg is None:
            return
        data = _read(leg.master)
        if data:
            for device in self._devices:
                _write(device.master, data)

    def _from_device(self, leg: _Leg) -> None:
        data = _read(leg.master)
        if data and self._adapter is not None:
            _write(self._adapter.master, data)


def _read(fd: int) -> bytes:
    try:
        return os.read(fd, 4096)
    except (BlockingIOError, InterruptedError):
        return b""
    except OSError:  # EIO: nobody has the other end open right now
        return b""


def _write(fd: int, data: bytes) -> None:
    # Modbus frames are at most 256 bytes: far below a pty's buffer, so one write suffices.
    with contextlib.suppress(BlockingIOError, InterruptedError, OSError):
        os.write(fd, data)
