"""Health, contractor and residential blueprints, and the card path at the school gate."""

from __future__ import annotations

import base64
from datetime import UTC, date, datetime, timedelta
from typing import Any

from hub.callback import callback
from hub.people.const import PersonKind, ReviewStatus
from hub.people.model import Person, Qualification
from tests.devices_helpers import wait_until
from tests.e2e.site import Site, async_enrol, child, photos
from tests.e2e.test_school_gate import SCHOOL

HEALTH = """
- id: health_gate
  use_blueprint:
    path: menjin/health_gate.yaml
    version: 1
    input:
      gate: health_gate
      thermometer: sensor.gate_1_thermometer_temperature
      require_mask: false
      require_liveness: false
"""

CONTRACTOR = """
- id: contractor_gate
  use_blueprint:
    path: menjin/contractor_gate.yaml
    version: 1
    input:
      gate: site_gate
      site_office: [site_office]
"""

RESIDENTIAL = """
- id: residential_gate
  use_blueprint:
    path: menjin/residential_gate.yaml
    version: 1
    input:
      gate: home_gate
      require_liveness: false
"""


async def test_card_for_a_student_who_declined_face(make_site: Any) -> None:
    site: Site = await make_site(SCHOOL)
    await site.store.persons.async_add(child("bo", "Bo"))
    await site.store.persons.async_add_guardian("bo", "Bo's father", "father")
    await site.store.credentials.async_add_card("bo", "04A1B2C3")
    site.hub.bus.async_fire("credential_presented",
                            {"gate": "school_gate", "type": "card", "value": "04A1B2C3"})
    decision = await site.wait_for_event("access_decision")
    assert decision["granted"] and decision["credential"] == "card"
    assert decision["person_id"] == "bo"
    await site.wait_for_event("gate_passage")
    await wait_until(lambda: site.notifications, "guardian notification")
    assert site.notifications[0].data["guardians_of"] == "bo"
    # A card nobody was given is refused, with the reason.
    site.hub.bus.async_fire("credential_presented",
                            {"gate": "school_gate", "type": "card", "value": "DEADBEEF"})
    denied = await site.wait_for_event("access_decision")
    assert not denied["granted"] and denied["reasons"] == ["card not issued"]


async def test_health_gate_fever_and_id_card(make_site: Any) -> None:
    site: Site = await make_site(HEALTH, temperature=38.2, face_gate="health_gate")
    face = photos("Angelina_Jolie")
    await site.show(face[1])
    await site.wait_for_face("health_gate")
    card_photo = base64.b64encode(face[0].read_bytes()).decode()
    site.hub.bus.async_fire("id_card_read", {"gate": "health_gate", "name": "Zhang San",
                                             "photo": card_photo})
    fever = await site.wait_for_event("access_decision")
    assert not fever["granted"]
    assert fever["temperature"] == 38.2
    assert any("38.2" in reason for reason in fever["reasons"]), fever["reasons"]
    assert site.relay_pulses.get(2) is None

    site.thermal.set_temperature(36.6)
    await wait_until(lambda: site.hub.states.get("sensor.gate_1_thermometer_temperature")
                     .state == "36.6", "the new temperature")  # type: ignore[union-attr]
    site.hub.bus.async_fire("id_card_read", {"gate": "health_gate", "name": "Zhang San",
                                             "photo": card_photo})
    ok = await site.wait_for_event("access_decision")
    assert ok["granted"], ok["reasons"]
    await wait_until(lambda: site.relay_pulses.get(2), "the clinic door relay")

    # Someone else's card: the photo does not match the face at the gate.
    other = base64.b64encode(photos("Andre_Agassi")[0].read_bytes()).decode()
    site.hub.bus.async_fire("id_card_read", {"gate": "health_gate", "name": "Li Si",
                                             "photo": other})
    mismatch = await site.wait_for_event("access_decision")
    assert not mismatch["granted"]
    assert "id_card_photo_mismatch" in mismatch["reasons"]


async def test_contractor_permit_and_qualification(make_site: Any) -> None:
    site: Site = await make_site(CONTRACTOR, face_gate="site_gate")
    now = datetime.now(UTC)
    store = site.store
    approved = Qualification(ReviewStatus.approved, "safety office", now - timedelta(days=3),
                             now + timedelta(days=90))
    await store.persons.async_add(Person(
        "wu", "Wu Gang", PersonKind.contractor, birth_date=date(1980, 1, 1),
        valid_until=now - timedelta(days=1), qualification=approved,
        attributes={"firm": "Acme Scaffolding"}))
    await store.persons.async_add(Person(
        "chen", "Chen Hao", PersonKind.contractor, birth_date=date(1982, 1, 1),
        valid_until=now + timedelta(days=3), qualification=approved))
    await store.credentials.async_add_card("wu", "C0000001")
    await store.credentials.async_add_card("chen", "C0000002")

    site.hub.bus.async_fire("credential_presented",
                            {"gate": "site_gate", "type": "card", "value": "C0000001"})
    expired = await site.wait_for_event("access_decision")
    assert not expired["granted"] and expired["reasons"] == ["permit_expired"]
    site.hub.bus.async_fire("credential_presented",
                            {"gate": "site_gate", "type": "card", "value": "C0000002"})
    valid = await site.wait_for_event("access_decision")
    assert valid["granted"], valid
    await wait_until(lambda: site.relay_pulses.get(3), "the works entrance relay")

    # The morning report: Chen's permit ends in 3 days, the site office hears of it.
    await site.hub.services.async_call("access", "check_permits", {"within_days": 7})
    await wait_until(lambda: site.notifications, "the permit report")
    [note] = site.notifications
    assert note.data["targets"] == ["site_office"]
    assert note.data["data"]["person_name"] == "Chen Hao"


async def test_residential_resident_and_visitor_pass(make_site: Any) -> None:
    site: Site = await make_site(RESIDENTIAL, face_gate="home_gate")
    store = site.store
    resident = photos("Andre_Agassi")
    await async_enrol(site, Person("li", "Li Na", PersonKind.resident,
                                   birth_date=date(1979, 5, 5)), resident[:4], guardian=False)
    await site.show(resident[5])
    opened = await site.wait_for_event("access_decision")
    assert opened["granted"] and opened["person_id"] == "li", opened
    await wait_until(lambda: site.relay_pulses.get(1), "the building door relay")

    now = datetime.now(UTC)
    await store.persons.async_add(Person("v1", "Visitor Zhao", PersonKind.visitor,
                                         valid_from=now - timedelta(minutes=5),
                                         valid_until=now + timedelta(hours=2)))
    _credential, token = await store.credentials.async_issue_qr(
        "v1", now - timedelta(minutes=5), now + timedelta(hours=2), uses=1)
    site.hub.bus.async_fire("credential_presented",
                            {"gate": "home_gate", "type": "qr", "value": token})
    visitor = await site.wait_for_event("access_decision")
    assert visitor["granted"] and visitor["credential"] == "qr", visitor["reasons"]
    site.hub.bus.async_fire("credential_presented",
                            {"gate": "home_gate", "type": "qr", "value": token})
    reused = await site.wait_for_event("access_decision")
    assert not reused["granted"]
    assert "no uses left" in reused["reasons"][0]


async def test_unavailable_turnstile_turns_a_grant_into_a_logged_denial(make_site: Any) -> None:
    site: Site = await make_site(SCHOOL)
    await site.store.persons.async_add(child("bo", "Bo"))
    await site.store.credentials.async_add_card("bo", "04A1B2C3")
    await site.turnstile.stop()  # the gate's controller is gone
    await wait_until(lambda: site.hub.states.get("turnstile.gate_1_turnstile")
                     .state == "unavailable", "the turnstile to go unavailable")  # type: ignore[union-attr]
    site.hub.bus.async_fire("credential_presented",
                            {"gate": "school_gate", "type": "card", "value": "04A1B2C3"})
    decision = await site.wait_for_event("access_decision")
    assert not decision["granted"]
    assert decision["reasons"] == ["turnstile.gate_1_turnstile is unavailable"]
    [entry] = await site.store.access_log.async_query(person_id="bo")
    assert entry.record.decision.value == "denied"


async def test_fire_alarm_releases_every_gate_and_is_never_fought(make_site: Any) -> None:
    site: Site = await make_site(SCHOOL)
    await site.store.persons.async_add(child("bo", "Bo"))
    await site.store.credentials.async_add_card("bo", "04A1B2C3")
    releases: list[str] = []
    site.hub.bus.async_listen("call_service", callback(
        lambda event: releases.append(event.data["service_data"].get("mode"))
        if event.data["service"] == "set_mode" else None))
    site.hub.states.async_set("binary_sensor.fire_alarm", "on")
    await wait_until(lambda: site.turnstile.mode == "free", "the turnstile released")
    await wait_until(lambda: site.relays.state()["channels"][:3] == [True, True, True],
                     "the door relays held open")
    # A rule (or a person) that tries to lock the gate during the fire is undone.
    await site.hub.services.async_call("turnstile", "lock",
                                       {"entity_id": "turnstile.gate_1_turnstile"})
    await wait_until(lambda: releases.count("free") >= 2, "the turnstile released again")
    await wait_until(lambda: site.turnstile.mode == "free", "the emulator back in free mode")
    # Decisions are still recorded, with the fire as their context; the gate is not commanded.
    opens_before = dict(site.turnstile.open_commands)
    site.hub.bus.async_fire("credential_presented",
                            {"gate": "school_gate", "type": "card", "value": "04A1B2C3"})
    decision = await site.wait_for_event("access_decision")
    assert decision["granted"] and "fire_release_active" in decision["reasons"]
    assert site.turnstile.open_commands == opens_before
    site.hub.states.async_set("binary_sensor.fire_alarm", "off")
    await wait_until(lambda: site.turnstile.mode == "normal", "the turnstile back to normal")
    await wait_until(lambda: site.relays.state()["channels"][:3] == [False, False, False],
                     "the door relays closed")
