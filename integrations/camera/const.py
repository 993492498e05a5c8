"""Constants of the camera integration."""

from __future__ import annotations

from typing import Final

DOMAIN: Final = "camera"
DATA_CAMERA: Final = "camera_integration"

CONF_CAMERAS: Final = "cameras"
CONF_SNAPSHOT_URL: Final = "snapshot_url"
CONF_STREAM_URL: Final = "stream_url"
CONF_RTSP_URL: Final = "rtsp_url"
CONF_USERNAME: Final = "username"
CONF_PASSWORD: Final = "password"
CONF_FRAME_INTERVAL: Final = "frame_interval"
CONF_TIMEOUT: Final = "timeout"
CONF_AUTO_ADOPT: Final = "auto_adopt"

DEFAULT_FRAME_INTERVAL: Final = 0.2
DEFAULT_TIMEOUT: Final = 5.0
RETRY_MIN_SECONDS: Final = 1.0
RETRY_MAX_SECONDS: Final = 30.0
# A JPEG larger than this is not a camera frame; stop reading instead of filling memory.
MAX_FRAME_BYTES: Final = 8 * 1024 * 1024
