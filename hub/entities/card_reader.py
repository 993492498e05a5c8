"""Card, QR and PIN readers, and ID-card readers: credentials presented at a gate."""

from __future__ import annotations

import time
from typing import Any

from hub.const import EVENT_CREDENTIAL_PRESENTED, EVENT_ID_CARD_READ
from hub.context import Context
from hub.entities.component import EntityService
from hub.entities.entity import Entity

DOMAIN = "card_reader"
# Which gate each reader stands at, when the reader itself does not know
# (MQTT readers): filled from the `readers:` of each gate in the access config.
DATA_READER_GATES = "reader_gates"
__all__ = ["EVENT_CREDENTIAL_PRESENTED", "EVENT_ID_CARD_READ", "CardReaderEntity"]
CREDENTIAL_TYPES = ("card", "qr", "pin")
SERVICES: tuple[EntityService, ...] = ()


class CardReaderEntity(Entity):
    """A reader at a gate. Each read becomes an event; the state is the last read time.

    The raw credential (card number, PIN) travels only in the event, never in
    the state or its attributes, so it never reaches history or the UI.
    """

    domain = DOMAIN
    _attr_gate: str | None = None
    _last_read: float | None = None

    @property
    def gate(self) -> str | None:
        """The gate this reader stands at (its own setting, else the site's mapping)."""
        if self._attr_gate is None and self.hub is not None and self.entity_id is not None:
            mapped: str | None = self.hub.data.get(DATA_READER_GATES, {}).get(self.entity_id)
            return mapped
        return self._attr_gate

    @property
    def state(self) -> str | None:
        return None if self._last_read is None else time.strftime(
            "%Y-%m-%dT%H:%M:%S", time.gmtime(self._last_read))

    def async_report_credential(
        self, credential_type: str, value: str, extra: dict[str, Any] | None = None
    ) -> None:
        """Announce a card, QR code or PIN read at this reader's gate."""
        if credential_type not in CREDENTIAL_TYPES:
            raise ValueError(f"credential type must be one of {CREDENTIAL_TYPES}")
        assert self.hub is not None
        self._last_read = time.time()
        self.hub.bus.async_fire(
            EVENT_CREDENTIAL_PRESENTED,
            {"entity_id": self.entity_id, "gate": self.gate, "type": credential_type,
             "value": value, **(extra or {})},
            context=Context(),
        )
        self.async_write_state()
