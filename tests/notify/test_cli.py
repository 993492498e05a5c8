"""`menjin visitor issue` and `menjin outbox` on a config folder, without a running hub."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from hub.cli import main
from hub.people.const import PersonKind
from hub.people.model import Person
from hub.people.store import PeopleStore
from tests.conftest import ConfigWriter
from tests.notify.conftest import site_files

NOTIFY = """
language: en
targets:
  app: {platform: webhook, url: "http://127.0.0.1:9/hook", secret: !secret hook_secret}
gate_names: {north_gate: {en: North gate}}
"""


@pytest.fixture
def folder(config_dir: ConfigWriter) -> Path:
    configuration, files = site_files(NOTIFY, "access:\n  gates:\n    north_gate: {}\n")
    path = config_dir(configuration, files=files)

    async def seed() -> None:
        store = await PeopleStore.async_from_config_dir(path)
        try:
            await store.persons.async_add(Person("r1201", "Wang Fang", PersonKind.resident,
                                                 attributes={"notify_targets": "app"}))
        finally:
            await store.async_close()

    asyncio.run(seed())
    return path


def test_visitor_issue_queues_the_pass_and_outbox_lists_it(
        folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["visitor", "issue", "-c", str(folder), "--host", "r1201", "--name",
                 "Zhang Wei", "--gate", "north_gate", "--hours", "2", "--json"]) == 0
    issued = json.loads(capsys.readouterr().out)
    assert issued["gates"] == ["north_gate"] and len(issued["queued"]) == 1
    assert main(["outbox", "-c", str(folder), "--json"]) == 0
    listing = json.loads(capsys.readouterr().out)
    assert listing["counts"] == {"pending": 1, "sent": 0, "dead": 0}
    [row] = listing["messages"]
    assert row["id"] == issued["queued"][0] and row["recipient"] == "person:r1201"
    assert "message" not in row  # the text (with the QR token) is not printed


def test_unknown_host_and_gate_are_errors(folder: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["visitor", "issue", "-c", str(folder), "--host", "ghost", "--name", "X",
                 "--gate", "north_gate"]) == 1
    assert "ghost" in capsys.readouterr().err
    assert main(["visitor", "issue", "-c", str(folder), "--host", "r1201", "--name", "X",
                 "--gate", "roof"]) == 1
    assert "unknown gate" in capsys.readouterr().err


def test_retry_requeues_dead_letters(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["visitor", "issue", "-c", str(folder), "--host", "r1201", "--name", "X",
          "--gate", "north_gate", "--deliver-to", "fax"])
    capsys.readouterr()
    assert main(["outbox", "-c", str(folder), "--status", "dead"]) == 0
    out = capsys.readouterr().out
    assert "dead 1" in out and "no notify target named 'fax'" in out
    assert main(["outbox", "retry", "-c", str(folder)]) == 0
    assert "1 dead letter(s) queued again" in capsys.readouterr().out
