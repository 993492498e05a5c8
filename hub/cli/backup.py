"""`menjin backup create|verify|restore`: the site in one archive, and back.

`create` runs beside a live hub (the database snapshot is SQLite's online
backup); `restore` needs the hub stopped and the original site key in place.
Both leave an entry in the audit log.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import voluptuous as vol

from hub.cli.common import add_config_argument
from hub.cli.people_common import actor, run_with_store
from hub.config.yaml_loader import YamlError
from hub.exceptions import HubError
from hub.people.config import PeopleConfig, load_people_config
from hub.people.store import PeopleStore
from hub.privacy.after_restore import LaterRemoval, async_reapply, read_later_removals
from hub.privacy.const import AUDIT_PERSON_ERASE
from hub.storage.backup import (
    BACKUPS_DIR,
    BackupError,
    BackupManifest,
    RestoreReport,
    create_backup,
    read_backup,
    restore_backup,
)
from hub.storage.open import DEFAULT_SQLITE_NAME

KEY_REMINDER = (
    "The site key is NOT in the archive (on purpose): keep a copy of secrets.yaml's site_key "
    "(or the key file) somewhere safe and separate. Without it the faces cannot be restored."
)


def register(subparsers: Any) -> None:
    """Add `backup create`, `backup verify` and `backup restore`."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "backup", help="back up the site (database, users, devices, configuration) or restore")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    create = actions.add_parser("create", help="write a backup archive (the hub may run)")
    add_config_argument(create)
    create.add_argument("-o", "--output", type=Path,
                        help=f"archive to write (default: DIR/{BACKUPS_DIR}/menjin-<time>.tar.gz)")
    create.set_defaults(func=lambda a: run_with_store(a, _create))
    verify = actions.add_parser("verify", help="check an archive's contents and checksums")
    verify.add_argument("archive", type=Path)
    verify.set_defaults(func=_verify)
    restore = actions.add_parser("restore", help="put an archive back (stop the hub first)")
    add_config_argument(restore)
    restore.add_argument("archive", type=Path)
    restore.add_argument("--with-config", action="store_true",
                         help="also restore the configuration files (secrets are never in it)")
    restore.set_defaults(func=_restore)


def _database_path(config: PeopleConfig) -> Path | None:
    if config.storage.backend != "sqlite":
        return None
    return config.storage.path or config.storage_dir / DEFAULT_SQLITE_NAME


def _describe(manifest: BackupManifest) -> str:
    database = ("the database" if manifest.has_database
                else "no database (PostgreSQL: use pg_dump)")
    return (f"site {manifest.site_name!r}, made {manifest.created_at} by menjin "
            f"{manifest.menjin_version}: {database}, {len(manifest.files)} files, "
            f"key fingerprint {manifest.key_fingerprint}")


async def _create(store: PeopleStore, args: argparse.Namespace) -> int:
    config = store.config
    output: Path = args.output or (
        config.config_dir / BACKUPS_DIR / f"menjin-{datetime.now():%Y%m%d-%H%M%S}.tar.gz")
    database = _database_path(config)
    # Logged first, so the archive itself shows it was taken.
    await store.audit.async_append(actor(), "backup_created", "site", config.site_name,
                                   {"archive": output.name})
    try:
        manifest = await asyncio.to_thread(
            create_backup, config.config_dir, output, site_name=config.site_name,
            key_fingerprint=store.key_fingerprint, database=database,
            key_file=config.key_file)
    except (BackupError, OSError) as err:
        print(f"Error: {err}", file=sys.stderr)
        return 1
    print(f"Backup written to {output} ({_describe(manifest)}).")
    if database is None:
        schema = f" --schema={config.storage.schema}" if config.storage.schema else ""
        print(f"This site keeps its data in PostgreSQL: back it up with "
              f"`pg_dump --format=custom{schema} <dsn>` as well.")
    print(KEY_REMINDER)
    return 0


def _verify(args: argparse.Namespace) -> int:
    try:
        manifest = read_backup(args.archive)
    except BackupError as err:
        print(f"Error: {err}", file=sys.stderr)
        return 1
    print(f"{args.archive} is intact: {_describe(manifest)}.")
    return 0


def _restore(args: argparse.Namespace) -> int:
    from hub.instance import InstanceLock

    try:
        config = load_people_config(args.config)
        key = config.site_key()
        with InstanceLock(args.config):
            database = _database_path(config)
            report = restore_backup(args.archive, args.config, key_fingerprint=key.fingerprint,
                                    database=database, with_config=args.with_config)
            return asyncio.run(_after_restore(args, report))
    except YamlError as err:
        print(f"Error: {err.file}:{err.line}: {err.message}", file=sys.stderr)
        return 1
    except (HubError, OSError, vol.Invalid) as err:  # BackupError, a wrong key, a running hub
        print(f"Error: {err}", file=sys.stderr)
        return 1


async def _after_restore(args: argparse.Namespace, report: RestoreReport) -> int:
    manifest = report.manifest
    removals: list[LaterRemoval] = []
    if report.replaced_database is not None:
        since = datetime.fromisoformat(manifest.created_at).timestamp()
        removals = await asyncio.to_thread(
            read_later_removals, report.replaced_database, since)
    store = await PeopleStore.async_from_config_dir(args.config)
    try:
        await store.audit.async_append(actor(), "backup_restored", "site", manifest.site_name,
                                       {"archive": args.archive.name,
                                        "made": manifest.created_at})
        reapplied = await async_reapply(store, removals, actor())
        chain = await store.audit.async_verify()
    finally:
        await store.async_close()
    print(f"Restored {_describe(manifest)}.")
    if report.set_aside is not None:
        print(f"The files it replaced were moved to {report.set_aside}.")
    for removal in reapplied:
        what = ("erased" if removal.action == AUDIT_PERSON_ERASE
                else f"withdrew {removal.purpose} consent")
        when = datetime.fromtimestamp(removal.ts).astimezone()
        print(f"Re-applied: {removal.person_id} {what} on {when:%Y-%m-%d %H:%M}, after the "
              "backup was made.")
    if not manifest.has_database:
        print("The database is in PostgreSQL: restore it with pg_restore.")
    print(f"Audit chain {'intact' if chain.ok else 'BROKEN'}: {chain.entries} entries.")
    return 0 if chain.ok else 1
