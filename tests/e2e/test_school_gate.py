"""The school gate blueprint with real faces, a real turnstile and the access log."""

from __future__ import annotations

from typing import Any

from hub.people.const import Decision
from tests.devices_helpers import wait_until
from tests.e2e.site import Site, async_enrol, child, data_dir, photos

SCHOOL = """
- id: school_gate
  alias: School gate
  use_blueprint:
    path: menjin/school_gate.yaml
    version: 1
    input:
      gate: school_gate
      require_liveness: false   # the test photos are news photos, not live captures
      guard_desk: [guard_desk]
"""


async def test_school_morning(make_site: Any) -> None:
    site: Site = await make_site(SCHOOL)
    lina = photos("Angelina_Jolie")
    await async_enrol(site, child("lina", "Lina"), lina[:4])

    # Lina walks up: recognised, let in, the turnstile counts her, her guardian is told.
    await site.show(lina[5])
    decision = await site.wait_for_event("access_decision")
    assert decision["granted"] is True, decision
    assert decision["person_id"] == "lina" and decision["credential"] == "face"
    passage = await site.wait_for_event("gate_passage")
    assert passage["person_id"] == "lina" and passage["direction"] == "in"
    assert site.turnstile.passages("in") == 1
    await wait_until(lambda: site.notifications, "the guardian notification")
    note = site.notifications[0].data
    assert note["guardians_of"] == "lina"
    assert note["message_key"] == "student_entered"
    assert note["data"]["gate_name"] == "Gate 3"

    [entry] = await site.store.access_log.async_query(person_id="lina")
    assert entry.record.decision is Decision.granted
    assert entry.record.rule == "school_gate"
    assert entry.record.score is not None and entry.record.score > 0.45
    await wait_until(lambda: entry.id, "entry")
    entries = await site.store.access_log.async_query(person_id="lina")
    assert entries[0].passage is not None and entries[0].passage.value == "passed"

    # A stranger: denied with the reason, the guard desk alerted, the gate stays shut.
    stranger = sorted((data_dir() / "faces" / "lfw_strangers").iterdir())[0]
    site.notifications.clear()
    await site.show(next(stranger.iterdir()))
    denied = await site.wait_for_event("access_decision", lambda d: not d["granted"])
    assert denied["person_id"] is None and denied["reasons"] == ["unknown_face"]
    await wait_until(lambda: site.notifications, "the guard desk alert")
    assert site.notifications[0].data["targets"] == ["guard_desk"]
    assert site.turnstile.passages("in") == 1


async def test_fever_is_refused_at_the_school_gate_with_the_reading(make_site: Any) -> None:
    automation = SCHOOL.replace(
        "guard_desk: [guard_desk]",
        "guard_desk: [guard_desk]\n      thermometer: sensor.gate_1_thermometer_temperature")
    site: Site = await make_site(automation, temperature=38.4)
    lina = photos("Angelina_Jolie")
    await async_enrol(site, child("lina", "Lina"), lina[:4])
    await site.show(lina[5])
    decision = await site.wait_for_event("access_decision")
    assert not decision["granted"]
    assert decision["reasons"] == ["temperature 38.4 °C is above 37.3 °C"]
    assert decision["temperature"] == 38.4
    assert site.turnstile.passages("in") == 0
