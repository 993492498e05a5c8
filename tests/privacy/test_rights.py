"""Export everything about a person; erase all of it; retention; the PIPIA report."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

from hub.people.access_log import AccessRecord
from hub.people.const import (
    CredentialType,
    Decision,
    Direction,
    PassageOutcome,
    PersonKind,
    PersonStatus,
)
from hub.people.model import Person
from hub.people.schedule import Schedule
from hub.people.sites import Gate, Zone
from hub.people.store import PeopleStore
from hub.privacy.biometrics import encode_vector
from hub.privacy.const import Purpose
from hub.privacy.pipia import async_build_pipia
from hub.privacy.retention import async_run_retention
from hub.privacy.rights import async_erase_person, async_export_person
from tests.people.helpers import NOW, add_adult, vector

NAME = "Zhao Xiaoming"


async def _full_person(store: PeopleStore) -> None:
    """A child with everything a person can have, plus a bystander."""
    await store.persons.async_add(Person(
        "zhao", NAME, PersonKind.student, groups=frozenset({"class 1-1"}),
        birth_date=date(2018, 5, 5), attributes={"class": "1-1"}))
    await add_adult(store, "parent", name="Zhao Da", kind=PersonKind.resident)
    await add_adult(store, "bystander", name="Bystander")
    guardian = await store.persons.async_add_guardian(
        "zhao", "Zhao Da", "father", ["sms:+86"], guardian_person_id="parent")
    await store.persons.async_add_to_household("b1-101", "zhao", "child")
    await store.persons.async_add_to_household("b1-101", "parent", "owner")
    for purpose in (Purpose.gate_entry, Purpose.snapshot):
        await store.consents.async_grant("zhao", purpose, "Zhao Da", "paper", "v3",
                                         guardian_id=guardian.id)
    await store.biometrics.async_enroll("zhao", [vector(7), vector(8)], "sface", [0.9, 0.8])
    await store.credentials.async_add_card("zhao", "11223344")
    await store.credentials.async_set_pin("zhao", "2468")
    await store.credentials.async_issue_qr("zhao", NOW, NOW + timedelta(days=1))
    await store.schedules.async_put(Schedule.parse("day", ["mon-fri 07:00-18:00"]))
    await store.schedules.async_assign("person", "zhao", "day")
    await store.sites.async_put_zone(Zone("campus", "Campus"))
    await store.sites.async_put_gate(Gate("g1", "Gate 1", "campus"))
    access_id = await store.access_log.async_record(AccessRecord(
        Decision.granted, "g1", Direction.entry, "zhao", CredentialType.face, score=0.8))
    await store.access_log.async_confirm_passage(access_id, PassageOutcome.passed)
    nonce, ciphertext = store.snapshot_cipher.encrypt(b"jpeg", "s1")
    await store.db.execute(
        "INSERT INTO snapshots (id, person_id, access_id, ts, expires_at, nonce, ciphertext) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        ("s1", "zhao", access_id, NOW.timestamp(), (NOW + timedelta(days=7)).timestamp(),
         nonce, ciphertext))
    await store.access_log.async_record(AccessRecord(
        Decision.denied, "g1", Direction.entry, "bystander", CredentialType.card))


async def _rows_mentioning(store: PeopleStore, needle: str) -> dict[str, int]:
    found: dict[str, int] = {}
    for table in await store.db.table_names():
        for row in await store.db.fetch_all(f"SELECT * FROM {table}"):
            if any(isinstance(v, str) and needle in v for v in row.values()):
                found[table] = found.get(table, 0) + 1
    return found


async def test_export_holds_everything(store: PeopleStore) -> None:
    await _full_person(store)
    export = await async_export_person(store, "zhao", "cli:test", include_biometrics=True)
    text = json.dumps(export)
    tables = export["tables"]
    for table, expected in {"persons": 1, "person_groups": 1, "guardians": 1, "households": 1,
                            "consents": 2, "credentials": 4, "biometric_templates": 2,
                            "schedule_assignments": 1, "occupancy": 1, "access_log": 1,
                            "access_passages": 1, "snapshots": 1}.items():
        assert len(tables[table]) == expected, table
    assert NAME in text and "bystander" not in text.lower()
    assert "11223344" not in text and "2468" not in text  # secrets never leave
    import base64
    exported = {base64.b64decode(row["embedding_float32_le_base64"])
                for row in tables["biometric_templates"]}
    assert exported == {encode_vector(vector(7)), encode_vector(vector(8))}
    actions = [e.action for e in await store.audit.async_entries(subject="zhao")]
    assert "person.export" in actions and "biometric.export" in actions


async def test_erasure_leaves_only_the_audit_entry(store: PeopleStore) -> None:
    await _full_person(store)
    mentioned = await _rows_mentioning(store, "zhao")
    assert {"persons", "credentials", "consents", "access_log", "guardians"} <= set(mentioned)
    counts = await async_erase_person(store, "zhao", "cli:test")
    assert counts["biometric_templates"] == 2 and counts["persons"] == 1
    assert await _rows_mentioning(store, "zhao") == {"audit_log": len(
        await store.audit.async_entries(subject="zhao"))}
    assert await _rows_mentioning(store, NAME) == {}
    assert await store.db.fetch_value("SELECT COUNT(*) FROM biometric_templates") == 0
    assert await store.db.fetch_value("SELECT COUNT(*) FROM snapshots") == 0
    erase = (await store.audit.async_entries(subject="zhao", action_prefix="person.erase"))[0]
    assert NAME not in json.dumps(erase.details)
    # the bystander and the parent are untouched
    assert await store.persons.async_get("bystander") is not None
    assert await store.persons.async_get("parent") is not None
    assert len(await store.access_log.async_query(person_id="bystander")) == 1
    assert (await store.audit.async_verify()).ok


async def test_retention_removes_old_data_and_leavers(store: PeopleStore) -> None:
    await add_adult(store, "stays")
    await add_adult(store, "leaver")
    await store.persons.async_set_status("leaver", PersonStatus.left)
    old = datetime.now(UTC) - timedelta(days=400)
    for when in (old, datetime.now(UTC)):
        await store.access_log.async_record(AccessRecord(
            Decision.granted, "g1", Direction.entry, "stays", CredentialType.card, ts=when))
    # not yet: the leaver left today
    counts = await async_run_retention(store)
    assert counts["access_log"] == 1 and counts["leavers"] == 0
    later = datetime.now(UTC) + timedelta(days=31)
    counts = await async_run_retention(store, now=later)
    assert counts["leavers"] == 1
    assert await store.persons.async_get("leaver") is None
    assert await store.persons.async_get("stays") is not None
    assert len(await store.access_log.async_query(person_id="stays")) == 1
    assert (await store.audit.async_verify()).ok


async def test_pipia_report(store: PeopleStore) -> None:
    await _full_person(store)
    await add_adult(store, "face_only")
    await store.consents.async_grant("face_only", Purpose.gate_entry, "self", "kiosk", "v1")
    await store.biometrics.async_enroll("face_only", [vector(9)], "sface")
    report = await async_build_pipia(store)
    facts = report.facts
    assert facts["face_enrolled"] == 2 and facts["children_with_face"] == 1
    assert facts["face_only"] == ["face_only"]
    assert facts["audit_chain"] == "intact"
    text = report.as_markdown()
    assert "Personal information impact assessment" in text and "face_only" not in text
    assert any("only use their face" in w for w in report.warnings)
    assert not any("filing" in w for w in report.warnings)


async def test_pipia_warns_before_the_filing_line(store: PeopleStore) -> None:
    store.config = type(store.config)(**{**{f: getattr(store.config, f) for f in (
        "config_dir", "storage", "retention", "time_zone", "site_name")}, "filing_warning_at": 2})
    for index in range(2):
        await add_adult(store, f"p{index}")
        await store.consents.async_grant(f"p{index}", Purpose.gate_entry, "self", "kiosk", "v1")
        await store.biometrics.async_enroll(f"p{index}", [vector(index)], "sface")
        await store.credentials.async_add_card(f"p{index}", f"ABCD{index:04d}")
    report = await async_build_pipia(store)
    assert any("approaching the 100,000-person filing line" in w for w in report.warnings)
