"""The built-in entity domains and the services each one offers."""

from __future__ import annotations

from hub.entities import camera, card_reader, notify, relay, sensor, turnstile
from hub.entities.component import EntityService

DOMAIN_SERVICES: dict[str, tuple[EntityService, ...]] = {
    "camera": camera.SERVICES,
    "sensor": sensor.SENSOR_SERVICES,
    "binary_sensor": sensor.BINARY_SENSOR_SERVICES,
    "turnstile": turnstile.SERVICES,
    "relay": relay.SERVICES,
    "card_reader": card_reader.SERVICES,
    "notify": notify.SERVICES,
}
