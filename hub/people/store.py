"""`PeopleStore`: the one object the hub, automations and the CLI use for people data.

It opens the database, checks the site key against the fingerprint the
database was written with (a wrong key is an error, never an empty gallery)
and wires the repositories together. It needs no running hub.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from zoneinfo import ZoneInfo

from hub.credentials.repository import CredentialRepository
from hub.people.access import AccessPolicy
from hub.people.access_log import AccessLog
from hub.people.config import PeopleConfig, load_people_config
from hub.people.persons import PersonRepository
from hub.people.schedules import ScheduleRepository
from hub.people.sites import SiteRepository
from hub.privacy.audit import AuditLog
from hub.privacy.biometrics import BiometricStore
from hub.privacy.cipher import RecordCipher
from hub.privacy.consent import ConsentLedger
from hub.privacy.errors import WrongSiteKeyError
from hub.privacy.keys import (
    PURPOSE_AUDIT,
    PURPOSE_BIOMETRIC,
    PURPOSE_CARD_LOOKUP,
    PURPOSE_QR,
    PURPOSE_SNAPSHOT,
    SiteKey,
)
from hub.storage import Database, async_open_database

_LOGGER = logging.getLogger(__name__)

FINGERPRINT_KEY = "key_fingerprint"


async def async_check_key(db: Database, key: SiteKey) -> None:
    """Record the key's fingerprint on first use; refuse a different key afterwards."""
    stored = await db.fetch_value("SELECT value FROM meta WHERE key = ?", (FINGERPRINT_KEY,))
    if stored is None:
        await db.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING",
            (FINGERPRINT_KEY, key.fingerprint))
        stored = await db.fetch_value("SELECT value FROM meta WHERE key = ?", (FINGERPRINT_KEY,))
    if stored != key.fingerprint:
        raise WrongSiteKeyError(
            f"The site key from {key.source} (fingerprint {key.fingerprint}) is not the key "
            f"this database was written with (fingerprint {stored}). Configure the original "
            "key; without it no face, card or QR pass can be checked, and menjin will not "
            "run with an empty gallery."
        )


class PeopleStore:
    """Repositories for persons, credentials, consent, schedules, gates, logs and audit."""

    def __init__(self, db: Database, key: SiteKey, config: PeopleConfig) -> None:
        self.db = db
        self.config = config
        self.tz = ZoneInfo(config.time_zone)
        self.audit = AuditLog(db, key.subkey(PURPOSE_AUDIT))
        self.persons = PersonRepository(db)
        self.consents = ConsentLedger(db, self.persons, self.audit)
        self.credentials = CredentialRepository(
            db, self.persons, self.audit, key.subkey(PURPOSE_CARD_LOOKUP), key.subkey(PURPOSE_QR))
        self.biometrics = BiometricStore(
            db, self.persons, self.consents, self.audit,
            RecordCipher(key.subkey(PURPOSE_BIOMETRIC), "biometric"))
        self.snapshot_cipher = RecordCipher(key.subkey(PURPOSE_SNAPSHOT), "snapshot")
        self.schedules = ScheduleRepository(db)
        self.sites = SiteRepository(db)
        self.access_log = AccessLog(db, self.sites)
        self.policy = AccessPolicy(self.persons, self.consents, self.schedules, self.sites,
                                   self.tz)
        self.key_fingerprint = key.fingerprint

    @classmethod
    async def async_open(cls, config: PeopleConfig, key: SiteKey | None = None) -> PeopleStore:
        """Open the configured database with the configured (or given) site key."""
        if key is None:
            key = await asyncio.to_thread(config.site_key)
        db = await async_open_database(config.storage, config.storage_dir)
        try:
            await async_check_key(db, key)
        except BaseException:
            await db.async_close()
            raise
        _LOGGER.debug("People store open on %s", db.describe())
        return cls(db, key, config)

    @classmethod
    async def async_from_config_dir(cls, config_dir: Path) -> PeopleStore:
        """Open the store of a config folder, as the CLI does."""
        config = await asyncio.to_thread(load_people_config, config_dir)
        return await cls.async_open(config)

    async def async_close(self) -> None:
        """Close the database."""
        await self.db.async_close()
