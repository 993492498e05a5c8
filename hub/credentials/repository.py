"""Issue, find, verify and revoke cards, QR passes and PINs."""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from hub.credentials.card import card_lookup_key
from hub.credentials.model import Credential
from hub.credentials.pin import check_pin, hash_pin, verify_pin
from hub.credentials.qr import sign_pass, verify_pass
from hub.people.const import CredentialType
from hub.people.errors import DuplicateCredentialError, InvalidCredentialError
from hub.people.persons import PersonRepository
from hub.privacy.audit import AuditLog
from hub.privacy.const import AUDIT_CREDENTIAL_ISSUE, AUDIT_CREDENTIAL_REVOKE
from hub.storage import CorruptRecordError, Database, IntegrityViolation, Row
from hub.storage.values import from_epoch, from_json, to_epoch, to_json

_COLUMNS = ("id, person_id, type, status, valid_from, valid_until, uses_left, consent_id, data, "
            "created_at")


def new_credential_id(kind: CredentialType) -> str:
    """A random credential id that says its type."""
    return f"{kind.value}_{secrets.token_hex(6)}"


def credential_from_row(row: Row) -> Credential:
    """A credential record from its row; a broken row is CorruptRecordError."""
    try:
        kind = CredentialType(row["type"])
    except ValueError as err:
        raise CorruptRecordError(f"Credential {row['id']!r} has an unknown type") from err
    data = from_json(row["data"], f"credential {row['id']!r}")
    return Credential(
        id=str(row["id"]), person_id=str(row["person_id"]), type=kind,
        status=str(row["status"]), valid_from=from_epoch(row["valid_from"]),
        valid_until=from_epoch(row["valid_until"]),
        uses_left=None if row["uses_left"] is None else int(row["uses_left"]),
        consent_id=row["consent_id"], data=data if isinstance(data, dict) else {},
        created_at=from_epoch(row["created_at"]),
    )


class CredentialRepository:
    """Cards, QR passes and PINs of persons."""

    def __init__(self, db: Database, persons: PersonRepository, audit: AuditLog,
                 card_key: bytes, qr_key: bytes) -> None:
        self._db = db
        self._persons = persons
        self._audit = audit
        self._card_key = card_key
        self._qr_key = qr_key

    async def _insert(self, credential: Credential, lookup: str | None, secret: str | None,
                      actor: str) -> Credential:
        now = time.time()
        async with self._db.transaction() as tx:
            await tx.execute(
                f"INSERT INTO credentials ({_COLUMNS}, lookup, secret) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (credential.id, credential.person_id, str(credential.type), credential.status,
                 to_epoch(credential.valid_from), to_epoch(credential.valid_until),
                 credential.uses_left, credential.consent_id, to_json(dict(credential.data)),
                 now, lookup, secret),
            )
            await self._audit.async_append(
                actor, AUDIT_CREDENTIAL_ISSUE, "person", credential.person_id,
                {"credential": credential.id, "type": str(credential.type)}, tx=tx)
        return credential

    async def async_add_card(
        self, person_id: str, number: str, actor: str = "system",
        valid_until: datetime | None = None,
    ) -> Credential:
        """Issue a card; a number already issued to anyone is refused."""
        await self._persons.async_require(person_id)
        lookup = card_lookup_key(self._card_key, number)
        holder = await self._db.fetch_value(
            "SELECT person_id FROM credentials WHERE type = 'card' AND lookup = ?", (lookup,))
        if holder is not None:
            raise DuplicateCredentialError(
                f"This card is already issued to person '{holder}': revoke it there first")
        credential = Credential(new_credential_id(CredentialType.card), person_id,
                                CredentialType.card, valid_until=valid_until)
        try:
            return await self._insert(credential, lookup, None, actor)
        except IntegrityViolation as err:  # issued concurrently
            raise DuplicateCredentialError("This card is already issued to someone") from err

    async def async_find_card(self, number: str) -> Credential | None:
        """The card credential for a number read at a gate, or None."""
        try:
            lookup = card_lookup_key(self._card_key, number)
        except ValueError:
            return None
        row = await self._db.fetch_one(
            f"SELECT {_COLUMNS} FROM credentials WHERE type = 'card' AND lookup = ?", (lookup,))
        return None if row is None else credential_from_row(row)

    async def async_set_pin(self, person_id: str, pin: str, actor: str = "system") -> Credential:
        """Set (or replace) a person's PIN."""
        await self._persons.async_require(person_id)
        check_pin(pin)
        hashed = await asyncio.to_thread(hash_pin, pin)
        await self._db.execute(
            "DELETE FROM credentials WHERE person_id = ? AND type = 'pin'", (person_id,))
        credential = Credential(new_credential_id(CredentialType.pin), person_id,
                                CredentialType.pin)
        return await self._insert(credential, None, hashed, actor)

    async def async_verify_pin(self, person_id: str, pin: str) -> Credential | None:
        """The PIN credential when `pin` is the person's PIN, else None."""
        row = await self._db.fetch_one(
            f"SELECT {_COLUMNS}, secret FROM credentials WHERE person_id = ? AND type = 'pin'",
            (person_id,))
        if row is None or not row["secret"]:
            return None
        ok = await asyncio.to_thread(verify_pin, pin, str(row["secret"]))
        return credential_from_row(row) if ok else None

    async def async_issue_qr(
        self, person_id: str, valid_from: datetime, valid_until: datetime, uses: int | None = 1,
        actor: str = "system", gates: Sequence[str] | None = None,
        data: Mapping[str, Any] | None = None,
    ) -> tuple[Credential, str]:
        """Issue a QR pass; return it with the token to render as a QR code.

        `gates` limits the pass to those gates (checked before a use is spent).
        """
        await self._persons.async_require(person_id)
        if valid_until <= valid_from:
            raise ValueError("a QR pass must end after it starts")
        extra = dict(data or {})
        if gates:
            extra["gates"] = sorted(set(gates))
        credential = Credential(new_credential_id(CredentialType.qr), person_id,
                                CredentialType.qr, valid_from=valid_from,
                                valid_until=valid_until, uses_left=uses, data=extra)
        await self._insert(credential, None, None, actor)
        return credential, sign_pass(self._qr_key, credential.id, valid_from, valid_until)

    async def async_redeem_qr(self, token: str, when: datetime | None = None,
                              gate: str | None = None) -> Credential:
        """Check a scanned pass and use it once; InvalidCredentialError says why not.

        A pass limited to some gates is refused at any other gate (or when the
        reader names no gate) without spending a use.
        """
        when = when or datetime.now(UTC)
        claims = verify_pass(self._qr_key, token, when)
        async with self._db.transaction() as tx:
            row = await tx.fetch_one(
                f"SELECT {_COLUMNS} FROM credentials WHERE id = ? AND type = 'qr'",
                (claims.credential_id,))
            if row is None:
                raise InvalidCredentialError("QR pass was revoked")
            allowed = credential_from_row(row).data.get("gates")
            if allowed and gate not in allowed:
                raise InvalidCredentialError(
                    f"QR pass is not valid at gate {gate or '(unknown)'}")
            if row["uses_left"] is not None:
                used = await tx.execute(
                    "UPDATE credentials SET uses_left = uses_left - 1 "
                    "WHERE id = ? AND uses_left > 0", (claims.credential_id,))
                if used != 1:
                    raise InvalidCredentialError("QR pass has no uses left")
                row = {**row, "uses_left": int(row["uses_left"]) - 1}
        return credential_from_row(row)

    async def async_list(self, person_id: str) -> list[Credential]:
        """Every credential of a person (faces included, without their templates)."""
        rows = await self._db.fetch_all(
            f"SELECT {_COLUMNS} FROM credentials WHERE person_id = ? ORDER BY created_at, id",
            (person_id,))
        return [credential_from_row(row) for row in rows]

    async def async_get(self, credential_id: str) -> Credential | None:
        """One credential by id."""
        row = await self._db.fetch_one(
            f"SELECT {_COLUMNS} FROM credentials WHERE id = ?", (credential_id,))
        return None if row is None else credential_from_row(row)

    async def async_revoke(self, credential_id: str, actor: str = "system") -> bool:
        """Delete a credential (and its template, for a face); True when one was found."""
        async with self._db.transaction() as tx:
            row = await tx.fetch_one(
                "SELECT person_id, type FROM credentials WHERE id = ?", (credential_id,))
            if row is None:
                return False
            await tx.execute(
                "DELETE FROM biometric_templates WHERE credential_id = ?", (credential_id,))
            await tx.execute("DELETE FROM credentials WHERE id = ?", (credential_id,))
            await self._audit.async_append(
                actor, AUDIT_CREDENTIAL_REVOKE, "person", str(row["person_id"]),
                {"credential": credential_id, "type": str(row["type"])}, tx=tx)
        return True

    async def async_count_by_type(self) -> dict[str, int]:
        """Credentials per type, for reports."""
        rows = await self._db.fetch_all(
            "SELECT type, COUNT(*) AS n FROM credentials GROUP BY type ORDER BY type")
        return {str(row["type"]): int(row["n"]) for row in rows}
