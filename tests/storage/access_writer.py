"""Child process for the kill -9 test: writes decisions and prints each id once committed.

Usage: python -m tests.storage.access_writer CONFIG_JSON (key in MENJIN_TEST_KEY).
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path

from hub.people.access_log import AccessRecord
from hub.people.config import CONFIG_SCHEMA, PeopleConfig, people_config_from
from hub.people.const import CredentialType, Decision, Direction
from hub.people.store import PeopleStore
from hub.privacy.keys import SiteKey
from hub.storage import StorageOptions

WRITERS = 4


async def main(spec: dict[str, str]) -> None:
    base = people_config_from(CONFIG_SCHEMA({}), Path(spec["config_dir"]))
    options = StorageOptions(backend=spec["backend"],  # type: ignore[arg-type]
                             path=Path(spec["path"]) if spec.get("path") else None,
                             dsn=spec.get("dsn"), schema=spec.get("schema"))
    config = PeopleConfig(config_dir=base.config_dir, storage=options)
    store = await PeopleStore.async_open(
        config, SiteKey.from_text(os.environ["MENJIN_TEST_KEY"], "test"))
    print("ready", flush=True)

    async def writer(index: int) -> None:
        sequence = 0
        while True:
            sequence += 1
            access_id = await store.access_log.async_record(AccessRecord(
                Decision.granted, f"gate_{index}", Direction.entry, f"p{index}",
                CredentialType.card, score=0.9, reasons=("ok",),
                details={"writer": index, "n": sequence}))
            # acknowledged = committed: only now may the gate move
            sys.stdout.write(f"{access_id}\n")
            sys.stdout.flush()

    await asyncio.gather(*(writer(index) for index in range(WRITERS)))


if __name__ == "__main__":
    asyncio.run(main(json.loads(sys.argv[1])))
