"""Emulated MQTT thermal sensor: one discovery config per component, abbreviated, with `~`.

Readings go to `menjin_emu/<node_id>/state` as `{"temperature": 36.6}`.
Run: `python -m devices.emulators.mqtt_thermal --node-id gate3_thermal`.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from devices.emulators.mqtt_base import MqttEmulator

MODEL = "MJ-TH2-MQTT"
FEVER_THRESHOLD = 37.3


class MqttThermalEmulator(MqttEmulator):
    """A thermometer publishing readings in JSON, discovered as sensor + binary_sensor."""

    kind = "mqtt_thermal"

    def __init__(
        self, node_id: str = "thermal_1", temperature: float = 36.5,
        report_interval: float = 1.0, **kwargs: Any
    ) -> None:
        super().__init__(node_id, **kwargs)
        self.temperature = temperature
        # Real sensors report periodically, so a hub that subscribes late still gets a value.
        self.report_interval = report_interval
        self._reporter: asyncio.Task[None] | None = None

    async def start(self, control_port: int | None = 0, wait: float = 10.0) -> None:
        """Connect, announce, then report every `report_interval` seconds."""
        await super().start(control_port, wait)
        self._reporter = asyncio.get_running_loop().create_task(self._report())

    async def stop(self) -> None:
        """Stop reporting and disconnect."""
        if self._reporter is not None:
            self._reporter.cancel()
        await super().stop()

    async def _report(self) -> None:
        while True:
            await asyncio.sleep(self.report_interval)
            self.publish_reading()

    def discovery_messages(self) -> list[tuple[str, dict[str, Any]]]:
        """A temperature sensor and a fever binary sensor on one device."""
        device = self.device(f"Thermal sensor {self.node_id}", MODEL)
        common = {"~": self.base_topic, "avty_t": "~/availability", "dev": device}
        return [
            (f"{self.prefix}/sensor/{self.node_id}/temperature/config", {
                **common,
                "name": "Temperature",
                "uniq_id": f"{self.node_id}_temperature",
                "stat_t": "~/state",
                "val_tpl": "{{ value_json.temperature }}",
                "unit_of_meas": "°C",
                "dev_cla": "temperature",
            }),
            (f"{self.prefix}/binary_sensor/{self.node_id}/fever/config", {
                **common,
                "name": "Fever",
                "uniq_id": f"{self.node_id}_fever",
                "stat_t": "~/state",
                "val_tpl": (
                    "{{ 'ON' if value_json.temperature >= " + str(FEVER_THRESHOLD)
                    + " else 'OFF' }}"
                ),
                "dev_cla": "heat",
            }),
        ]

    def announce(self) -> None:
        """Announce, then publish the current reading so new subscribers see a value."""
        super().announce()
        self.publish_reading()

    def publish_reading(self) -> None:
        """Publish the current temperature."""
        self.publish(f"{self.base_topic}/state", json.dumps({"temperature": self.temperature}))

    def state(self) -> dict[str, Any]:
        """The reading on top of the common state."""
        return {**super().state(), "temperature": self.temperature}

    def actions(self) -> dict[str, Any]:
        """`set` with `{"temperature": 38.1}` publishes a reading."""
        return {**super().actions(), "set": self._action_set}

    def _action_set(self, body: dict[str, Any]) -> dict[str, Any]:
        self.temperature = float(body["temperature"])
        self.publish_reading()
        return self.state()


if __name__ == "__main__":
    from devices.emulators.runner import main

    raise SystemExit(main(["mqtt_thermal"]))
