"""The consent ledger: who agreed to what, when, how, and to which text.

Rules enforced here, not in the UI: a person under 14 is consented for by a
linked guardian; an adult's consent cannot come from a guardian; withdrawing
the gate-entry consent deletes the person's face credentials in the same
transaction, and withdrawing the snapshot consent deletes their snapshots.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from hub.people.const import ADULT_AGE, GUARDIAN_CONSENT_BELOW_AGE, PersonKind
from hub.people.model import Person
from hub.people.persons import PersonRepository
from hub.privacy.audit import AuditLog
from hub.privacy.const import (
    AUDIT_BIOMETRIC_DELETE,
    AUDIT_CONSENT_GRANT,
    AUDIT_CONSENT_WITHDRAW,
    ConsentRole,
    Purpose,
)
from hub.privacy.errors import ConsentRuleError
from hub.storage import CorruptRecordError, Database, Executor, Row
from hub.storage.values import from_epoch, to_epoch


@dataclass(frozen=True, slots=True)
class Consent:
    """One consent record of the ledger."""

    id: str
    person_id: str
    purpose: Purpose
    granted_by: str
    granted_by_role: ConsentRole
    guardian_id: str | None
    channel: str
    text_version: str
    granted_at: datetime
    withdrawn_at: datetime | None = None
    withdrawn_by: str | None = None
    withdrawn_channel: str | None = None

    @property
    def active(self) -> bool:
        """Given and not withdrawn."""
        return self.withdrawn_at is None


@dataclass(frozen=True, slots=True)
class Withdrawal:
    """What a withdrawal changed."""

    consents: int
    faces_deleted: int
    snapshots_deleted: int


def _consent(row: Row) -> Consent:
    try:
        return Consent(
            id=str(row["id"]), person_id=str(row["person_id"]), purpose=Purpose(row["purpose"]),
            granted_by=str(row["granted_by"]),
            granted_by_role=ConsentRole(row["granted_by_role"]),
            guardian_id=row["guardian_id"], channel=str(row["channel"]),
            text_version=str(row["text_version"]),
            granted_at=from_epoch(row["granted_at"]) or datetime.fromtimestamp(0, UTC),
            withdrawn_at=from_epoch(row["withdrawn_at"]), withdrawn_by=row["withdrawn_by"],
            withdrawn_channel=row["withdrawn_channel"],
        )
    except ValueError as err:
        raise CorruptRecordError(f"Consent record {row['id']!r} is corrupted: {err}") from err


def needs_guardian(person: Person, today: datetime) -> bool | None:
    """True: only a guardian may consent; False: only the person; None: either.

    A student without a birth date is treated as a child (the safe side);
    anyone else without one as an adult.
    """
    age = person.age_on(today.date())
    if age is None:
        return person.kind is PersonKind.student
    if age < GUARDIAN_CONSENT_BELOW_AGE:
        return True
    if age >= ADULT_AGE:
        return False
    return None


async def async_delete_faces(tx: Executor, person_id: str) -> int:
    """Delete a person's face credentials and their templates; return how many."""
    await tx.execute(
        "DELETE FROM biometric_templates WHERE credential_id IN "
        "(SELECT id FROM credentials WHERE person_id = ? AND type = 'face')", (person_id,))
    return await tx.execute(
        "DELETE FROM credentials WHERE person_id = ? AND type = 'face'", (person_id,))


class ConsentLedger:
    """Grant, withdraw and look up consents; every change is audited."""

    def __init__(self, db: Database, persons: PersonRepository, audit: AuditLog) -> None:
        self._db = db
        self._persons = persons
        self._audit = audit

    async def async_grant(
        self,
        person_id: str,
        purpose: Purpose,
        granted_by: str,
        channel: str,
        text_version: str,
        guardian_id: str | None = None,
        actor: str = "system",
        when: datetime | None = None,
    ) -> Consent:
        """Record a consent after checking who may give it."""
        when = when or datetime.now(UTC)
        person = await self._persons.async_require(person_id)
        await self._check_giver(person, guardian_id, when)
        role = ConsentRole.guardian if guardian_id else ConsentRole.self
        consent = Consent(
            id="c_" + secrets.token_hex(6), person_id=person_id, purpose=Purpose(purpose),
            granted_by=granted_by, granted_by_role=role, guardian_id=guardian_id,
            channel=channel, text_version=text_version, granted_at=when,
        )
        async with self._db.transaction() as tx:
            await tx.execute(
                "INSERT INTO consents (id, person_id, purpose, granted_by, granted_by_role, "
                "guardian_id, channel, text_version, granted_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (consent.id, person_id, str(consent.purpose), granted_by, str(role),
                 guardian_id, channel, text_version, to_epoch(when)),
            )
            await self._audit.async_append(
                actor, AUDIT_CONSENT_GRANT, "person", person_id,
                {"consent": consent.id, "purpose": str(consent.purpose), "role": str(role),
                 "guardian": guardian_id, "channel": channel, "text_version": text_version},
                tx=tx,
            )
        return consent

    async def _check_giver(self, person: Person, guardian_id: str | None, when: datetime) -> None:
        rule = needs_guardian(person, when)
        if guardian_id is None and rule is True:
            raise ConsentRuleError(
                f"{person.id} is under {GUARDIAN_CONSENT_BELOW_AGE} (or a student without a "
                "birth date): the consent must come from a linked guardian (pass the "
                "guardian's id; add one with `menjin people guardian`)."
            )
        if guardian_id is not None:
            if rule is False:
                raise ConsentRuleError(
                    f"{person.id} is an adult: a guardian's consent is not valid for them; "
                    "the person must consent themselves."
                )
            guardian = await self._persons.async_get_guardian(guardian_id)
            if guardian is None or guardian.person_id != person.id:
                raise ConsentRuleError(
                    f"Guardian '{guardian_id}' is not linked to {person.id}: link the guardian "
                    "first, then record their consent."
                )

    async def async_active(
        self, person_id: str, purpose: Purpose, tx: Executor | None = None
    ) -> Consent | None:
        """The newest valid consent of a person for a purpose, or None."""
        row = await (tx or self._db).fetch_one(
            "SELECT * FROM consents WHERE person_id = ? AND purpose = ? AND withdrawn_at IS NULL "
            "ORDER BY granted_at DESC LIMIT 1", (person_id, str(purpose)))
        return None if row is None else _consent(row)

    async def async_history(self, person_id: str) -> list[Consent]:
        """Every consent record of a person, given or withdrawn, oldest first."""
        rows = await self._db.fetch_all(
            "SELECT * FROM consents WHERE person_id = ? ORDER BY granted_at, id", (person_id,))
        return [_consent(row) for row in rows]

    async def async_missing(self, purpose: Purpose) -> list[str]:
        """Persons holding a face credential without a valid consent for `purpose`."""
        rows = await self._db.fetch_all(
            "SELECT DISTINCT person_id FROM credentials WHERE type = 'face' AND person_id NOT IN "
            "(SELECT person_id FROM consents WHERE purpose = ? AND withdrawn_at IS NULL) "
            "ORDER BY person_id", (str(purpose),))
        return [str(row["person_id"]) for row in rows]

    async def async_withdraw(
        self,
        person_id: str,
        purpose: Purpose,
        withdrawn_by: str,
        channel: str,
        actor: str = "system",
        when: datetime | None = None,
    ) -> Withdrawal:
        """Withdraw every active consent for `purpose` and delete what depended on it, now."""
        when = when or datetime.now(UTC)
        await self._persons.async_require(person_id)
        purpose = Purpose(purpose)
        details: dict[str, Any] = {"purpose": str(purpose), "channel": channel}
        async with self._db.transaction() as tx:
            count = await tx.execute(
                "UPDATE consents SET withdrawn_at = ?, withdrawn_by = ?, withdrawn_channel = ? "
                "WHERE person_id = ? AND purpose = ? AND withdrawn_at IS NULL",
                (to_epoch(when), withdrawn_by, channel, person_id, str(purpose)),
            )
            faces = snapshots = 0
            if purpose is Purpose.gate_entry:
                faces = await async_delete_faces(tx, person_id)
            elif purpose is Purpose.snapshot:
                snapshots = await tx.execute(
                    "DELETE FROM snapshots WHERE person_id = ?", (person_id,))
            details.update(consents=count, faces_deleted=faces, snapshots_deleted=snapshots)
            await self._audit.async_append(
                actor, AUDIT_CONSENT_WITHDRAW, "person", person_id, details, tx=tx)
            if faces:
                await self._audit.async_append(
                    actor, AUDIT_BIOMETRIC_DELETE, "person", person_id,
                    {"reason": "consent withdrawn", "credentials": faces}, tx=tx)
        return Withdrawal(count, faces, snapshots)
