"""Persons, groups, guardians, households, schedules and the access policy."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from hub.people.access_log import AccessRecord
from hub.people.const import (
    AntiPassback,
    CredentialType,
    Decision,
    Direction,
    PassageOutcome,
    PersonKind,
    PersonStatus,
    ReviewStatus,
)
from hub.people.errors import DuplicatePersonError, PersonNotFound
from hub.people.model import Person, Qualification
from hub.people.schedule import Schedule, parse_window
from hub.people.sites import Gate, Zone
from hub.people.store import PeopleStore
from hub.storage import CorruptRecordError
from tests.people.helpers import NOW, add_adult


async def test_person_roundtrip_and_listing(store: PeopleStore) -> None:
    await store.persons.async_add(Person(
        "lina", "Lina Wang", PersonKind.student, groups=frozenset({"class 3-2"}),
        birth_date=date(2017, 9, 1), attributes={"class": "3-2"}))
    await add_adult(store, "wang")
    lina = await store.persons.async_require("lina")
    assert lina.groups == {"class 3-2"} and lina.attributes == {"class": "3-2"}
    assert lina.age_on(NOW.date()) == 8
    assert [p.id for p in await store.persons.async_list(group="class 3-2")] == ["lina"]
    assert [p.id for p in await store.persons.async_list(kind=PersonKind.staff)] == ["wang"]
    assert await store.persons.async_count() == {"staff": 1, "student": 1}
    with pytest.raises(DuplicatePersonError):
        await add_adult(store, "wang")
    with pytest.raises(PersonNotFound):
        await store.persons.async_require("nobody")
    with pytest.raises(ValueError, match="invalid person id"):
        await store.persons.async_add(Person("bad id!", "x", PersonKind.visitor))


async def test_guardians_and_households(store: PeopleStore) -> None:
    await store.persons.async_add(Person("lina", "Lina", PersonKind.student))
    await add_adult(store, "mum", kind=PersonKind.resident)
    guardian = await store.persons.async_add_guardian(
        "lina", "Li Na", "mother", ["sms:+8613800000000"], guardian_person_id="mum")
    assert (await store.persons.async_guardians("lina")) == [guardian]
    await store.persons.async_add_to_household("building5-301", "mum", "owner")
    await store.persons.async_add_to_household("building5-301", "lina", "child")
    members = await store.persons.async_household("building5-301")
    assert {(m.person_id, m.role) for m in members} == {("mum", "owner"), ("lina", "child")}


async def test_suspended_left_and_expired_permit_are_denied(store: PeopleStore) -> None:
    await add_adult(store, "s")
    await store.persons.async_set_status("s", PersonStatus.suspended)
    check = await store.policy.async_check("s", "gate_1", CredentialType.card, when=NOW)
    assert not check.allowed and check.rule == "status_suspended"

    await add_adult(store, "v", kind=PersonKind.visitor,
                    valid_from=NOW - timedelta(days=2), valid_until=NOW - timedelta(days=1))
    check = await store.policy.async_check("v", "gate_1", CredentialType.qr, when=NOW)
    assert not check.allowed and "permit_expired" in check.reasons
    check = await store.policy.async_check("v", "gate_1", CredentialType.qr,
                                           when=NOW - timedelta(days=3))
    assert check.reasons == ("permit_not_started",)
    check = await store.policy.async_check("v", "gate_1", CredentialType.qr,
                                           when=NOW - timedelta(days=1, hours=12))
    assert check.allowed

    check = await store.policy.async_check("ghost", "gate_1", CredentialType.card, when=NOW)
    assert not check.allowed and check.rule == "unknown_person"


async def test_contractor_qualification_review(store: PeopleStore) -> None:
    await add_adult(store, "c", kind=PersonKind.contractor, attributes={"firm": "X Builders"})
    check = await store.policy.async_check("c", "gate_1", CredentialType.card, when=NOW)
    assert check.reasons == ("qualification_missing",)
    await store.persons.async_set_qualification("c", Qualification(ReviewStatus.pending))
    check = await store.policy.async_check("c", "gate_1", CredentialType.card, when=NOW)
    assert check.reasons == ("qualification_pending",)
    await store.persons.async_set_qualification("c", Qualification(
        ReviewStatus.approved, "safety office", NOW, NOW + timedelta(days=30)))
    assert (await store.policy.async_check("c", "gate_1", CredentialType.card, when=NOW)).allowed
    later = NOW + timedelta(days=31)
    check = await store.policy.async_check("c", "gate_1", CredentialType.card, when=later)
    assert check.reasons == ("qualification_expired",)


def test_weekly_windows() -> None:
    window = parse_window("mon-fri 07:00-18:00")
    monday_8 = datetime(2026, 3, 2, 8, 0)
    assert window.contains(monday_8)
    assert not window.contains(monday_8.replace(hour=18))
    assert not window.contains(datetime(2026, 3, 7, 9, 0))  # Saturday
    late = parse_window("sat,sun 20:00-24:00")
    assert late.contains(datetime(2026, 3, 7, 23, 59))
    wrap = parse_window("fri-mon 10:00-11:00")
    assert wrap.days == {4, 5, 6, 0}
    with pytest.raises(ValueError):
        parse_window("mon-fri 18:00-07:00")
    with pytest.raises(ValueError):
        parse_window("someday 07:00-08:00")


async def test_schedule_and_holiday_calendar(store: PeopleStore) -> None:
    await store.persons.async_add(Person("lina", "Lina", PersonKind.student,
                                         groups=frozenset({"class 3-2"})))
    await store.schedules.async_put(Schedule.parse(
        "school_day", ["mon-fri 07:00-17:30"], calendars=["cn_school"]))
    await store.schedules.async_assign("group", "class 3-2", "school_day", "gate_main")
    # NOW is Monday 16:00 in Shanghai
    assert (await store.policy.async_check("lina", "gate_main", CredentialType.card,
                                           when=NOW)).allowed
    evening = NOW + timedelta(hours=3)
    check = await store.policy.async_check("lina", "gate_main", CredentialType.card, when=evening)
    assert check.reasons == ("outside_schedule",)
    # another gate has no schedule for this group: no restriction there
    assert (await store.policy.async_check("lina", "gate_side", CredentialType.card,
                                           when=evening)).allowed
    await store.schedules.async_add_holiday("cn_school", date(2026, 3, 2), "test holiday")
    check = await store.policy.async_check("lina", "gate_main", CredentialType.card, when=NOW)
    assert check.reasons == ("holiday",)


async def _pass(store: PeopleStore, person: str, gate: str, direction: Direction,
                when: datetime) -> None:
    access_id = await store.access_log.async_record(AccessRecord(
        Decision.granted, gate, direction, person, CredentialType.card, ts=when))
    await store.access_log.async_confirm_passage(access_id, PassageOutcome.passed, when)


async def test_anti_passback_and_occupancy(store: PeopleStore) -> None:
    await add_adult(store, "w")
    await store.sites.async_put_zone(Zone("campus", "Campus", AntiPassback.logical))
    await store.sites.async_put_gate(Gate("gate_1", "Gate 1", "campus"))
    assert (await store.policy.async_check("w", "gate_1", CredentialType.card,
                                           Direction.entry, NOW)).allowed
    await _pass(store, "w", "gate_1", Direction.entry, NOW)
    assert await store.sites.async_inside("campus") == ["w"]
    check = await store.policy.async_check("w", "gate_1", CredentialType.card, Direction.entry,
                                           NOW + timedelta(minutes=1))
    assert check.reasons == ("anti_passback_logical",)
    await _pass(store, "w", "gate_1", Direction.exit, NOW + timedelta(minutes=2))
    assert await store.sites.async_inside("campus") == []

    await store.sites.async_put_zone(Zone("campus", "Campus", AntiPassback.timed, 300))
    await _pass(store, "w", "gate_1", Direction.entry, NOW + timedelta(minutes=3))
    check = await store.policy.async_check("w", "gate_1", CredentialType.card, Direction.entry,
                                           NOW + timedelta(minutes=4))
    assert check.reasons == ("anti_passback_timed",)
    assert (await store.policy.async_check("w", "gate_1", CredentialType.card, Direction.entry,
                                           NOW + timedelta(minutes=9))).allowed


async def test_granted_but_not_passed_does_not_move_anyone(store: PeopleStore) -> None:
    await add_adult(store, "w")
    await store.sites.async_put_zone(Zone("campus", "Campus", AntiPassback.logical))
    await store.sites.async_put_gate(Gate("gate_1", "Gate 1", "campus"))
    access_id = await store.access_log.async_record(AccessRecord(
        Decision.granted, "gate_1", Direction.entry, "w", CredentialType.card, ts=NOW))
    await store.access_log.async_confirm_passage(access_id, PassageOutcome.not_passed, NOW)
    assert await store.sites.async_inside("campus") == []
    entry = await store.access_log.async_get(access_id)
    assert entry is not None and entry.passage is PassageOutcome.not_passed


async def test_corrupted_person_row_is_an_error_and_denies(store: PeopleStore) -> None:
    await add_adult(store, "w")
    await store.db.execute("UPDATE persons SET kind = ? WHERE id = ?", ("wizard", "w"))
    with pytest.raises(CorruptRecordError, match="person 'w'"):
        await store.persons.async_get("w")
    check = await store.policy.async_check("w", "gate_1", CredentialType.card, when=NOW)
    assert not check.allowed and check.rule == "corrupt_record"
    await store.db.execute("UPDATE persons SET kind = 'staff', attributes = ? WHERE id = ?",
                           ("{not json", "w"))
    check = await store.policy.async_check("w", "gate_1", CredentialType.card, when=NOW)
    assert not check.allowed and check.rule == "corrupt_record"


async def test_access_log_queries(store: PeopleStore) -> None:
    day = datetime(2026, 3, 2, tzinfo=UTC)
    for hour in range(6):
        await store.access_log.async_record(AccessRecord(
            Decision.granted if hour % 2 else Decision.denied, f"gate_{hour % 2}",
            Direction.entry, "w" if hour < 4 else None, CredentialType.face,
            score=0.5 + hour / 100, temperature=36.5, mask="none", liveness=0.97,
            rule="person_valid", reasons=("ok",), ts=day + timedelta(hours=hour)))
    by_person = await store.access_log.async_query(person_id="w", since=day,
                                                   until=day + timedelta(days=1))
    assert [e.ts.hour for e in by_person] == [3, 2, 1, 0]
    assert by_person[0].record.temperature == 36.5 and by_person[0].record.liveness == 0.97
    by_gate = await store.access_log.async_query(gate_id="gate_1")
    assert len(by_gate) == 3
    window = await store.access_log.async_query(since=day + timedelta(hours=2),
                                                until=day + timedelta(hours=4))
    assert [e.ts.hour for e in window] == [3, 2]
