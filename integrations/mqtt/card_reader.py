"""MQTT card and ID-card readers (and Home Assistant `tag` scanners).

A card number travels only in the `credential_presented` event; an ID card's
name and number only in the `id_card_read` event. Neither reaches a state.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from hub.context import Context
from hub.entities.card_reader import EVENT_ID_CARD_READ, CardReaderEntity

from .client import ReceivedMessage
from .entity import MqttEntity

_LOGGER = logging.getLogger(__name__)
_MAX_CREDENTIAL = 128
_ID_CARD_FIELDS = ("name", "id_number", "gender", "birth_date", "nationality", "valid_until")


class MqttCardReader(MqttEntity, CardReaderEntity):
    """A reader publishing one message per card read."""

    def state_topics(self) -> list[str]:
        return [self.config["topic"]]

    def handle_value(self, value: str, message: ReceivedMessage) -> bool:
        credential_type = self.config.get("credential_type", "card")
        if credential_type == "id_card":
            return self._id_card(value)
        value = value.strip()
        if not value or len(value) > _MAX_CREDENTIAL:
            _LOGGER.warning("%s: ignored a read that is empty or too long", self.entity_id)
            return False
        self.async_report_credential(credential_type, value)
        return False  # async_report_credential already wrote the state

    def _id_card(self, value: str) -> bool:
        try:
            data: Any = json.loads(value)
        except ValueError:
            data = None
        if not isinstance(data, dict) or not data.get("id_number"):
            _LOGGER.warning("%s: ID card message without an id_number", self.entity_id)
            return False
        assert self.hub is not None
        fields = {key: str(data[key])[:_MAX_CREDENTIAL] for key in _ID_CARD_FIELDS
                  if key in data}
        import time

        self._last_read = time.time()
        self.hub.bus.async_fire(EVENT_ID_CARD_READ,
                                {"entity_id": self.entity_id, "gate": self.gate, **fields},
                                context=Context())
        return True
