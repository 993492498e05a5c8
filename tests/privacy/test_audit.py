"""The audit chain: every biometric read and consent change, tamper-evident."""

from __future__ import annotations

import pytest

from hub.people.store import PeopleStore
from hub.privacy.errors import BiometricContentError
from tests.people.helpers import add_enrolled_adult


async def _tamper(store: PeopleStore, sql: str, params: tuple[object, ...]) -> None:
    """Change the table behind the triggers' back, as an attacker with file access would."""
    if store.db.dialect.name == "sqlite":
        await store.db.execute("DROP TRIGGER audit_log_no_update")
        await store.db.execute("DROP TRIGGER audit_log_no_delete")
    else:
        await store.db.execute("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only")
    await store.db.execute(sql, params)


async def test_chain_records_biometric_reads_and_verifies(store: PeopleStore) -> None:
    await add_enrolled_adult(store, "w")
    await store.biometrics.async_load_gallery(actor="face_engine")
    entries = await store.audit.async_entries()
    actions = [e.action for e in reversed(entries)]
    assert actions == ["consent.grant", "biometric.create", "biometric.read"]
    assert entries[0].actor == "face_engine"
    result = await store.audit.async_verify()
    assert result.ok and result.entries == 3


@pytest.mark.parametrize("attack", ["edit", "delete_middle", "delete_last"])
async def test_tampering_is_detected(store: PeopleStore, attack: str) -> None:
    await add_enrolled_adult(store, "w")
    for _ in range(3):
        await store.biometrics.async_load_gallery()
    assert (await store.audit.async_verify()).ok
    if attack == "edit":
        await _tamper(store, "UPDATE audit_log SET actor = ? WHERE seq = ?", ("nobody", 2))
        expected = "entry 2 was changed"
    elif attack == "delete_middle":
        await _tamper(store, "DELETE FROM audit_log WHERE seq = ?", (3,))
        expected = "entry 3 is missing"
    else:
        await _tamper(store, "DELETE FROM audit_log WHERE seq = ?", (5,))
        expected = "were removed"
    result = await store.audit.async_verify()
    assert not result.ok and expected in (result.problem or "")


async def test_audit_refuses_biometric_content(store: PeopleStore) -> None:
    with pytest.raises(BiometricContentError):
        await store.audit.async_append("x", "test", "site", None, {"v": [0.1] * 128})
    with pytest.raises(BiometricContentError):
        await store.audit.async_append("x", "test", "site", None, {"v": b"\x00" * 512})
