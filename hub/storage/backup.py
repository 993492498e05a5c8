"""Site backups: one archive holding everything but the key.

A gate PC dies, a disk fills up, an installer re-images the wrong machine: the
site's people, consents, credentials and access log must come back exactly.
The archive holds a consistent snapshot of the SQLite database (taken with
SQLite's online backup API, so the hub keeps running), the hub's own files
under `.storage/` (users, device registry, traces) and the configuration.

The site key is never in it: the templates in a stolen backup stay ciphertext.
The manifest records the key's fingerprint, so a restore with another key is
refused before anything is touched, and a checksum per file, so a damaged or
edited archive is refused too. Everything here blocks: callers use a thread.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import sqlite3
import tarfile
import tempfile
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Any, Final

from hub import __version__
from hub.checksum import sha256_file, sha256_stream
from hub.const import STORAGE_DIR
from hub.exceptions import HubError
from hub.instance import LOCK_NAME
from hub.storage.open import DEFAULT_SQLITE_NAME

FORMAT: Final = 1
MANIFEST: Final = "manifest.json"
DATABASE_MEMBER: Final = "database/" + DEFAULT_SQLITE_NAME
STORAGE_PREFIX: Final = "storage/"
CONFIG_PREFIX: Final = "config/"
BACKUPS_DIR: Final = "backups"
# Secrets stay on the machine (and in the owner's separate key backup).
SECRET_FILES: Final = frozenset({"secrets.yaml"})
CONFIG_SUFFIXES: Final = frozenset({".yaml", ".yml", ".json", ".py", ".jinja", ".md", ".txt"})
SKIPPED_DIRS: Final = frozenset({STORAGE_DIR, BACKUPS_DIR, "__pycache__"})
# The database and its journals are taken by the snapshot, never copied live.
_DB_SIDECARS: Final = ("", "-wal", "-shm", "-journal")
_MAX_MEMBER_BYTES: Final = 8 * 1024**3


class BackupError(HubError):
    """The archive cannot be made, is not a menjin backup, or cannot go here."""


@dataclass(frozen=True, slots=True)
class BackupManifest:
    """What an archive holds; stored as `manifest.json` inside it."""

    created_at: str
    site_name: str
    key_fingerprint: str
    database: str  # "sqlite", or "postgresql" (not in the archive: pg_dump it)
    files: dict[str, str] = field(default_factory=dict)  # member -> sha256
    menjin_version: str = __version__
    format: int = FORMAT

    @property
    def has_database(self) -> bool:
        """True when the archive carries the database snapshot."""
        return DATABASE_MEMBER in self.files


@dataclass(frozen=True, slots=True)
class RestoreReport:
    """What a restore put back and where the replaced files went."""

    manifest: BackupManifest
    restored: list[str]
    set_aside: Path | None
    replaced_database: Path | None = None  # the database the restore replaced, kept aside


def _is_database_file(path: Path, database: Path | None) -> bool:
    if database is None:
        return False
    return any(path == Path(f"{database}{suffix}") for suffix in _DB_SIDECARS)


def _snapshot_sqlite(source: Path, target: Path) -> None:
    if not source.is_file():
        raise BackupError(f"There is no database at {source} to back up.")
    try:
        src = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
        try:
            dst = sqlite3.connect(target)
            try:
                src.backup(dst)
            finally:
                dst.close()
        finally:
            src.close()
    except sqlite3.Error as err:
        raise BackupError(f"Cannot snapshot the database {source}: {err}") from err


def _storage_files(storage_dir: Path, database: Path | None) -> list[Path]:
    if not storage_dir.is_dir():
        return []
    return sorted(
        path for path in storage_dir.rglob("*")
        if path.is_file() and not path.is_symlink() and path.name != LOCK_NAME
        and not _is_database_file(path, database)
    )


def _config_files(config_dir: Path, excluded: set[Path]) -> list[Path]:
    found: list[Path] = []
    for root, dirs, files in os.walk(config_dir):
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS and not d.startswith("."))
        for name in sorted(files):
            path = Path(root) / name
            if (name in SECRET_FILES or path.suffix not in CONFIG_SUFFIXES
                    or path.is_symlink() or path.resolve() in excluded):
                continue
            found.append(path)
    return found


def create_backup(
    config_dir: Path,
    output: Path,
    *,
    site_name: str,
    key_fingerprint: str,
    database: Path | None,
    key_file: Path | None = None,
) -> BackupManifest:
    """Write the archive to `output` (mode 0600); `database` None means PostgreSQL."""
    config_dir = config_dir.resolve()
    # The snapshot's moment: what happened after it is not in the archive.
    started = datetime.now().astimezone().isoformat(timespec="seconds")
    storage_dir = config_dir / STORAGE_DIR
    excluded = {key_file.resolve()} if key_file is not None else set()
    if database is not None:
        excluded |= {Path(f"{database.resolve()}{suffix}") for suffix in _DB_SIDECARS}
    members: list[tuple[str, Path]] = []
    with tempfile.TemporaryDirectory(prefix="menjin-backup-") as scratch:
        if database is not None:
            snapshot = Path(scratch) / DEFAULT_SQLITE_NAME
            _snapshot_sqlite(database, snapshot)
            members.append((DATABASE_MEMBER, snapshot))
        for path in _storage_files(storage_dir, database):
            members.append((STORAGE_PREFIX + path.relative_to(storage_dir).as_posix(), path))
        for path in _config_files(config_dir, excluded):
            members.append((CONFIG_PREFIX + path.relative_to(config_dir).as_posix(), path))
        manifest = BackupManifest(
            created_at=started,
            site_name=site_name, key_fingerprint=key_fingerprint,
            database="sqlite" if database is not None else "postgresql",
            files={name: sha256_file(path) for name, path in members},
        )
        _write_archive(output, manifest, members)
    return manifest


def _write_archive(output: Path, manifest: BackupManifest,
                   members: list[tuple[str, Path]]) -> None:
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(output.name + ".partial")
    # Personal data and password hashes: readable by the owner only, from the first byte.
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as tar:
            data = json.dumps(asdict(manifest), indent=2, ensure_ascii=False).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mode = len(data), 0o600
            tar.addfile(info, io.BytesIO(data))
            for name, path in members:
                tar.add(path, arcname=name, recursive=False)
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(partial, output)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def _safe_member_name(name: str) -> bool:
    pure = PurePosixPath(name)
    return (not pure.is_absolute() and ".." not in pure.parts and name == pure.as_posix()
            and (name in (MANIFEST, DATABASE_MEMBER) or name.startswith(
                (STORAGE_PREFIX, CONFIG_PREFIX))))


def read_backup(archive: Path) -> BackupManifest:
    """Check an archive completely (names, types, checksums); return its manifest."""
    try:
        with tarfile.open(archive, mode="r:gz") as tar:
            return _checked_manifest(archive, tar)
    except (tarfile.TarError, OSError, EOFError) as err:
        raise BackupError(f"{archive} is not a readable menjin backup: {err}") from err


def _checked_manifest(archive: Path, tar: tarfile.TarFile) -> BackupManifest:
    seen: dict[str, str] = {}
    raw_manifest: bytes | None = None
    for member in tar.getmembers():
        if not member.isfile() or not _safe_member_name(member.name):
            raise BackupError(
                f"{archive} holds {member.name!r}, which no menjin backup contains: refused.")
        if member.size > _MAX_MEMBER_BYTES or member.name in seen:
            raise BackupError(f"{archive}: member {member.name!r} is too large or repeated.")
        handle = tar.extractfile(member)
        if handle is None:
            raise BackupError(f"{archive}: cannot read {member.name!r}.")
        if member.name == MANIFEST:
            raw_manifest = handle.read(1 << 20)
            seen[member.name] = ""
            continue
        seen[member.name] = sha256_stream(handle)
    if raw_manifest is None:
        raise BackupError(f"{archive} has no {MANIFEST}: it is not a menjin backup.")
    manifest = _parse_manifest(archive, raw_manifest)
    seen.pop(MANIFEST)
    for name, expected in manifest.files.items():
        if seen.get(name) != expected:
            state = "is missing" if name not in seen else "does not match its checksum"
            raise BackupError(f"{archive}: {name} {state}; the archive is damaged or edited.")
    extra = sorted(set(seen) - set(manifest.files))
    if extra:
        raise BackupError(f"{archive}: {extra[0]} is not listed in the manifest: refused.")
    return manifest


def _parse_manifest(archive: Path, raw: bytes) -> BackupManifest:
    try:
        data: Any = json.loads(raw)
        if data.get("format") != FORMAT:
            raise BackupError(
                f"{archive} is backup format {data.get('format')!r}; this menjin reads "
                f"format {FORMAT}.")
        return BackupManifest(
            created_at=str(data["created_at"]), site_name=str(data["site_name"]),
            key_fingerprint=str(data["key_fingerprint"]), database=str(data["database"]),
            files={str(k): str(v) for k, v in dict(data["files"]).items()},
            menjin_version=str(data.get("menjin_version", "")),
        )
    except (ValueError, KeyError, TypeError, AttributeError) as err:
        raise BackupError(f"{archive} has an unreadable {MANIFEST}: {err}") from err


def restore_backup(
    archive: Path,
    config_dir: Path,
    *,
    key_fingerprint: str,
    database: Path | None,
    with_config: bool,
) -> RestoreReport:
    """Put an archive back under `config_dir`; replaced files are moved aside, never deleted.

    The caller holds the folder's `InstanceLock`, so no hub runs meanwhile.
    """
    manifest = read_backup(archive)
    if manifest.key_fingerprint != key_fingerprint:
        raise BackupError(
            f"{archive} was made with the site key {manifest.key_fingerprint}, but this site's "
            f"key is {key_fingerprint}: its faces would not decrypt. Put the original site key "
            "in secrets.yaml (or the key file) and restore again.")
    config_dir = config_dir.resolve()
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    aside = config_dir / BACKUPS_DIR / f"before-restore-{stamp}"
    targets: dict[str, Path] = {}
    for name in manifest.files:
        if name == DATABASE_MEMBER:
            if database is not None:
                targets[name] = database
        elif name.startswith(STORAGE_PREFIX):
            targets[name] = config_dir / STORAGE_DIR / name.removeprefix(STORAGE_PREFIX)
        elif with_config:
            targets[name] = config_dir / name.removeprefix(CONFIG_PREFIX)
    moved = _set_aside(targets.values(), database, config_dir, aside)
    replaced = moved.get(database) if database is not None else None
    with tarfile.open(archive, mode="r:gz") as tar:
        for name, target in targets.items():
            source = tar.extractfile(name)
            if source is None:  # checked above; a race with another writer
                raise BackupError(f"{archive}: {name} vanished while restoring.")
            target.parent.mkdir(parents=True, exist_ok=True)
            with source, target.open("wb") as out:
                shutil.copyfileobj(source, out)
            if name == DATABASE_MEMBER or name.startswith(STORAGE_PREFIX):
                target.chmod(0o600)
    return RestoreReport(manifest, sorted(targets), aside if moved else None, replaced)


def _set_aside(targets: Any, database: Path | None, config_dir: Path,
               aside: Path) -> dict[Path, Path]:
    """Move every file a restore would replace (and the database's journals) to `aside`.

    Returns where each moved file went.
    """
    paths = [path for path in targets if path.exists()]
    if database is not None:
        paths += [Path(f"{database}{suffix}") for suffix in _DB_SIDECARS[1:]
                  if Path(f"{database}{suffix}").exists()]
    moved: dict[Path, Path] = {}
    for path in paths:
        try:
            relative = path.resolve().relative_to(config_dir)
        except ValueError:  # a database configured outside the folder
            relative = Path("external") / path.name
        destination = aside / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(path), destination)
        moved[path] = destination
    return moved
