"""JSON shapes of people, credentials, consents and log entries, as the API sends them.

One place decides what leaves the hub: no credential secret, card number,
PIN hash or face template is ever part of these shapes.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from hub.credentials.model import Credential
from hub.people.access_log import AccessEntry
from hub.people.model import Guardian, Person
from hub.people.schedule import Schedule
from hub.people.sites import Gate, Presence, Zone
from hub.privacy.consent import Consent

# Credential data keys that may be shown (a face's model id and template count).
_PUBLIC_CREDENTIAL_DATA = frozenset({"model_id", "templates", "label"})


def iso(value: datetime | date | None) -> str | None:
    """ISO 8601 text, or None."""
    return None if value is None else value.isoformat()


def person_json(person: Person) -> dict[str, Any]:
    """A person without anything biometric."""
    review = person.qualification
    return {
        "id": person.id, "name": person.name, "kind": person.kind.value,
        "status": person.status.value, "groups": sorted(person.groups),
        "birth_date": iso(person.birth_date), "valid_from": iso(person.valid_from),
        "valid_until": iso(person.valid_until), "attributes": dict(person.attributes),
        "qualification": None if review is None else {
            "status": review.status.value, "reviewer": review.reviewer,
            "reviewed_at": iso(review.reviewed_at), "valid_until": iso(review.valid_until),
            "note": review.note,
        },
        "left_at": iso(person.left_at), "created_at": iso(person.created_at),
        "updated_at": iso(person.updated_at),
    }


def guardian_json(guardian: Guardian) -> dict[str, Any]:
    """A guardian link."""
    return {"id": guardian.id, "person_id": guardian.person_id, "name": guardian.name,
            "relation": guardian.relation, "targets": list(guardian.targets),
            "guardian_person_id": guardian.guardian_person_id}


def credential_json(credential: Credential) -> dict[str, Any]:
    """A credential's metadata; never its secret, number or template."""
    return {
        "id": credential.id, "person_id": credential.person_id, "type": credential.type.value,
        "status": credential.status, "valid_from": iso(credential.valid_from),
        "valid_until": iso(credential.valid_until), "uses_left": credential.uses_left,
        "consent_id": credential.consent_id, "created_at": iso(credential.created_at),
        "data": {k: v for k, v in credential.data.items() if k in _PUBLIC_CREDENTIAL_DATA},
    }


def consent_json(consent: Consent) -> dict[str, Any]:
    """One consent record."""
    return {
        "id": consent.id, "person_id": consent.person_id, "purpose": consent.purpose.value,
        "granted_by": consent.granted_by, "granted_by_role": consent.granted_by_role.value,
        "guardian_id": consent.guardian_id, "channel": consent.channel,
        "text_version": consent.text_version, "granted_at": iso(consent.granted_at),
        "withdrawn_at": iso(consent.withdrawn_at), "withdrawn_by": consent.withdrawn_by,
        "withdrawn_channel": consent.withdrawn_channel, "active": consent.active,
    }


def access_json(entry: AccessEntry) -> dict[str, Any]:
    """One access-log decision with its passage outcome."""
    record = entry.record
    return {
        "id": entry.id, "time": iso(entry.ts), "decision": record.decision.value,
        "granted": record.decision.value == "granted", "gate": record.gate_id,
        "direction": record.direction.value, "person_id": record.person_id,
        "credential": record.credential_type.value if record.credential_type else None,
        "score": record.score, "temperature": record.temperature, "mask": record.mask,
        "liveness": record.liveness, "rule": record.rule, "reasons": list(record.reasons),
        "passage": entry.passage.value if entry.passage else None,
        "passage_time": iso(entry.passage_ts),
    }


ACCESS_CSV_COLUMNS = ("id", "time", "decision", "gate", "direction", "person_id", "credential",
                      "score", "temperature", "mask", "liveness", "rule", "reasons", "passage",
                      "passage_time")


def access_csv_row(item: dict[str, Any]) -> list[str]:
    """One CSV row of an access-log item (reasons joined with '; ')."""
    row = []
    for column in ACCESS_CSV_COLUMNS:
        value = item.get(column)
        if column == "reasons":
            value = "; ".join(value or [])
        text = "" if value is None else str(value)
        # A cell starting with = + - @ is a formula in spreadsheets: neutralise it.
        if text[:1] in ("=", "+", "-", "@") and column in ("reasons", "rule", "person_id"):
            text = "'" + text
        row.append(text)
    return row


def schedule_json(schedule: Schedule, assignments: list[tuple[str, str, str]],
                  holidays: dict[str, list[date]] | None = None) -> dict[str, Any]:
    """A schedule with its windows, the closed days of its calendars, and who has it where."""
    return {"id": schedule.id, "name": schedule.name,
            "windows": [str(window) for window in schedule.windows],
            "calendars": list(schedule.calendars),
            "holidays": {calendar: [day.isoformat() for day in days]
                         for calendar, days in (holidays or {}).items()},
            "assignments": [{"subject_type": s, "subject": subject, "target": t}
                            for s, subject, t in assignments]}


def zone_json(zone: Zone, inside: int | None = None) -> dict[str, Any]:
    """A zone and, when known, how many people are inside."""
    data: dict[str, Any] = {"id": zone.id, "name": zone.name,
                            "anti_passback": zone.anti_passback.value,
                            "passback_seconds": zone.passback_seconds}
    if inside is not None:
        data["inside"] = inside
    return data


def gate_json(gate: Gate) -> dict[str, Any]:
    """A gate as stored."""
    return {"id": gate.id, "name": gate.name, "zone": gate.zone_id, "direction": gate.direction}


def presence_json(presence: Presence) -> dict[str, Any]:
    """Where a person last passed."""
    return {"person_id": presence.person_id, "zone": presence.zone_id,
            "inside": presence.inside, "gate": presence.gate_id, "since": iso(presence.since)}
