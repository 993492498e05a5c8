"""A whole site for end-to-end tests: emulated devices, people store, face engine, blueprints.

Everything is real: a pymodbus turnstile and thermal sensor, an HTTP/MJPEG
camera fed with real photos, the ONNX models, SQLite with encryption, and the
blueprints shipped in `blueprints/automation/menjin/`.
"""

from __future__ import annotations

import asyncio
import os
import textwrap
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from devices.emulators.camera import CameraEmulator
from devices.emulators.modbus_relay import RelayBoardEmulator
from devices.emulators.modbus_thermal import ThermalEmulator
from devices.emulators.modbus_turnstile import TurnstileEmulator
from hub.bootstrap import async_from_config_dir
from hub.callback import callback
from hub.core import Hub
from hub.people.enrolment import async_enroll_photos
from hub.people.model import Person
from hub.people.store import PeopleStore
from hub.privacy.const import Purpose
from hub.privacy.keys import SiteKey
from hub.services import ServiceCall
from tests.devices_helpers import wait_until

REPO = Path(__file__).resolve().parents[2]


class _None:
    state = "none"


_NONE = _None()


def data_dir() -> Path:
    """The shared models and photos; the tests fail (never skip) without them."""
    configured = os.environ.get("MENJIN_DATA_DIR")
    root = Path(configured).expanduser() if configured else REPO.parent / "shared" / "data"
    if not (root / "models").is_dir() or not (root / "faces").is_dir():
        pytest.fail(f"Face test data not found at {root}: set MENJIN_DATA_DIR to the folder "
                    "with models/ and faces/ (see ../shared/data/README.md).", pytrace=False)
    return root


def photos(person: str) -> list[Path]:
    """The LFW photos of one person, sorted."""
    return sorted((data_dir() / "faces" / "lfw" / person).iterdir())


@dataclass
class Site:
    """A running hub with its emulators and what it asked notifications to send."""

    hub: Hub
    folder: Path
    camera: CameraEmulator
    turnstile: TurnstileEmulator
    thermal: ThermalEmulator
    relays: RelayBoardEmulator
    notifications: list[ServiceCall] = field(default_factory=list)
    relay_pulses: dict[int, int] = field(default_factory=dict)

    @property
    def store(self) -> PeopleStore:
        store: PeopleStore = self.hub.data["people_store"]
        return store

    async def show(self, image: Path) -> None:
        """Put a face in front of the camera, through the emulator's control surface."""
        async with aiohttp.ClientSession() as client, client.post(
            f"http://127.0.0.1:{self.camera.port}/show", json={"image": str(image)}
        ) as response:
            assert response.status == 200, await response.text()

    async def wait_for_face(self, gate: str) -> None:
        """Wait until the gate camera's latest frame shows a face (the stream caught up)."""
        watcher = self.hub.data["face_watchers"][gate]
        engine = self.hub.data["face_engine"]
        for _ in range(200):
            camera = watcher.camera()
            if camera is not None and camera.latest_frame is not None and \
                    await engine.async_detect(camera.latest_frame):
                return
            await asyncio.sleep(0.05)
        raise AssertionError(f"no face in front of the {gate} camera")

    async def wait_for_event(self, event_type: str, predicate: Callable[[Any], bool]
                             = lambda data: True, seconds: float = 30) -> Any:
        event = await self.hub.bus.async_wait_for(event_type, predicate, timeout=seconds)
        return event.data


async def async_enrol(site: Site, person: Person, photo_paths: list[Path],
                      guardian: bool = True) -> None:
    """Add a person with consent (a guardian's for a child) and enrol their photos."""
    store = site.store
    await store.persons.async_add(person)
    guardian_id = None
    if guardian:
        link = await store.persons.async_add_guardian(
            person.id, f"Parent of {person.name}", "mother", ["mailto://parent@example.org"])
        guardian_id = link.id
    await store.consents.async_grant(
        person.id, Purpose.gate_entry, "guardian" if guardian else "self", "paper form", "v1",
        guardian_id=guardian_id)
    result = await async_enroll_photos(store, site.hub.data["face_engine"], person.id,
                                       photo_paths, "test")
    assert result.enrolled, result


def child(person_id: str, name: str, groups: frozenset[str] = frozenset({"class_3_2"}),
          **kwargs: Any) -> Person:
    from hub.people.const import PersonKind

    return Person(person_id, name, PersonKind.student, groups=groups,
                  birth_date=date(2016, 9, 1), **kwargs)


@pytest.fixture
async def make_site(tmp_path: Path) -> AsyncIterator[Callable[..., Any]]:
    """`await make_site(automations_yaml, extra_config)` starts a complete site."""
    started: list[tuple[Site, list[Any]]] = []

    async def make(automations: str, extra: str = "", temperature: float = 36.5,
                   face_gate: str = "school_gate") -> Site:
        data = data_dir()
        camera = CameraEmulator(images=None, name="Gate camera", fps=10, zeroconf=False)
        turnstile = TurnstileEmulator()
        thermal = ThermalEmulator(temperature)
        relays = RelayBoardEmulator()
        await camera.start()
        await turnstile.start(control_port=None)
        await thermal.start(control_port=None)
        await relays.start(control_port=None)
        folder = tmp_path / "site"
        folder.mkdir()
        (folder / "secrets.yaml").write_text(f"site_key: {SiteKey.generate().as_text()}\n")
        (folder / "automations.yaml").write_text(textwrap.dedent(automations))
        (folder / "configuration.yaml").write_text(textwrap.dedent(f"""
            menjin:
              name: Test school
              time_zone: Asia/Shanghai
            people: {{}}
            modbus:
              scan_interval: 0.05
              devices:
                - host: 127.0.0.1
                  port: {turnstile.port}
                  profile: generic_modbus_turnstile
                  name: Gate 1
                - host: 127.0.0.1
                  port: {thermal.port}
                  profile: modbus_thermal_sensor
                  name: Gate 1 thermometer
                - host: 127.0.0.1
                  port: {relays.port}
                  profile: modbus_relay_board_8ch
                  name: Doors
            camera:
              cameras:
                - name: Gate 1 camera
                  stream_url: http://127.0.0.1:{camera.port}/stream.mjpg
            face:
              model_dir: {data / "models"}
              debounce: 5
              gates:
                - gate: {face_gate}
                  camera: camera.gate_1_camera
                  direction: in
                  sample_interval: 0.05
            access:
              fire_alarm: binary_sensor.fire_alarm
              zones:
                school: {{name: School}}
              gates:
                school_gate:
                  name: Gate 3
                  zone: school
                  turnstile: turnstile.gate_1_turnstile
                  passage_timeout: 15
                home_gate:
                  name: Building 5 door
                  relay: relay.doors_relay_1
                  pulse: 0.1
                health_gate:
                  name: Clinic entrance
                  relay: relay.doors_relay_2
                  pulse: 0.1
                site_gate:
                  name: Works entrance
                  relay: relay.doors_relay_3
                  pulse: 0.1
            automation: !include automations.yaml
            notify_recorder: {{}}
        """) + textwrap.dedent(extra))
        custom = folder / "custom_integrations" / "notify_recorder"
        custom.mkdir(parents=True)
        (custom / "manifest.json").write_text(
            '{"domain": "notify_recorder", "name": "records notify.send", "version": "1"}')
        (custom / "__init__.py").write_text("async def async_setup(hub, config):\n"
                                            "    return True\n")
        hub, results = await async_from_config_dir(folder)
        failed = {domain: result.error for domain, result in results.items() if not result.ok}
        site = Site(hub, folder, camera, turnstile, thermal, relays)
        started.append((site, [camera, turnstile, thermal, relays]))
        original = relays.store.on_write

        def count_pulses(table: str, address: int, values: list[int]) -> None:
            if table == "coils":
                for offset, value in enumerate(values):
                    if value:
                        channel = address + offset + 1
                        site.relay_pulses[channel] = site.relay_pulses.get(channel, 0) + 1
            if original is not None:
                original(table, address, values)

        relays.store.on_write = count_pulses
        assert not failed, failed

        @callback
        def record(call: ServiceCall) -> None:
            site.notifications.append(call)

        if not hub.services.has_service("notify", "send"):
            hub.services.async_register("notify", "send", record)
        await wait_until(lambda: hub.states.get("turnstile.gate_1_turnstile") is not None
                         and hub.states.get("turnstile.gate_1_turnstile").state == "normal",  # type: ignore[union-attr]
                         "the turnstile")
        await wait_until(lambda: hub.states.get("relay.doors_relay_3") is not None, "relays")
        await wait_until(lambda: (hub.states.get("sensor.gate_1_thermometer_temperature")
                                  or _NONE).state not in ("unknown", "unavailable", "none"),
                         "the thermometer")
        return site

    yield make
    for site, emulators in started:
        await site.hub.async_stop()
        for emulator in emulators:
            await emulator.stop()
