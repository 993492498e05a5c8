"""A demo-like school site for API, browser and fuzz tests: a real hub on port 0.

People store (SQLite, real site key), access gates, optionally the real face
engine with the shared models; users are created without default passwords.
"""

from __future__ import annotations

import os
import textwrap
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import aiohttp

from hub.auth.models import Role
from hub.bootstrap import async_from_config_dir
from hub.core import Hub
from hub.http.server import HubHTTP
from hub.people.const import PersonKind
from hub.people.model import Person
from hub.people.store import PeopleStore
from hub.privacy.keys import SiteKey

REPO = Path(__file__).resolve().parents[2]
ADMIN_PASSWORD = "correct horse battery"
OPERATOR_PASSWORD = "operator desk pass"
INSTALLER_PASSWORD = "installer wires 42"
GUARDIAN_PASSWORD = "lina's mum secret"
CAPTURE_NOTICE = "本校门使用人脸识别，仅限已同意者。Face recognition in use; cards work too."


def data_dir() -> Path:
    """The shared models and photos (`$MENJIN_DATA_DIR`, default ../shared/data)."""
    configured = os.environ.get("MENJIN_DATA_DIR")
    return Path(configured).expanduser() if configured else REPO.parent / "shared" / "data"


def model_dir() -> Path:
    """The face models (`$MENJIN_MODEL_DIR`, default <data>/models)."""
    configured = os.environ.get("MENJIN_MODEL_DIR")
    return Path(configured).expanduser() if configured else data_dir() / "models"


def require_face_data() -> Path:
    """The data folder; raises (tests fail, never skip) when models or photos are missing."""
    root = data_dir()
    if not model_dir().is_dir() or not (root / "faces" / "lfw").is_dir():
        raise RuntimeError(
            f"Face test data not found at {root}: set MENJIN_DATA_DIR (and MENJIN_MODEL_DIR) "
            "to the folder that holds models/ and faces/ (see ../shared/data/README.md).")
    return root


@dataclass
class Site:
    """A running hub and the users and tokens to drive it."""

    hub: Hub
    server: HubHTTP
    url: str
    tokens: dict[str, str] = field(default_factory=dict)

    @property
    def store(self) -> PeopleStore:
        """The people store."""
        store: PeopleStore = self.hub.data["people_store"]
        return store


def write_config(folder: Path, face: bool, extra: str = "") -> Path:
    """A school site config with two gates, one zone, (optionally) the face engine, and
    `extra` YAML sections (e.g. `notify:`)."""
    folder.mkdir(parents=True, exist_ok=True)
    face_section = f"face:\n  model_dir: {model_dir()}\n" if face else ""
    (folder / "configuration.yaml").write_text(textwrap.dedent(f"""\
        menjin:
          name: Sunflower Primary School
          time_zone: Asia/Shanghai
        http:
          server_port: 0
        people:
          capture_notice: "{CAPTURE_NOTICE}"
        access:
          zones:
            school: {{name: School grounds}}
          gates:
            main_gate: {{name: Main gate, zone: school}}
            east_gate: {{name: East gate, zone: school, direction: out}}
        """) + face_section + textwrap.dedent(extra))
    (folder / "secrets.yaml").write_text(f"site_key: {SiteKey.generate().as_text()}\n")
    return folder


async def start_site(folder: Path, face: bool = False, extra: str = "") -> Site:
    """Start the hub on port 0 and create one user per role with a token."""
    hub, results = await async_from_config_dir(write_config(folder, face, extra))
    failed = [name for name, result in results.items() if not result.ok]
    if failed:
        await hub.async_stop()
        raise RuntimeError(f"integrations failed to set up: {failed}")
    server: HubHTTP = hub.data["http"]  # listening: start-up waits for the server
    site = Site(hub, server, server.url)
    users = (("admin", ADMIN_PASSWORD, Role.ADMIN, []),
             ("operator", OPERATOR_PASSWORD, Role.OPERATOR, []),
             ("installer", INSTALLER_PASSWORD, Role.INSTALLER, []),
             ("lina_mum", GUARDIAN_PASSWORD, Role.GUARDIAN, ["lina"]))
    for username, password, role, children in users:
        user = await hub.async_add_executor_job(
            server.auth.add_user, username, password, role, "", children)
        site.tokens[username] = await hub.async_add_executor_job(
            server.auth.create_token, user.id, "tests")
    return site


async def add_class(site: Site) -> None:
    """Two pupils with guardians, one teacher: demo-like people."""
    persons = site.store.persons
    await persons.async_add(Person("lina", "李娜 Li Na", PersonKind.student,
                                   groups=frozenset({"class_3a"}), birth_date=date(2017, 5, 4)))
    await persons.async_add(Person("tom", "王涛 Wang Tao", PersonKind.student,
                                   groups=frozenset({"class_3a"}), birth_date=date(2017, 9, 1)))
    await persons.async_add(Person("ms_zhou", "周老师 Ms Zhou", PersonKind.staff,
                                   birth_date=date(1988, 2, 1)))
    await persons.async_add_guardian("lina", "Li Mei", "mother", ["app:lina_mum"])
    await persons.async_add_guardian("tom", "Wang Jun", "father", ["sms:+8613800000000"])


def as_user(site: Site, username: str) -> aiohttp.ClientSession:
    """An API client authenticated with the bearer token of one of the site's users."""
    return aiohttp.ClientSession(
        base_url=site.url, headers={"Authorization": f"Bearer {site.tokens[username]}"})
