"""Biometric data at rest: encrypted, bound to its row, useless without the right key."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from hub.people.config import PeopleConfig
from hub.people.store import PeopleStore
from hub.privacy.biometrics import encode_vector
from hub.privacy.errors import SiteKeyError, WrongSiteKeyError
from hub.privacy.keys import SiteKey
from hub.storage import CorruptRecordError
from tests.people.helpers import add_enrolled_adult, vector


def _files_of(config: PeopleConfig) -> list[Path]:
    assert config.storage.path is not None
    folder = config.storage.path.parent
    return [path for path in folder.iterdir() if path.is_file()]


async def test_database_holds_no_plaintext_embedding(
    store: PeopleStore, people_config: PeopleConfig
) -> None:
    await add_enrolled_adult(store, "w", seed=42)
    plaintext = encode_vector(vector(42))
    probe = plaintext[:16]  # four float32s: any copy of the vector would contain them
    for table in await store.db.table_names():
        for row in await store.db.fetch_all(f"SELECT * FROM {table}"):
            for value in row.values():
                if isinstance(value, bytes | bytearray | memoryview):
                    assert probe not in bytes(value), f"plaintext embedding in {table}"
    if people_config.storage.backend == "sqlite":
        files = _files_of(people_config)
        assert any(path.stat().st_size for path in files)
        for path in files:
            assert probe not in path.read_bytes(), f"plaintext embedding in {path.name}"
    else:
        await store.db.execute("CHECKPOINT")
        relation = await store.db.fetch_value(
            "SELECT pg_relation_filepath('biometric_templates')")
        data_dir = await store.db.fetch_value("SHOW data_directory")
        path = Path(str(data_dir)) / str(relation)
        try:
            data = path.read_bytes()
        except OSError:
            pytest.skip("PostgreSQL data files are not readable by this user")
        assert data and probe not in data
    # and the embedding is really there, encrypted
    gallery = await store.biometrics.async_load_gallery()
    assert encode_vector(gallery[0].vector) == plaintext


async def test_wrong_key_is_a_clear_error_not_an_empty_gallery(
    store: PeopleStore, people_config: PeopleConfig
) -> None:
    await add_enrolled_adult(store, "w")
    with pytest.raises(WrongSiteKeyError, match="not the key this database was written with"):
        await PeopleStore.async_open(people_config, SiteKey.generate())


async def test_unreadable_or_malformed_key_file(tmp_path: Path) -> None:
    missing = tmp_path / "nope.key"
    with pytest.raises(SiteKeyError, match="Cannot read the site key file"):
        SiteKey.from_file(missing)
    short = tmp_path / "short.key"
    short.write_text("c2hvcnQ=\n")
    with pytest.raises(SiteKeyError, match="expected 32"):
        SiteKey.from_file(short)
    garbage = tmp_path / "garbage.key"
    garbage.write_bytes(b"\xff\xfe" * 40)
    with pytest.raises(SiteKeyError, match="not a key"):
        SiteKey.from_file(garbage)
    locked = tmp_path / "locked.key"
    locked.write_text(SiteKey.generate().as_text())
    locked.chmod(0)
    if os.geteuid() != 0:  # root reads any file
        with pytest.raises(SiteKeyError, match="Cannot read"):
            SiteKey.from_file(locked)
    good = tmp_path / "good.key"
    key = SiteKey.generate()
    good.write_text(key.as_text())
    assert SiteKey.from_file(good).fingerprint == key.fingerprint
    assert key.as_text() not in repr(key)


async def test_missing_site_key_in_config_folder(people_config: PeopleConfig) -> None:
    with pytest.raises(SiteKeyError, match="No site key"):
        people_config.site_key()
    (people_config.config_dir / "secrets.yaml").write_text("site_key: not-a-key!\n")
    with pytest.raises(SiteKeyError, match="neither base64 nor hex"):
        people_config.site_key()


async def test_corrupted_or_swapped_template_is_an_error(store: PeopleStore) -> None:
    await add_enrolled_adult(store, "a", seed=1)
    await add_enrolled_adult(store, "b", seed=2)
    rows = await store.db.fetch_all(
        "SELECT t.id, t.nonce, t.ciphertext, c.person_id FROM biometric_templates t "
        "JOIN credentials c ON c.id = t.credential_id ORDER BY c.person_id")
    # copy a's ciphertext into b's row: must not decrypt as b
    await store.db.execute(
        "UPDATE biometric_templates SET nonce = ?, ciphertext = ? WHERE id = ?",
        (rows[0]["nonce"], rows[0]["ciphertext"], rows[1]["id"]))
    with pytest.raises(CorruptRecordError, match="does not decrypt"):
        await store.biometrics.async_load_gallery()
