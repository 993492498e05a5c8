"""Emulated Modbus thermal sensor (forehead thermometer at a gate).

Input register 0: temperature in tenths of °C (int16), input register 1:
status (0 ok, 1 no person), input registers 2-3: the same temperature as a
float32 with the low word first (how some vendors ship it).

Run: `python -m devices.emulators.modbus_thermal --port 5022`.
It speaks Modbus TCP; `start(framer="rtu")` or `start_serial(port)` make it an RTU
slave (see `modbus_base`).
"""

from __future__ import annotations

import struct
from typing import Any

from devices.emulators.modbus_base import INPUT, Identity, ModbusEmulator, RegisterStore

VENDOR = "Menjin Emulated Devices"
PRODUCT_CODE = "MJ-TH1"


class ThermalEmulator(ModbusEmulator):
    """A thermometer whose reading the control surface sets."""

    kind = "modbus_thermal"

    def __init__(self, temperature: float = 36.5) -> None:
        store = RegisterStore(
            {INPUT: 4}, Identity(VENDOR, PRODUCT_CODE, model_name="Emulated thermal sensor")
        )
        super().__init__(store)
        self.set_temperature(temperature)

    def set_temperature(self, celsius: float) -> None:
        """Write the reading in both encodings."""
        tenths = round(celsius * 10)
        high, low = struct.unpack(">HH", struct.pack(">f", celsius))
        self.store.set(INPUT, 0, [tenths & 0xFFFF, 0, low, high])

    def state(self) -> dict[str, Any]:
        """The reading in °C."""
        raw = self.store.get(INPUT, 0)[0]
        signed = raw - 0x10000 if raw & 0x8000 else raw
        return {**super().state(), "temperature": signed / 10}

    def actions(self) -> dict[str, Any]:
        """`set` with `{"temperature": 37.9}`."""
        return {**super().actions(), "set": self._action_set}

    def _action_set(self, body: dict[str, Any]) -> dict[str, Any]:
        self.set_temperature(float(body["temperature"]))
        return self.state()


if __name__ == "__main__":
    from devices.emulators.runner import main

    raise SystemExit(main(["modbus_thermal"]))
