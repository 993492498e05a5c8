"""Emulated Modbus turnstile: open-in / open-out coils, passage counters, alarm, mode.

Register map (the `generic_modbus_turnstile` profile describes the same map):

| table | address | meaning |
|---|---|---|
| coil | 0 / 1 | open in / open out: write 1, one person passes, the device resets it |
| coil | 2 | alarm reset |
| discrete input | 0 | alarm: someone forced the gate without an open command |
| input registers | 0-1 / 2-3 | passages in / out (uint32, high word first) |
| holding register | 0 | mode: 0 normal, 1 locked, 2 free (fire release) |
| holding register | 1 | open time in ms |

Run: `python -m devices.emulators.modbus_turnstile --port 5020`.
It speaks Modbus TCP; `start(framer="rtu")` or `start_serial(port)` make it an RTU
slave (see `modbus_base`).
"""

from __future__ import annotations

import asyncio
from typing import Any

from devices.emulators.modbus_base import (
    COILS,
    DISCRETE,
    HOLDING,
    INPUT,
    Identity,
    ModbusEmulator,
    RegisterStore,
)

VENDOR = "Menjin Emulated Devices"
PRODUCT_CODE = "MJ-TS100"
COIL_OPEN_IN, COIL_OPEN_OUT, COIL_ALARM_RESET = 0, 1, 2
DI_ALARM = 0
IR_PASSAGES_IN, IR_PASSAGES_OUT = 0, 2
HR_MODE, HR_OPEN_TIME_MS = 0, 1
MODES = {"normal": 0, "locked": 1, "free": 2}


class TurnstileEmulator(ModbusEmulator):
    """A tripod turnstile that lets one person through per open command."""

    kind = "modbus_turnstile"

    def __init__(self, walk_through: bool = True, walk_seconds: float = 0.05) -> None:
        store = RegisterStore(
            {COILS: 8, DISCRETE: 8, HOLDING: 4, INPUT: 8},
            Identity(VENDOR, PRODUCT_CODE, model_name="Emulated tripod turnstile"),
        )
        store.set(HOLDING, HR_OPEN_TIME_MS, [3000])
        super().__init__(store)
        # When True, a person walks through shortly after every open command.
        self.walk_through = walk_through
        self.walk_seconds = walk_seconds
        self.open_commands = {"in": 0, "out": 0}
        self.refused_opens = 0
        self._tasks: set[asyncio.Task[None]] = set()

    def on_write(self, table: str, address: int, values: list[int]) -> None:
        """Open on a coil write; a locked turnstile refuses, a free one is already open."""
        if table != COILS:
            return
        for offset, value in enumerate(values):
            coil = address + offset
            if coil in (COIL_OPEN_IN, COIL_OPEN_OUT) and value:
                self._open("in" if coil == COIL_OPEN_IN else "out")
            elif coil == COIL_ALARM_RESET and value:
                self.store.set(DISCRETE, DI_ALARM, [0])
                self.store.set(COILS, COIL_ALARM_RESET, [0])

    def _open(self, direction: str) -> None:
        coil = COIL_OPEN_IN if direction == "in" else COIL_OPEN_OUT
        if self.mode == "locked":
            self.refused_opens += 1
            self.store.set(COILS, coil, [0])
            return
        self.open_commands[direction] += 1
        if not self.walk_through:
            return
        task = asyncio.get_running_loop().create_task(self._walk(direction, coil))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _walk(self, direction: str, coil: int) -> None:
        await asyncio.sleep(self.walk_seconds)
        self.count_passage(direction)
        self.store.set(COILS, coil, [0])

    @property
    def mode(self) -> str:
        """The mode from the holding register."""
        value = self.store.get(HOLDING, HR_MODE)[0]
        return next((name for name, code in MODES.items() if code == value), "normal")

    def count_passage(self, direction: str) -> None:
        """Add one passage to the direction's uint32 counter."""
        address = IR_PASSAGES_IN if direction == "in" else IR_PASSAGES_OUT
        high, low = self.store.get(INPUT, address, 2)
        total = ((high << 16) | low) + 1
        self.store.set(INPUT, address, [(total >> 16) & 0xFFFF, total & 0xFFFF])

    def passages(self, direction: str) -> int:
        """Passages counted so far in one direction."""
        address = IR_PASSAGES_IN if direction == "in" else IR_PASSAGES_OUT
        high, low = self.store.get(INPUT, address, 2)
        return (high << 16) | low

    def state(self) -> dict[str, Any]:
        """Readable state on top of the raw tables."""
        return {
            **super().state(),
            "mode": self.mode,
            "alarm": bool(self.store.get(DISCRETE, DI_ALARM)[0]),
            "passages_in": self.passages("in"),
            "passages_out": self.passages("out"),
            "open_commands": dict(self.open_commands),
            "refused_opens": self.refused_opens,
        }

    def actions(self) -> dict[str, Any]:
        """`passage` (optionally forced), `set_mode`, `reset_alarm`, `walk_through`."""
        return {
            **super().actions(),
            "passage": self._action_passage,
            "set_mode": self._action_mode,
            "reset_alarm": self._action_reset,
            "walk_through": self._action_walk,
        }

    def _action_passage(self, body: dict[str, Any]) -> dict[str, Any]:
        direction = str(body.get("direction", "in"))
        if direction not in ("in", "out"):
            raise ValueError("direction must be 'in' or 'out'")
        self.count_passage(direction)
        if body.get("forced", True) and self.mode != "free":
            self.store.set(DISCRETE, DI_ALARM, [1])
        return self.state()

    def _action_mode(self, body: dict[str, Any]) -> dict[str, Any]:
        mode = str(body.get("mode"))
        if mode not in MODES:
            raise ValueError(f"mode must be one of {sorted(MODES)}")
        self.store.set(HOLDING, HR_MODE, [MODES[mode]])
        return self.state()

    def _action_reset(self, _body: dict[str, Any]) -> dict[str, Any]:
        self.store.set(DISCRETE, DI_ALARM, [0])
        return self.state()

    def _action_walk(self, body: dict[str, Any]) -> dict[str, Any]:
        self.walk_through = bool(body.get("enabled", True))
        return self.state()


if __name__ == "__main__":
    from devices.emulators.runner import main

    raise SystemExit(main(["modbus_turnstile"]))
