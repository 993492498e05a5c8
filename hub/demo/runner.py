"""Run the demo site: emulators, a working copy of `config/`, enrolment, the hub itself."""

from __future__ import annotations

import asyncio
import logging
import secrets
import shutil
import socket
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from aiohttp import web

from hub.auth.models import Role
from hub.bootstrap import async_from_config_dir
from hub.callback import callback
from hub.const import EVENT_ACCESS_DECISION, EVENT_CALL_SERVICE
from hub.core import Hub
from hub.demo.data import Cast
from hub.events import Event
from hub.exceptions import HubError

_LOGGER = logging.getLogger(__name__)

PORTS = {"turnstile": 15020, "relays": 15021, "thermal": 15022, "camera": 18081,
         "school_app": 18090}
BROKER = ("127.0.0.1", 1883)
CARD_BO = "04A1B2C3"
CARD_CONTRACTOR = "C0000001"


@dataclass
class DemoUser:
    """A login created for this demo run (random password, shown once)."""

    username: str
    password: str
    role: str


@dataclass
class DemoSite:
    """Everything the demo started, so it can be stopped."""

    hub: Hub
    workdir: Path
    emulators: dict[str, Any]
    mqtt: bool
    users: list[DemoUser] = field(default_factory=list)
    url: str | None = None
    decisions: list[dict[str, Any]] = field(default_factory=list)
    notify_calls: list[dict[str, Any]] = field(default_factory=list)
    probes: dict[str, Path] = field(default_factory=dict)
    # What the "school app" (a local receiver standing in for parents' phones) got.
    received: list[dict[str, Any]] = field(default_factory=list)
    # Seconds from the start of the demo until the hub was ready (models loaded,
    # devices up), and how long enrolling the class then took.
    ready_seconds: float = 0.0
    enrol_seconds: float = 0.0


class SchoolApp:
    """A stand-in for the parents' app: receives the hub's notifications on loopback."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self._runner: web.AppRunner | None = None

    async def _receive(self, request: web.Request) -> web.Response:
        self.received.append(await request.json())
        return web.json_response({"ok": True})

    async def start(self, port: int) -> None:
        """Listen on 127.0.0.1:port."""
        app = web.Application()
        app.router.add_post("/notify", self._receive)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", port).start()

    async def stop(self) -> None:
        """Stop listening."""
        if self._runner is not None:
            await self._runner.cleanup()


def _port_free(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _broker_up() -> bool:
    try:
        with socket.create_connection(BROKER, timeout=0.5):
            return True
    except OSError:
        return False


def prepare_workdir(config_src: Path, workdir: Path | None, http_port: int) -> Path:
    """A private copy of the demo config with a fresh site key (the repo stays clean)."""
    from hub.privacy.keys import SiteKey

    target = workdir or Path(tempfile.mkdtemp(prefix="menjin-demo-"))
    if target.exists() and any(target.iterdir()):
        shutil.rmtree(target)
    shutil.copytree(config_src, target, dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns(".storage", "secrets.yaml", "__pycache__",
                                                  "__init__.py"))
    (target / "secrets.yaml").write_text(
        f"site_key: {SiteKey.generate().as_text()}\n"
        f"one_key_secret: {secrets.token_urlsafe(32)}\n"
        f"webhook_secret: {secrets.token_urlsafe(32)}\n")
    config = target / "configuration.yaml"
    config.write_text(config.read_text().replace("server_port: 8123",
                                                 f"server_port: {http_port}"))
    return target


async def async_start_emulators(mqtt: bool) -> dict[str, Any]:
    """The gate's devices on their demo ports (loopback only)."""
    from devices.emulators.camera import CameraEmulator
    from devices.emulators.modbus_relay import RelayBoardEmulator
    from devices.emulators.modbus_thermal import ThermalEmulator
    from devices.emulators.modbus_turnstile import TurnstileEmulator

    busy = [f"{name} ({port})" for name, port in PORTS.items() if not _port_free(port)]
    if busy:
        raise HubError(f"Demo ports in use: {', '.join(busy)}. Is another demo running? "
                       "Stop it first.")
    emulators: dict[str, Any] = {
        "turnstile": TurnstileEmulator(walk_seconds=0.3),
        "relays": RelayBoardEmulator(),
        "thermal": ThermalEmulator(36.5),
        "camera": CameraEmulator(images=None, name="Gate 3 camera", fps=10, zeroconf=False),
    }
    await emulators["turnstile"].start(port=PORTS["turnstile"], control_port=None)
    await emulators["relays"].start(port=PORTS["relays"], control_port=None)
    await emulators["thermal"].start(port=PORTS["thermal"], control_port=None)
    await emulators["camera"].start(port=PORTS["camera"])
    emulators["school_app"] = SchoolApp()
    await emulators["school_app"].start(PORTS["school_app"])
    if mqtt:
        from devices.emulators.mqtt_card_reader import MqttCardReaderEmulator

        reader = MqttCardReaderEmulator(node_id="gate3_reader")
        await reader.start(control_port=None)
        emulators["reader"] = reader
    return emulators


async def async_start_site(
    config_src: Path, cast: Cast, models: Path | None, workdir: Path | None, http_port: int,
) -> DemoSite:
    """Start emulators and the hub, create the demo users, enrol the class."""
    started = time.monotonic()
    mqtt = _broker_up()
    emulators = await async_start_emulators(mqtt)
    folder = prepare_workdir(config_src, workdir, http_port)
    if models is not None:
        config = folder / "configuration.yaml"
        config.write_text(config.read_text().replace(
            "face:\n", f"face:\n  model_dir: {models}\n", 1))
    if mqtt:
        reader = emulators["reader"].node_id
        config = folder / "configuration.yaml"
        config.write_text(config.read_text().replace(
            "      turnstile: turnstile.gate_3_turnstile\n",
            "      turnstile: turnstile.gate_3_turnstile\n"
            f"      readers: [card_reader.card_reader_{reader}_card]\n", 1))
    hub, results = await async_from_config_dir(folder)
    site = DemoSite(hub, folder, emulators, mqtt)
    site.received = emulators["school_app"].received
    failed = {domain: result.error for domain, result in results.items() if not result.ok}
    if failed:
        await async_stop_site(site)
        raise HubError(f"The demo site did not start: {failed}")
    _record(site)
    await _async_wait_for_devices(hub)
    site.ready_seconds = time.monotonic() - started
    await _async_users(site)
    await _async_enrol(site, cast)
    site.enrol_seconds = time.monotonic() - started - site.ready_seconds
    server = hub.data.get("http")
    site.url = server.url if server is not None else None
    return site


def _record(site: DemoSite) -> None:
    @callback
    def on_decision(event: Event) -> None:
        site.decisions.append(dict(event.data) | {"time": event.time_fired})

    @callback
    def on_call(event: Event) -> None:
        if event.data["domain"] == "notify":
            site.notify_calls.append(dict(event.data["service_data"]))

    site.hub.bus.async_listen(EVENT_ACCESS_DECISION, on_decision)
    site.hub.bus.async_listen(EVENT_CALL_SERVICE, on_call)


async def _async_wait_for_devices(hub: Hub) -> None:
    wanted = ("turnstile.gate_3_turnstile", "relay.doors_relay_1",
              "sensor.gate_3_thermal_temperature", "camera.gate_3_camera")
    for _ in range(200):
        states = [hub.states.get(entity_id) for entity_id in wanted]
        if all(state is not None and state.state not in ("unavailable", "unknown")
               for state in states):
            return
        await asyncio.sleep(0.05)
    missing = [e for e in wanted if (s := hub.states.get(e)) is None or s.state == "unavailable"]
    raise HubError(f"Demo devices did not come up: {', '.join(missing)}")


async def _async_users(site: DemoSite) -> None:
    server = site.hub.data.get("http")
    if server is None:
        return
    for username, role, children in (("admin", Role.ADMIN, []),
                                     ("lina_mum", Role.GUARDIAN, ["lina"])):
        password = secrets.token_urlsafe(12)
        await site.hub.async_add_executor_job(
            server.auth.add_user, username, password, role, "", children)
        site.users.append(DemoUser(username, password, role.value))


async def _async_enrol(site: DemoSite, cast: Cast) -> None:
    from hub.people.const import PersonKind, ReviewStatus
    from hub.people.enrolment import async_enroll_photos
    from hub.people.model import Person, Qualification
    from hub.privacy.const import Purpose

    store = site.hub.data["people_store"]
    engine = site.hub.data["face_engine"]
    ids = ("lina", "ming", "wei", "hao")
    names = ("Lina Wang 王丽娜", "Ming Li 李明", "Wei Zhang 张伟", "Hao Chen 陈浩")
    for person_id, name, (_actor, folder) in zip(ids, names, cast.students, strict=False):
        photos = sorted(p for p in folder.iterdir() if p.is_file())
        await store.persons.async_add(Person(person_id, name, PersonKind.student,
                                             groups=frozenset({"class_3_2"}),
                                             birth_date=date(2016, 9, 1)))
        guardian = await store.persons.async_add_guardian(
            person_id, f"Parent of {name.split()[0]}", "mother", ["school_app"])
        await store.consents.async_grant(person_id, Purpose.gate_entry, "guardian",
                                         "paper form", "2026-09", guardian_id=guardian.id)
        await store.consents.async_grant(person_id, Purpose.guardian_notifications,
                                         "guardian", "paper form", "2026-09",
                                         guardian_id=guardian.id)
        result = await async_enroll_photos(store, engine, person_id, photos[:4], "demo")
        if not result.enrolled:
            raise HubError(f"Could not enrol {name} from {folder}: {result}")
        site.probes[person_id] = photos[4]
    # Bo declined face capture: a card, and his guardian is still notified.
    await store.persons.async_add(Person("bo", "Bo Liu 刘博", PersonKind.student,
                                         groups=frozenset({"class_3_2"}),
                                         birth_date=date(2016, 5, 3)))
    guardian = await store.persons.async_add_guardian("bo", "Parent of Bo", "father",
                                                      ["school_app"])
    await store.consents.async_grant("bo", Purpose.guardian_notifications, "guardian",
                                     "paper form", "2026-09", guardian_id=guardian.id)
    await store.credentials.async_add_card("bo", CARD_BO)
    # A contractor whose permit ended yesterday.
    now = datetime.now(UTC)
    await store.persons.async_add(Person(
        "wu", "Wu Gang 吴刚", PersonKind.contractor, birth_date=date(1980, 1, 1),
        valid_until=now - timedelta(days=1),
        qualification=Qualification(ReviewStatus.approved, "safety office",
                                    now - timedelta(days=30), now + timedelta(days=60)),
        attributes={"firm": "Acme Scaffolding"}))
    await store.credentials.async_add_card("wu", CARD_CONTRACTOR)
    site.probes["stranger"] = cast.stranger


async def async_stop_site(site: DemoSite) -> None:
    """Stop the hub, then the emulators."""
    await site.hub.async_stop()
    for emulator in site.emulators.values():
        try:
            await emulator.stop()
        except Exception as err:  # a demo must always exit
            _LOGGER.debug("Stopping %s: %s", emulator, err)
