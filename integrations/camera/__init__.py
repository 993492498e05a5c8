"""IP cameras: snapshot URLs, MJPEG streams and RTSP, configured or found over zeroconf.

The latest frame of each camera is on its entity (`latest_frame`, a BGR
array) for the face engine, and as JPEG through `async_camera_image` for the
API. A camera that hangs or serves non-images is unavailable; the hub keeps
running and keeps retrying with backoff.
"""

from __future__ import annotations

import ipaddress
import logging
import re
from typing import Any

import voluptuous as vol

import hub.config.validation as cv
from hub.callback import callback
from hub.core import Hub
from hub.devices.const import SOURCE_CONFIG, SOURCE_ZEROCONF
from hub.devices.entry import DeviceEntry, DiscoveryInfo
from hub.devices.manager import DeviceManager, async_setup_manager
from hub.entities.component import async_add_entities
from hub.events import Event

from .camera import IpCamera
from .const import (
    CONF_AUTO_ADOPT,
    CONF_CAMERAS,
    CONF_FRAME_INTERVAL,
    CONF_PASSWORD,
    CONF_RTSP_URL,
    CONF_SNAPSHOT_URL,
    CONF_STREAM_URL,
    CONF_TIMEOUT,
    CONF_USERNAME,
    DATA_CAMERA,
    DEFAULT_FRAME_INTERVAL,
    DEFAULT_TIMEOUT,
    DOMAIN,
)

_LOGGER = logging.getLogger(__name__)

EVENT_DISCOVERY_ZEROCONF = "discovery_zeroconf"
_PATH_RE = re.compile(r"^/[A-Za-z0-9._~/\-]{0,120}$")


def _url(schemes: tuple[str, ...]) -> Any:
    def validate(value: Any) -> str:
        text = cv.string(value)
        if not any(text.startswith(f"{scheme}://") for scheme in schemes):
            raise vol.Invalid(f"URL must start with {' or '.join(s + '://' for s in schemes)}")
        return text
    return validate


def _needs_source(value: dict[str, Any]) -> dict[str, Any]:
    if not any(value.get(key) for key in (CONF_SNAPSHOT_URL, CONF_STREAM_URL, CONF_RTSP_URL)):
        raise vol.Invalid("give snapshot_url, stream_url (MJPEG) or rtsp_url")
    return value


interval = vol.All(vol.Coerce(float), vol.Range(min=0.02, max=60))
CAMERA_SCHEMA = vol.All(vol.Schema({
    vol.Required("name"): cv.string,
    vol.Optional(CONF_SNAPSHOT_URL): _url(("http", "https")),
    vol.Optional(CONF_STREAM_URL): _url(("http", "https")),
    vol.Optional(CONF_RTSP_URL): _url(("rtsp", "rtsps")),
    vol.Optional(CONF_USERNAME): cv.string,
    vol.Optional(CONF_PASSWORD): cv.string,
    vol.Optional(CONF_FRAME_INTERVAL): interval,
    vol.Optional(CONF_TIMEOUT): vol.All(vol.Coerce(float), vol.Range(min=0.1, max=60)),
}), _needs_source)
CONFIG_SCHEMA = vol.Schema({
    vol.Optional(CONF_CAMERAS, default=[]): [CAMERA_SCHEMA],
    vol.Optional(CONF_AUTO_ADOPT, default=True): cv.boolean,
    vol.Optional(CONF_FRAME_INTERVAL, default=DEFAULT_FRAME_INTERVAL): interval,
    vol.Optional(CONF_TIMEOUT, default=DEFAULT_TIMEOUT): vol.All(
        vol.Coerce(float), vol.Range(min=0.1, max=60)),
})


def _slug(text: str) -> str:
    return "_".join(filter(None, re.sub(r"[^a-z0-9]+", "_", text.lower()).split("_")))[:80]


class CameraRuntime:
    """The cameras of this hub and how new ones are adopted."""

    def __init__(self, hub: Hub, config: dict[str, Any], manager: DeviceManager) -> None:
        self.hub = hub
        self.config = config
        self.manager = manager
        self.cameras: dict[str, IpCamera] = {}

    async def async_add(self, unique_id: str, camera_config: dict[str, Any]) -> list[str]:
        """Create one camera entity (once per unique id)."""
        if unique_id not in self.cameras:
            options = {CONF_FRAME_INTERVAL: self.config[CONF_FRAME_INTERVAL],
                       CONF_TIMEOUT: self.config[CONF_TIMEOUT], **camera_config}
            camera = IpCamera(unique_id, options)
            self.cameras[unique_id] = camera
            await async_add_entities(self.hub, "camera", [camera], DOMAIN)
        entity_id = self.cameras[unique_id].entity_id
        return [entity_id] if entity_id else []

    async def async_adopt(self, entry: DeviceEntry) -> list[str]:
        """Adopt handler: rebuild a confirmed camera from its registry data."""
        camera_config = entry.data.get("camera")
        if not isinstance(camera_config, dict):
            return []
        return await self.async_add(entry.id, camera_config)

    async def async_zeroconf(self, event: Event) -> None:
        """A camera announced itself over zeroconf."""
        data = event.data
        properties: dict[str, str] = data.get("properties") or {}
        try:
            host = str(ipaddress.ip_address(str(data["address"])))
            port = int(data["port"])
        except (KeyError, ValueError):
            return
        host_part = f"[{host}]" if ":" in host else host
        base = f"http://{host_part}:{port}"
        snapshot_path, stream_path = properties.get("snapshot"), properties.get("stream")
        camera_config: dict[str, Any] = {"name": str(data.get("name") or "Camera")[:80]}
        if stream_path and _PATH_RE.match(stream_path):
            camera_config[CONF_STREAM_URL] = base + stream_path
        if snapshot_path and _PATH_RE.match(snapshot_path):
            camera_config[CONF_SNAPSHOT_URL] = base + snapshot_path
        if data.get("service_type") == "_rtsp._tcp.local.":
            camera_config[CONF_RTSP_URL] = f"rtsp://{host_part}:{port}{properties.get('path', '/')}"
        if any(str(cfg.get(key, "")).startswith(base + "/")
               for cfg in self.config[CONF_CAMERAS]
               for key in (CONF_STREAM_URL, CONF_SNAPSHOT_URL)):
            return  # the installer already listed this camera in configuration.yaml
        if len(camera_config) == 1:
            _LOGGER.info("Zeroconf camera %s announces no usable stream path", data.get("name"))
            return
        camera_config["model"] = properties.get("model")
        camera_config["manufacturer"] = properties.get("vendor")
        device_id = f"zeroconf_{_slug(properties.get('serial') or str(data.get('name')))}"
        info = DiscoveryInfo(
            device_id=device_id, source=SOURCE_ZEROCONF, integration=DOMAIN,
            name=camera_config["name"], matched=str(data.get("matched", "")),
            domains=("camera",), model=properties.get("model"),
            manufacturer=properties.get("vendor"), auto_adopt=self.config[CONF_AUTO_ADOPT],
            data={"camera": camera_config, "address": host, "port": port},
        )
        if await self.manager.async_discovered(info):
            self.manager.async_set_entities(device_id,
                                            await self.async_add(device_id, camera_config))


async def async_setup(hub: Hub, config: dict[str, Any]) -> bool:
    """Start configured cameras; adopt zeroconf-discovered ones per the flow."""
    manager = await async_setup_manager(hub)
    runtime = CameraRuntime(hub, config, manager)
    hub.data[DATA_CAMERA] = runtime
    for camera_config in config[CONF_CAMERAS]:
        device_id = f"camera_{_slug(camera_config['name'])}"
        await manager.async_add_configured(DiscoveryInfo(
            device_id=device_id, source=SOURCE_CONFIG, integration=DOMAIN,
            name=camera_config["name"], matched="listed in configuration.yaml",
            # Never store credentials in the registry file: it is not a secrets store.
            domains=("camera",), data={"camera": {
                key: value for key, value in camera_config.items()
                if key not in (CONF_USERNAME, CONF_PASSWORD)}},
        ))
        manager.async_set_entities(device_id, await runtime.async_add(device_id, camera_config))
    manager.async_register_adopt_handler(DOMAIN, runtime.async_adopt)

    @callback
    def _is_mine(data: Any) -> bool:
        return bool(data.get("domain") == DOMAIN)

    hub.bus.async_listen(EVENT_DISCOVERY_ZEROCONF, runtime.async_zeroconf, _is_mine)
    return True
