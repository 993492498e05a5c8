"""The personal-information impact assessment (PIPIA, PIPL arts. 55-56), from the live site.

Built from what the database holds now, so the report cannot drift from the
site: purposes, counts, retention, alternatives to the face, missing consents,
and the distance to the 100,000-person filing line (Measures art. 15).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from hub.people.const import GUARDIAN_CONSENT_BELOW_AGE
from hub.people.model import age_on
from hub.privacy.const import FILING_THRESHOLD, Purpose

if TYPE_CHECKING:
    from hub.people.store import PeopleStore

PURPOSES = {
    Purpose.gate_entry: "Verify identity at gates with the face (separate consent; "
                        "card, QR pass or PIN always offered instead).",
    Purpose.attendance: "Record arrival and departure times.",
    Purpose.guardian_notifications: "Tell guardians when a child passes a gate (text only).",
    Purpose.snapshot: "Keep a face snapshot of a passage, for a limited time.",
}


@dataclass(slots=True)
class PipiaReport:
    """The report's facts; `as_markdown()` renders them for the file that is kept 3 years."""

    site: str
    generated_at: datetime
    facts: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """Machine-readable form (`menjin pipia --json`)."""
        return {"site": self.site, "generated_at": self.generated_at.isoformat(),
                **self.facts, "warnings": self.warnings}

    def as_markdown(self) -> str:
        """The human-readable report."""
        f = self.facts
        lines = [
            f"# Personal information impact assessment: {self.site}",
            f"Generated {self.generated_at:%Y-%m-%d %H:%M} UTC from the live site. "
            "Keep this report for at least 3 years (PIPL art. 56).", "",
            "## Purposes of processing",
            *(f"- **{p}**: {text}" for p, text in PURPOSES.items()), "",
            "## Data held",
            *(f"- persons ({kind}): {n}" for kind, n in f["persons"].items()),
            *(f"- credentials ({kind}): {n}" for kind, n in f["credentials"].items()),
            f"- persons with a face template: {f['face_enrolled']}",
            f"- children under {GUARDIAN_CONSENT_BELOW_AGE}: {f['children']} "
            f"(with a face template: {f['children_with_face']})",
            f"- access-log rows: {f['access_log_rows']}; snapshots: {f['snapshots']}",
            f"- audit entries: {f['audit_entries']} (chain {f['audit_chain']})", "",
            "## Consents",
            *(f"- {p}: {n} active" for p, n in f["consents_active"].items()),
            f"- face templates without a valid gate-entry consent: "
            f"{len(f['faces_without_consent'])}", "",
            "## Alternatives to the face",
            f"- persons whose only credential is the face: {len(f['face_only'])} "
            "(each must be offered a card, QR pass or PIN)",
            "- a guard override is always available", "",
            "## Retention",
            *(f"- {name}: {days} days" for name, days in f["retention_days"].items()),
            "- enrolment photos: discarded after the embedding is extracted", "",
            "## Protection",
            "- face templates only (no raw images), AES-256-GCM with a site key kept outside "
            "the database; stored apart from identity data",
            f"- storage: {f['storage']}; key fingerprint {f['key_fingerprint']}",
            "- append-only, hash-chained audit of biometric reads and changes, consents, "
            "rules and thresholds", "",
            "## Filing (Measures art. 15)",
            f"- {f['face_enrolled']} of {FILING_THRESHOLD:,} persons "
            f"({f['filing_fraction']:.1%} of the filing line)", "",
            "## Warnings",
            *([f"- {w}" for w in self.warnings] or ["- none"]),
        ]
        return "\n".join(lines) + "\n"


def _under(birth: str | None, today: date, age: int) -> bool:
    try:
        return birth is not None and age_on(date.fromisoformat(birth), today) < age
    except ValueError:
        return False


async def async_build_pipia(store: PeopleStore, now: datetime | None = None) -> PipiaReport:
    """Collect the facts and warnings of the report."""
    now = now or datetime.now(UTC)
    db = store.db
    report = PipiaReport(store.config.site_name, now)
    face_enrolled = await store.biometrics.async_enrolled_people()
    face_people = {str(r["person_id"]) for r in await db.fetch_all(
        "SELECT DISTINCT person_id FROM credentials WHERE type = 'face'")}
    other_people = {str(r["person_id"]) for r in await db.fetch_all(
        "SELECT DISTINCT person_id FROM credentials WHERE type <> 'face'")}
    births = await db.fetch_all("SELECT id, birth_date FROM persons WHERE birth_date IS NOT NULL")
    children = {str(r["id"]) for r in births
                if _under(r["birth_date"], now.date(), GUARDIAN_CONSENT_BELOW_AGE)}
    consents = {str(r["purpose"]): int(r["n"]) for r in await db.fetch_all(
        "SELECT purpose, COUNT(*) AS n FROM consents WHERE withdrawn_at IS NULL "
        "GROUP BY purpose ORDER BY purpose")}
    verification = await store.audit.async_verify()
    retention = store.config.retention
    report.facts = {
        "persons": await store.persons.async_count(),
        "credentials": await store.credentials.async_count_by_type(),
        "face_enrolled": face_enrolled,
        "children": len(children),
        "children_with_face": len(children & face_people),
        "access_log_rows": int(await db.fetch_value("SELECT COUNT(*) FROM access_log") or 0),
        "snapshots": int(await db.fetch_value("SELECT COUNT(*) FROM snapshots") or 0),
        "audit_entries": verification.entries,
        "audit_chain": "intact" if verification.ok else f"BROKEN: {verification.problem}",
        "consents_active": consents,
        "faces_without_consent": await store.consents.async_missing(Purpose.gate_entry),
        "face_only": sorted(face_people - other_people),
        "retention_days": {
            "access_log": retention.access_log.days, "leavers": retention.leavers.days,
            "snapshots": retention.snapshots.days,
            "expired_passes": retention.expired_passes.days,
        },
        "storage": db.describe(),
        "key_fingerprint": store.key_fingerprint,
        "filing_fraction": face_enrolled / FILING_THRESHOLD,
    }
    if face_enrolled >= FILING_THRESHOLD:
        report.warnings.append(
            f"{face_enrolled:,} persons have face data: at or above {FILING_THRESHOLD:,}, the "
            "site must file with the provincial CAC within 30 working days.")
    elif face_enrolled >= store.config.filing_warning_at:
        report.warnings.append(
            f"{face_enrolled:,} persons have face data, approaching the {FILING_THRESHOLD:,}-"
            "person filing line: prepare the filing with the provincial CAC now.")
    if report.facts["faces_without_consent"]:
        report.warnings.append("Some face templates have no valid consent: delete them.")
    if report.facts["face_only"]:
        report.warnings.append(
            f"{len(report.facts['face_only'])} persons can only use their face: issue them a "
            "card, QR pass or PIN (face must never be the only way in).")
    if not verification.ok:
        report.warnings.append(f"The audit chain is broken: {verification.problem}")
    return report
