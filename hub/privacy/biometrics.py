"""Face templates: encrypted at rest, kept apart from identity, only with consent.

A face credential is created only while the person's gate-entry consent is
valid, checked inside the same transaction that writes it, so a withdrawal
racing an enrolment cannot leave a face behind. Each template is AES-GCM
ciphertext bound to its row; the identity tables never hold it and the
template table never holds a name. Loading the gallery is audited, and a
template that does not decrypt is an error, never a silently smaller gallery.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from hub.credentials.model import Credential
from hub.credentials.repository import new_credential_id
from hub.people.const import CredentialType, PersonStatus
from hub.people.persons import PersonRepository
from hub.privacy.audit import AuditLog
from hub.privacy.cipher import RecordCipher
from hub.privacy.consent import ConsentLedger
from hub.privacy.const import AUDIT_BIOMETRIC_CREATE, AUDIT_BIOMETRIC_READ, Purpose
from hub.privacy.errors import ConsentRequiredError
from hub.storage import CorruptRecordError, Database, Row
from hub.storage.values import to_json

_LOGGER = logging.getLogger(__name__)

FloatVector = npt.NDArray[np.float32]
MAX_DIM = 4096


@dataclass(frozen=True, slots=True)
class FaceTemplate:
    """One decrypted embedding and whose it is; its repr never shows the vector."""

    template_id: str
    credential_id: str
    person_id: str
    model_id: str
    quality: float | None
    vector: FloatVector = field(repr=False)


def _as_vector(embedding: object) -> FloatVector:
    vector = np.asarray(embedding, dtype=np.float32)
    if vector.ndim != 1 or not 0 < vector.shape[0] <= MAX_DIM:
        raise ValueError(f"an embedding must be a 1-D vector of at most {MAX_DIM} numbers")
    if not np.all(np.isfinite(vector)):
        raise ValueError("an embedding must hold finite numbers only")
    return vector


def encode_vector(vector: FloatVector) -> bytes:
    """Little-endian float32 bytes: the plaintext that gets encrypted."""
    return vector.astype("<f4").tobytes()


class BiometricStore:
    """Enrol, load and count face templates."""

    def __init__(self, db: Database, persons: PersonRepository, consents: ConsentLedger,
                 audit: AuditLog, cipher: RecordCipher) -> None:
        self._db = db
        self._persons = persons
        self._consents = consents
        self._audit = audit
        self._cipher = cipher

    async def async_enroll(
        self,
        person_id: str,
        embeddings: Sequence[object],
        model_id: str,
        quality: Sequence[float | None] | None = None,
        actor: str = "system",
    ) -> Credential:
        """Create one face credential from one or more embeddings of the same person."""
        vectors = [_as_vector(item) for item in embeddings]
        if not vectors:
            raise ValueError("enrolment needs at least one embedding")
        qualities = list(quality) if quality is not None else [None] * len(vectors)
        if len(qualities) != len(vectors):
            raise ValueError("give one quality per embedding")
        person = await self._persons.async_require(person_id)
        if person.status is PersonStatus.left:
            raise ConsentRequiredError(f"{person_id} has left the site: faces are not enrolled")
        credential_id = new_credential_id(CredentialType.face)
        now = time.time()
        async with self._db.transaction() as tx:
            consent = await self._consents.async_active(person_id, Purpose.gate_entry, tx=tx)
            if consent is None:
                raise ConsentRequiredError(
                    f"No valid gate-entry consent for {person_id}: record it first with "
                    "`menjin consent grant` (a guardian's for under-14s). Without it no face is "
                    "stored; the person can still use a card, QR pass or PIN."
                )
            await tx.execute(
                "INSERT INTO credentials (id, person_id, type, status, consent_id, data, "
                "created_at) VALUES (?, ?, 'face', 'active', ?, ?, ?)",
                (credential_id, person_id, consent.id,
                 to_json({"model_id": model_id, "templates": len(vectors)}), now),
            )
            for vector, score in zip(vectors, qualities, strict=True):
                template_id = "t_" + secrets.token_hex(8)
                nonce, ciphertext = self._cipher.encrypt(
                    encode_vector(vector), template_id, credential_id, model_id)
                await tx.execute(
                    "INSERT INTO biometric_templates (id, credential_id, model_id, quality, dim, "
                    "nonce, ciphertext, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (template_id, credential_id, model_id,
                     None if score is None else float(score), int(vector.shape[0]), nonce,
                     ciphertext, now),
                )
            await self._audit.async_append(
                actor, AUDIT_BIOMETRIC_CREATE, "person", person_id,
                {"credential": credential_id, "model_id": model_id, "templates": len(vectors),
                 "consent": consent.id}, tx=tx)
        return Credential(credential_id, person_id, CredentialType.face, consent_id=consent.id,
                          data={"model_id": model_id, "templates": len(vectors)})

    def _decrypt(self, row: Row) -> FaceTemplate:
        plaintext = self._cipher.decrypt(
            row["nonce"], row["ciphertext"], str(row["id"]), str(row["credential_id"]),
            str(row["model_id"]))
        dim = int(row["dim"])
        if len(plaintext) != dim * 4:
            raise CorruptRecordError(f"Template {row['id']!r} has the wrong size")
        return FaceTemplate(
            template_id=str(row["id"]), credential_id=str(row["credential_id"]),
            person_id=str(row["person_id"]), model_id=str(row["model_id"]),
            quality=None if row["quality"] is None else float(row["quality"]),
            vector=np.frombuffer(plaintext, dtype="<f4").astype(np.float32),
        )

    async def _async_decrypt_all(self, rows: Sequence[Row]) -> list[FaceTemplate]:
        """Decrypt in a worker thread: a large gallery must not stall the event loop."""
        return await asyncio.to_thread(lambda: [self._decrypt(row) for row in rows])

    async def async_load_gallery(
        self, model_id: str | None = None, actor: str = "system", purpose: str = "matching"
    ) -> list[FaceTemplate]:
        """Every template (of one model) with a valid consent behind it, decrypted; audited."""
        where = " AND t.model_id = ?" if model_id else ""
        rows = await self._db.fetch_all(
            "SELECT t.*, c.person_id FROM biometric_templates t "
            "JOIN credentials c ON c.id = t.credential_id "
            "WHERE c.type = 'face' AND c.person_id IN (SELECT person_id FROM consents "
            "WHERE purpose = 'gate_entry' AND withdrawn_at IS NULL)" + where +
            " ORDER BY t.id", (model_id,) if model_id else ())
        templates = await self._async_decrypt_all(rows)
        await self._audit.async_append(
            actor, AUDIT_BIOMETRIC_READ, "gallery", model_id,
            {"templates": len(templates), "purpose": purpose})
        return templates

    async def async_templates_of(self, person_id: str, actor: str, purpose: str
                                 ) -> list[FaceTemplate]:
        """One person's templates, decrypted (for export); audited."""
        rows = await self._db.fetch_all(
            "SELECT t.*, c.person_id FROM biometric_templates t "
            "JOIN credentials c ON c.id = t.credential_id WHERE c.person_id = ? ORDER BY t.id",
            (person_id,))
        templates = await self._async_decrypt_all(rows)
        await self._audit.async_append(
            actor, AUDIT_BIOMETRIC_READ, "person", person_id,
            {"templates": len(templates), "purpose": purpose})
        return templates

    async def async_enrolled_people(self) -> int:
        """How many persons hold a face credential (the number the filing line counts)."""
        value = await self._db.fetch_value(
            "SELECT COUNT(DISTINCT person_id) FROM credentials WHERE type = 'face'")
        return int(value or 0)
