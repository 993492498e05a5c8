"""Emulated MQTT card / ID-card reader announced with one device-level config (`cmps`).

Card reads go to `menjin_emu/<node_id>/card` as `{"card": "04A1B2C3"}`; ID-card
reads to `.../id_card` as `{"name": ..., "id_number": ...}`.
Run: `python -m devices.emulators.mqtt_card_reader --node-id gate3_reader`.
"""

from __future__ import annotations

import json
from typing import Any

from devices.emulators.mqtt_base import MqttEmulator

MODEL = "MJ-CR1-MQTT"


class MqttCardReaderEmulator(MqttEmulator):
    """A reader for building cards and national ID cards."""

    kind = "mqtt_card_reader"

    def __init__(self, node_id: str = "reader_1", **kwargs: Any) -> None:
        super().__init__(node_id, **kwargs)
        self.reads = 0

    def discovery_messages(self) -> list[tuple[str, dict[str, Any]]]:
        """One device config with two reader components."""
        return [(f"{self.prefix}/device/{self.node_id}/config", {
            "dev": self.device(f"Card reader {self.node_id}", MODEL),
            "o": {"name": "menjin-emulator", "sw": "1.0"},
            "~": self.base_topic,
            "avty_t": "~/availability",
            "cmps": {
                "card": {
                    "p": "card_reader",
                    "name": "Card",
                    "uniq_id": f"{self.node_id}_card",
                    "t": "~/card",
                    "val_tpl": "{{ value_json.card }}",
                    "cred_type": "card",
                },
                "id_card": {
                    "p": "card_reader",
                    "name": "ID card",
                    "uniq_id": f"{self.node_id}_id_card",
                    "t": "~/id_card",
                    "cred_type": "id_card",
                },
            },
        })]

    def actions(self) -> dict[str, Any]:
        """`read` with `{"card": "..."}`, `id_card` with `{"name": ..., "id_number": ...}`."""
        return {**super().actions(), "read": self._action_read, "id_card": self._action_id}

    def _action_read(self, body: dict[str, Any]) -> dict[str, Any]:
        card = str(body["card"])
        self.reads += 1
        self.publish(f"{self.base_topic}/card", json.dumps({"card": card}))
        return self.state()

    def _action_id(self, body: dict[str, Any]) -> dict[str, Any]:
        payload = {"name": str(body["name"]), "id_number": str(body["id_number"])}
        self.reads += 1
        self.publish(f"{self.base_topic}/id_card", json.dumps(payload))
        return self.state()

    def state(self) -> dict[str, Any]:
        """Read count on top of the common state."""
        return {**super().state(), "reads": self.reads}


if __name__ == "__main__":
    from devices.emulators.runner import main

    raise SystemExit(main(["mqtt_card_reader"]))
