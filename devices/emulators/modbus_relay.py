"""Emulated 8-channel Modbus relay board: coils 0-7, mirrored on discrete inputs 0-7.

Every coil write is recorded with its time, so a benchmark can tell when a
command from the hub actually reached the board.

Run: `python -m devices.emulators.modbus_relay --port 5021`.
It speaks Modbus TCP; `start(framer="rtu")` or `start_serial(port)` make it an RTU
slave (see `modbus_base`).
"""

from __future__ import annotations

from typing import Any

from devices.emulators.modbus_base import (
    COILS,
    DISCRETE,
    Identity,
    ModbusEmulator,
    RegisterStore,
)

VENDOR = "Menjin Emulated Devices"
PRODUCT_CODE = "MJ-RB8"
CHANNELS = 8


class RelayBoardEmulator(ModbusEmulator):
    """Eight dry contacts driven by coils."""

    kind = "modbus_relay"

    def __init__(self) -> None:
        store = RegisterStore(
            {COILS: CHANNELS, DISCRETE: CHANNELS},
            Identity(VENDOR, PRODUCT_CODE, model_name="Emulated 8-channel relay board"),
        )
        super().__init__(store)

    def on_write(self, table: str, address: int, values: list[int]) -> None:
        """Mirror the contacts on the discrete inputs, as real boards report them."""
        if table == COILS:
            self.store.set(DISCRETE, address, values)

    def state(self) -> dict[str, Any]:
        """Channels as booleans, channel 1 first."""
        return {**super().state(), "channels": [bool(v) for v in self.store.tables[COILS]]}


if __name__ == "__main__":
    from devices.emulators.runner import main

    raise SystemExit(main(["modbus_relay"]))
