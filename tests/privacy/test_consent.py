"""Consent rules: who may consent, and what withdrawal does at once."""

from __future__ import annotations

from datetime import date

import pytest

from hub.people.const import CredentialType, PersonKind
from hub.people.model import Person
from hub.people.store import PeopleStore
from hub.privacy.const import Purpose
from hub.privacy.errors import ConsentRequiredError, ConsentRuleError
from tests.people.helpers import NOW, add_adult, add_enrolled_adult, vector


async def _child(store: PeopleStore, person_id: str = "lina") -> str:
    await store.persons.async_add(Person(person_id, "Lina", PersonKind.student,
                                         birth_date=date(2017, 9, 1)))
    guardian = await store.persons.async_add_guardian(person_id, "Li Na", "mother")
    return guardian.id


async def test_enrolling_without_consent_is_refused(store: PeopleStore) -> None:
    await add_adult(store, "w")
    with pytest.raises(ConsentRequiredError, match="gate-entry consent"):
        await store.biometrics.async_enroll("w", [vector(1)], "sface")
    # consent for another purpose is not enough
    await store.consents.async_grant("w", Purpose.attendance, "self", "paper", "v1")
    with pytest.raises(ConsentRequiredError):
        await store.biometrics.async_enroll("w", [vector(1)], "sface")
    assert await store.biometrics.async_load_gallery() == []
    assert await store.credentials.async_list("w") == []


async def test_child_needs_guardian_consent(store: PeopleStore) -> None:
    guardian_id = await _child(store)
    with pytest.raises(ConsentRuleError, match="guardian"):
        await store.consents.async_grant("lina", Purpose.gate_entry, "Lina", "kiosk", "v1")
    consent = await store.consents.async_grant(
        "lina", Purpose.gate_entry, "Li Na", "paper", "v2", guardian_id=guardian_id)
    assert consent.granted_by_role == "guardian"
    await store.biometrics.async_enroll("lina", [vector(3)], "sface")
    assert len(await store.biometrics.async_load_gallery()) == 1


async def test_guardian_of_another_child_is_refused(store: PeopleStore) -> None:
    await _child(store, "lina")
    other_guardian = await _child(store, "bo")
    with pytest.raises(ConsentRuleError, match="not linked"):
        await store.consents.async_grant("lina", Purpose.gate_entry, "x", "paper", "v1",
                                         guardian_id=other_guardian)


async def test_guardian_consent_for_an_adult_is_refused(store: PeopleStore) -> None:
    await add_adult(store, "w")
    guardian = await store.persons.async_add_guardian("w", "Mother", "mother")
    with pytest.raises(ConsentRuleError, match="adult"):
        await store.consents.async_grant("w", Purpose.gate_entry, "Mother", "paper", "v1",
                                         guardian_id=guardian.id)
    assert await store.consents.async_active("w", Purpose.gate_entry) is None


async def test_withdrawal_deletes_the_face_at_once(store: PeopleStore) -> None:
    await add_enrolled_adult(store, "w")
    await store.credentials.async_add_card("w", "0001 2345")
    assert len(await store.biometrics.async_load_gallery()) == 1
    result = await store.consents.async_withdraw("w", Purpose.gate_entry, "w", "app")
    assert result.faces_deleted == 1 and result.consents == 1
    assert await store.biometrics.async_load_gallery() == []
    assert await store.db.fetch_value("SELECT COUNT(*) FROM biometric_templates") == 0
    kinds = [c.type for c in await store.credentials.async_list("w")]
    assert kinds == [CredentialType.card]  # the alternative stays
    check = await store.policy.async_check("w", "gate_1", CredentialType.face, when=NOW)
    assert not check.allowed and "no_face_consent" in check.reasons
    assert (await store.policy.async_check("w", "gate_1", CredentialType.card, when=NOW)).allowed
    history = await store.consents.async_history("w")
    assert history[0].withdrawn_channel == "app" and not history[0].active
    actions = [e.action for e in await store.audit.async_entries(subject="w")]
    assert "consent.withdraw" in actions and "biometric.delete" in actions
    with pytest.raises(ConsentRequiredError):
        await store.biometrics.async_enroll("w", [vector(1)], "sface")
