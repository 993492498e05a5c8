"""The people and privacy commands, run as an administrator would (SQLite site)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hub.cli import main
from hub.privacy.keys import SiteKey


@pytest.fixture
def site(tmp_path: Path) -> Path:
    folder = tmp_path / "site"
    folder.mkdir()
    (folder / "configuration.yaml").write_text(
        "menjin:\n  name: CLI School\n  time_zone: Asia/Shanghai\n"
        "people:\n  retention:\n    access_log: {days: 90}\n")
    (folder / "secrets.yaml").write_text(f"site_key: {SiteKey.generate().as_text()}\n")
    return folder


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_people_consent_export_erase_audit(site: Path, capsys: pytest.CaptureFixture[str]
                                           ) -> None:
    c = ("-c", str(site))
    assert run(capsys, "people", "add", "Lina Wang", "--id", "lina", "--kind", "student",
               "--birth-date", "2017-09-01", "--group", "class 3-2", *c)[0] == 0
    code, out, _ = run(capsys, "people", "guardian", "lina", "Li Na", "--relation", "mother", *c)
    guardian = out.strip()
    code, _, err = run(capsys, "consent", "grant", "lina", "--by", "Lina", "--text-version",
                       "v1", *c)
    assert code == 1 and "guardian" in err
    assert run(capsys, "consent", "grant", "lina", "--by", "Li Na", "--guardian", guardian,
               "--text-version", "v1", *c)[0] == 0
    assert run(capsys, "people", "card", "lina", "0451 2290", *c)[0] == 0
    code, _, err = run(capsys, "people", "card", "lina", "04512290", *c)
    assert code == 1 and "already issued" in err
    code, out, _ = run(capsys, "people", "list", "--json", *c)
    assert [p["id"] for p in json.loads(out)] == ["lina"]
    assert run(capsys, "people", "suspend", "lina", *c)[0] == 0
    code, out, _ = run(capsys, "people", "show", "lina", *c)
    assert json.loads(out)["status"] == "suspended"
    code, out, _ = run(capsys, "export", "lina", *c)
    assert json.loads(out)["tables"]["persons"][0]["name"] == "Lina Wang"
    code, out, _ = run(capsys, "pipia", "--json", *c)
    assert json.loads(out)["persons"] == {"student": 1}
    assert run(capsys, "consent", "withdraw", "lina", "--by", "Li Na", *c)[0] == 0
    assert run(capsys, "erase", "lina", *c)[0] == 2  # needs --yes without a terminal
    assert run(capsys, "erase", "lina", "--yes", *c)[0] == 0
    code, _, err = run(capsys, "people", "show", "lina", *c)
    assert code == 1 and "No person with id 'lina'" in err
    code, out, _ = run(capsys, "retention", "run", *c)
    assert code == 0 and "access_log" in out
    code, out, _ = run(capsys, "audit", "verify", *c)
    assert code == 0 and "intact" in out


def test_enroll_without_consent_is_refused(site: Path, capsys: pytest.CaptureFixture[str]
                                           ) -> None:
    c = ("-c", str(site))
    run(capsys, "people", "add", "Wang", "--id", "wang", "--kind", "staff", *c)
    photo = site / "photo.jpg"
    photo.write_bytes(b"not read")
    code, _, err = run(capsys, "enroll", "wang", str(photo), *c)
    assert code == 1 and "No valid gate-entry consent" in err


def test_wrong_key_in_secrets_is_refused(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    c = ("-c", str(site))
    assert run(capsys, "people", "add", "Wang", "--id", "wang", "--kind", "staff", *c)[0] == 0
    (site / "secrets.yaml").write_text(f"site_key: {SiteKey.generate().as_text()}\n")
    code, _, err = run(capsys, "people", "list", *c)
    assert code == 1 and "not the key this database was written with" in err


async def test_integration_puts_the_store_on_the_hub(site: Path) -> None:
    from hub.bootstrap import async_from_config_dir
    from hub.people.const import DATA_STORE
    from hub.people.store import PeopleStore

    hub, results = await async_from_config_dir(site)
    try:
        assert results["people"].ok, results["people"].error
        store = hub.data[DATA_STORE]
        assert isinstance(store, PeopleStore)
        assert store.config.retention.access_log.days == 90
        assert (await store.audit.async_verify()).ok
    finally:
        await hub.async_stop()
