"""Keys of the `face:` section."""

from __future__ import annotations

from typing import Final

DOMAIN: Final = "face"
DATA_ENGINE: Final = "face_engine"

CONF_MODEL_DIR: Final = "model_dir"
CONF_ENGINE: Final = "engine"
CONF_GATES: Final = "gates"
CONF_GATE: Final = "gate"
CONF_CAMERA: Final = "camera"
CONF_DIRECTION: Final = "direction"
CONF_SAMPLE_INTERVAL: Final = "sample_interval"
CONF_MOTION_THRESHOLD: Final = "motion_threshold"
CONF_DEBOUNCE: Final = "debounce"
CONF_FUSION: Final = "fusion"
CONF_WINDOW: Final = "window"
CONF_MIN_AGREE: Final = "min_agree"

# Event carrying the result of an ID-card photo compared 1:1 with the live face.
EVENT_ID_CARD_CHECKED: Final = "id_card_checked"
