"""`menjin backup`: a live snapshot that comes back whole, never with the key, never forged."""

from __future__ import annotations

import asyncio
import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from hub.cli import main
from hub.instance import InstanceLock
from hub.people.store import PeopleStore
from hub.privacy.keys import SiteKey
from hub.storage.backup import MANIFEST, BackupError, read_backup
from tests.people.helpers import add_enrolled_adult, vector


def _site(folder: Path, key: SiteKey) -> Path:
    folder.mkdir(parents=True)
    (folder / "configuration.yaml").write_text(
        "menjin:\n  name: Test School\n  time_zone: Asia/Shanghai\npeople: {}\n")
    (folder / "secrets.yaml").write_text(f"site_key: {key.as_text()}\n")
    (folder / "automations.yaml").write_text("[]\n")
    return folder


def _with_store(folder: Path, action) -> object:  # type: ignore[no-untyped-def]
    async def run() -> object:
        store = await PeopleStore.async_from_config_dir(folder)
        try:
            return await action(store)
        finally:
            await store.async_close()

    return asyncio.run(run())


def _enrol_wang(folder: Path) -> None:
    async def action(store: PeopleStore) -> None:
        await add_enrolled_adult(store, "wang", seed=7)

    _with_store(folder, action)


def _backup(folder: Path, output: Path, capsys: pytest.CaptureFixture[str]) -> str:
    assert main(["backup", "create", "-c", str(folder), "-o", str(output)]) == 0
    return capsys.readouterr().out


def test_backup_of_a_live_site_restores_people_faces_and_audit(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    key = SiteKey.generate()
    site = _site(tmp_path / "site", key)
    _enrol_wang(site)
    (site / ".storage" / "auth.json").write_text('{"users": []}')
    # The hub is running: its latest commit sits in the WAL file only, not yet
    # checkpointed into menjin.db. A file copy would lose it; a snapshot must not.
    live = sqlite3.connect(site / ".storage" / "menjin.db", isolation_level=None)
    live.execute("PRAGMA wal_autocheckpoint=0")
    live.execute("INSERT INTO meta (key, value) VALUES ('in_wal_only', 'x')")
    archive = tmp_path / "out" / "site.tar.gz"
    try:
        assert (site / ".storage" / "menjin.db-wal").stat().st_size > 0
        out = _backup(site, archive, capsys)
    finally:
        live.close()
    assert "The site key is NOT in the archive" in out
    assert archive.stat().st_mode & 0o777 == 0o600

    with tarfile.open(archive) as tar:
        names = tar.getnames()
        blobs = b"".join(tar.extractfile(m).read() for m in tar.getmembers())  # type: ignore[union-attr]
    assert "config/secrets.yaml" not in names and "config/configuration.yaml" in names
    assert "storage/auth.json" in names and "database/menjin.db" in names
    assert not any(name.startswith("storage/menjin.db") for name in names)
    assert key.as_text().encode() not in blobs
    assert vector(7).tobytes() not in blobs  # the face is only ciphertext

    # A new machine: the same key, nothing else.
    target = _site(tmp_path / "restored", key)
    assert main(["backup", "restore", "-c", str(target), str(archive)]) == 0
    out = capsys.readouterr().out
    assert "Audit chain intact" in out
    assert (target / ".storage" / "auth.json").read_text() == '{"users": []}'
    assert (target / ".storage" / "menjin.db").stat().st_mode & 0o777 == 0o600

    async def check(store: PeopleStore) -> tuple[list[object], list[str]]:
        gallery = await store.biometrics.async_load_gallery()
        actions = [e.action for e in await store.audit.async_entries(limit=100)]
        return gallery, actions

    gallery, actions = _with_store(target, check)  # type: ignore[misc]
    [template] = gallery
    assert template.person_id == "wang"  # type: ignore[attr-defined]
    assert abs(float(template.vector @ vector(7)) - 1.0) < 1e-5  # type: ignore[attr-defined]
    assert "backup_created" in actions and "backup_restored" in actions
    with sqlite3.connect(target / ".storage" / "menjin.db") as db:
        assert db.execute("SELECT value FROM meta WHERE key='in_wal_only'").fetchone() == ("x",)


def test_restore_with_another_key_touches_nothing(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site = _site(tmp_path / "site", SiteKey.generate())
    _enrol_wang(site)
    archive = tmp_path / "site.tar.gz"
    _backup(site, archive, capsys)
    target = _site(tmp_path / "other", SiteKey.generate())
    assert main(["backup", "restore", "-c", str(target), str(archive)]) == 1
    err = capsys.readouterr().err
    assert "would not decrypt" in err and "original site key" in err
    assert not (target / ".storage" / "menjin.db").exists()


def test_restore_sets_replaced_files_aside_and_config_only_on_request(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    key = SiteKey.generate()
    site = _site(tmp_path / "site", key)
    _enrol_wang(site)
    archive = tmp_path / "site.tar.gz"
    _backup(site, archive, capsys)
    # Later the site changed: another person, edited automations.
    async def add_li(store: PeopleStore) -> None:
        await add_enrolled_adult(store, "li", seed=8)

    _with_store(site, add_li)
    (site / "automations.yaml").write_text("# edited\n[]\n")
    assert main(["backup", "restore", "-c", str(site), str(archive)]) == 0
    out = capsys.readouterr().out
    assert "moved to" in out
    assert (site / "automations.yaml").read_text() == "# edited\n[]\n"  # config untouched

    async def people(store: PeopleStore) -> list[str]:
        return sorted(t.person_id for t in await store.biometrics.async_load_gallery())

    assert _with_store(site, people) == ["wang"]
    [aside] = list((site / "backups").glob("before-restore-*"))
    assert (aside / ".storage" / "menjin.db").is_file()  # the newer database, kept

    assert main(["backup", "restore", "--with-config", "-c", str(site), str(archive)]) == 0
    assert (site / "automations.yaml").read_text() == "[]\n"


def test_a_running_hub_blocks_restore_and_a_second_hub(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site = _site(tmp_path / "site", SiteKey.generate())
    _enrol_wang(site)
    archive = tmp_path / "site.tar.gz"
    _backup(site, archive, capsys)
    with InstanceLock(site):
        assert main(["backup", "restore", "-c", str(site), str(archive)]) == 1
        assert f"pid {os.getpid()}" in capsys.readouterr().err
        result = subprocess.run(
            [sys.executable, "-m", "hub", "run", "-c", str(site)],
            capture_output=True, text=True, timeout=60, check=False)
        assert result.returncode == 1
        assert "Two hubs on one site would both drive its gates" in result.stderr


def _rewrite(archive: Path, target: Path, change) -> None:  # type: ignore[no-untyped-def]
    with tarfile.open(archive) as source, tarfile.open(target, "w:gz") as out:
        for member in source.getmembers():
            data = source.extractfile(member).read()  # type: ignore[union-attr]
            member, data = change(member, data)
            member.size = len(data)
            out.addfile(member, io.BytesIO(data))


def test_damaged_edited_or_hostile_archives_are_refused(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site = _site(tmp_path / "site", SiteKey.generate())
    _enrol_wang(site)
    archive = tmp_path / "site.tar.gz"
    _backup(site, archive, capsys)
    assert main(["backup", "verify", str(archive)]) == 0
    assert "is intact" in capsys.readouterr().out

    def edit_config(member: tarfile.TarInfo, data: bytes) -> tuple[tarfile.TarInfo, bytes]:
        if member.name == "config/automations.yaml":
            data = b"- id: sneaky\n"
        return member, data

    def traversal(member: tarfile.TarInfo, data: bytes) -> tuple[tarfile.TarInfo, bytes]:
        if member.name == "config/automations.yaml":
            member.name = "config/../../etc/cron.d/x"
        return member, data

    def no_manifest(member: tarfile.TarInfo, data: bytes) -> tuple[tarfile.TarInfo, bytes]:
        if member.name == MANIFEST:
            member.name = "storage/renamed.json"
        return member, data

    for change, message in ((edit_config, "does not match its checksum"),
                            (traversal, "which no menjin backup contains"),
                            (no_manifest, "has no manifest.json")):
        bad = tmp_path / f"{change.__name__}.tar.gz"
        _rewrite(archive, bad, change)
        with pytest.raises(BackupError, match=message):
            read_backup(bad)
    truncated = tmp_path / "truncated.tar.gz"
    truncated.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    assert main(["backup", "verify", str(truncated)]) == 1
    assert "not a readable menjin backup" in capsys.readouterr().err
    target = _site(tmp_path / "target", SiteKey.generate())
    shutil.copy(site / "secrets.yaml", target / "secrets.yaml")
    assert main(["backup", "restore", "-c", str(target),
                 str(tmp_path / "edit_config.tar.gz")]) == 1
    assert not (target / ".storage" / "menjin.db").exists()
    with tarfile.open(archive) as tar:
        manifest = json.loads(tar.extractfile(MANIFEST).read())  # type: ignore[union-attr]
    assert manifest["database"] == "sqlite" and "config/secrets.yaml" not in manifest["files"]


def test_erasures_and_withdrawals_after_the_backup_are_applied_again(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from hub.privacy.const import Purpose
    from hub.privacy.rights import async_erase_person

    key = SiteKey.generate()
    site = _site(tmp_path / "site", key)

    async def enrol_three(store: PeopleStore) -> None:
        for seed, person_id in enumerate(("wang", "li", "zhao")):
            await add_enrolled_adult(store, person_id, seed=seed + 1)

    _with_store(site, enrol_three)
    archive = tmp_path / "site.tar.gz"
    _backup(site, archive, capsys)

    async def later(store: PeopleStore) -> None:
        await async_erase_person(store, "li", "office")
        await store.consents.async_withdraw("wang", Purpose.gate_entry, "wang", "paper",
                                            actor="office")

    _with_store(site, later)
    assert main(["backup", "restore", "-c", str(site), str(archive)]) == 0
    out = capsys.readouterr().out
    assert "Re-applied: li erased" in out and "Re-applied: wang withdrew gate_entry" in out

    async def state(store: PeopleStore) -> tuple[list[str], bool, bool]:
        faces = sorted(t.person_id for t in await store.biometrics.async_load_gallery())
        li = await store.persons.async_get("li")
        chain = await store.audit.async_verify()
        return faces, li is None, chain.ok

    assert _with_store(site, state) == (["zhao"], True, True)
