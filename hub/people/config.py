"""The `people:` section: where the database lives, where the key is, how long data is kept.

Read by the `people` integration inside a running hub, and by the CLI straight
from the config folder, so every command sees the same site.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any, Final

import voluptuous as vol

import hub.config.validation as cv
from hub.config.yaml_loader import MissingSecret, Secrets, YamlError, load_yaml
from hub.const import CONF_CORE, CONF_TIME_ZONE, CONFIG_FILE, STORAGE_DIR
from hub.people.const import DOMAIN
from hub.privacy.const import FILING_THRESHOLD, FILING_WARNING_FRACTION
from hub.privacy.errors import SiteKeyError
from hub.privacy.keys import SECRET_NAME, SiteKey
from hub.storage import StorageOptions

CONF_STORAGE: Final = "storage"
CONF_BACKEND: Final = "backend"
CONF_PATH: Final = "path"
CONF_DSN: Final = "dsn"
CONF_SCHEMA: Final = "schema"
CONF_DURABILITY: Final = "durability"
CONF_KEY: Final = "key"
CONF_KEY_FILE: Final = "key_file"
CONF_RETENTION: Final = "retention"
CONF_ACCESS_LOG: Final = "access_log"
CONF_LEAVERS: Final = "leavers"
CONF_SNAPSHOTS: Final = "snapshots"
CONF_EXPIRED_PASSES: Final = "expired_passes"
CONF_FILING_WARNING_AT: Final = "filing_warning_at"
CONF_CAPTURE_NOTICE: Final = "capture_notice"

DEFAULT_CAPTURE_NOTICE: Final = (
    "Face recognition is in use at this gate for people who agreed to it. "
    "You may use a card, QR pass or PIN instead."
)

STORAGE_SCHEMA = vol.Schema({
    vol.Optional(CONF_BACKEND, default="sqlite"): vol.In(["sqlite", "postgresql"]),
    vol.Optional(CONF_PATH): cv.string,
    vol.Optional(CONF_DSN): cv.string,
    vol.Optional(CONF_SCHEMA): cv.slug,
    vol.Optional(CONF_DURABILITY, default="full"): vol.In(["full", "normal"]),
})

RETENTION_SCHEMA = vol.Schema({
    vol.Optional(CONF_ACCESS_LOG, default={"days": 180}): cv.positive_duration,
    vol.Optional(CONF_LEAVERS, default={"days": 30}): cv.positive_duration,
    vol.Optional(CONF_SNAPSHOTS, default={"days": 7}): cv.positive_duration,
    vol.Optional(CONF_EXPIRED_PASSES, default={"days": 30}): cv.positive_duration,
})

CONFIG_SCHEMA = vol.Schema({
    vol.Optional(CONF_STORAGE, default={}): STORAGE_SCHEMA,
    vol.Optional(CONF_KEY): cv.string,
    vol.Optional(CONF_KEY_FILE): cv.string,
    vol.Optional(CONF_RETENTION, default={}): RETENTION_SCHEMA,
    vol.Optional(CONF_FILING_WARNING_AT,
                 default=int(FILING_THRESHOLD * FILING_WARNING_FRACTION)): vol.All(
        vol.Coerce(int), vol.Range(min=1)),
    vol.Optional(CONF_CAPTURE_NOTICE, default=DEFAULT_CAPTURE_NOTICE): cv.string,
})


@dataclass(frozen=True, slots=True)
class RetentionPolicy:
    """How long each class of data is kept."""

    access_log: timedelta = timedelta(days=180)
    leavers: timedelta = timedelta(days=30)
    snapshots: timedelta = timedelta(days=7)
    expired_passes: timedelta = timedelta(days=30)


@dataclass(frozen=True, slots=True)
class PeopleConfig:
    """The validated `people:` section, with paths resolved against the config folder."""

    config_dir: Path
    storage: StorageOptions
    key_text: str | None = field(default=None, repr=False)
    key_file: Path | None = None
    retention: RetentionPolicy = RetentionPolicy()
    filing_warning_at: int = int(FILING_THRESHOLD * FILING_WARNING_FRACTION)
    capture_notice: str = DEFAULT_CAPTURE_NOTICE
    time_zone: str = "UTC"
    site_name: str = "menjin"

    @property
    def storage_dir(self) -> Path:
        """Where the SQLite database goes by default."""
        return self.config_dir / STORAGE_DIR

    def site_key(self) -> SiteKey:
        """The site key: key file, then `key:`, then `site_key` in secrets.yaml."""
        if self.key_file is not None:
            return SiteKey.from_file(self.key_file)
        if self.key_text is not None:
            return SiteKey.from_text(self.key_text, "people: key")
        secrets = Secrets(self.config_dir)
        secrets_file = self.config_dir / "secrets.yaml"
        try:
            value = secrets.get(self.config_dir / CONFIG_FILE, SECRET_NAME, None)
        except YamlError as err:
            raise SiteKeyError(f"Cannot read {secrets_file}: {err.message}") from err
        if isinstance(value, MissingSecret):
            raise SiteKeyError(
                f"No site key: add '{SECRET_NAME}: <key>' to {secrets_file} (generate one with "
                "`menjin people keygen`) or name a key file in people: key_file:"
            )
        return SiteKey.from_text(value, str(secrets_file))


def people_config_from(section: dict[str, Any], config_dir: Path, time_zone: str = "UTC",
                       site_name: str = "menjin") -> PeopleConfig:
    """Build a PeopleConfig from an already validated section."""
    config_dir = config_dir.resolve()
    storage = section[CONF_STORAGE]
    path = storage.get(CONF_PATH)
    options = StorageOptions(
        backend=storage[CONF_BACKEND],
        path=(config_dir / path) if path else None,
        dsn=storage.get(CONF_DSN),
        schema=storage.get(CONF_SCHEMA),
        synchronous="FULL" if storage[CONF_DURABILITY] == "full" else "NORMAL",
    )
    retention = section[CONF_RETENTION]
    key_file = section.get(CONF_KEY_FILE)
    return PeopleConfig(
        config_dir=config_dir, storage=options, key_text=section.get(CONF_KEY),
        key_file=(config_dir / key_file) if key_file else None,
        retention=RetentionPolicy(retention[CONF_ACCESS_LOG], retention[CONF_LEAVERS],
                                  retention[CONF_SNAPSHOTS], retention[CONF_EXPIRED_PASSES]),
        filing_warning_at=section[CONF_FILING_WARNING_AT],
        capture_notice=section[CONF_CAPTURE_NOTICE], time_zone=time_zone, site_name=site_name,
    )


def load_people_config(config_dir: Path) -> PeopleConfig:
    """Read `people:` (and the site's name and time zone) from a config folder (blocking)."""
    config_dir = config_dir.resolve()
    path = config_dir / CONFIG_FILE
    raw: Any = {}
    if path.is_file():
        raw = load_yaml(path, Secrets(config_dir)) or {}
    core = raw.get(CONF_CORE) or {}
    section = CONFIG_SCHEMA(raw.get(DOMAIN) or {})
    return people_config_from(section, config_dir, str(core.get(CONF_TIME_ZONE, "UTC")),
                              str(core.get("name", "menjin")))
