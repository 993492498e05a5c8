"""Cards, QR passes and PINs: hashed, signed, counted."""

from __future__ import annotations

from datetime import timedelta

import pytest

from hub.people.errors import DuplicateCredentialError, InvalidCredentialError
from hub.people.store import PeopleStore
from tests.people.helpers import NOW, add_adult


async def test_duplicate_card_numbers_are_refused(store: PeopleStore) -> None:
    await add_adult(store, "a")
    await add_adult(store, "b")
    card = await store.credentials.async_add_card("a", "04:A2:19:99")
    with pytest.raises(DuplicateCredentialError, match="already issued to person 'a'"):
        await store.credentials.async_add_card("b", "04a21999")
    found = await store.credentials.async_find_card("04-a2-19-99")
    assert found is not None and found.id == card.id and found.person_id == "a"
    assert await store.credentials.async_find_card("04A21998") is None
    stored = await store.db.fetch_value("SELECT lookup FROM credentials WHERE id = ?", (card.id,))
    assert "04A21999" not in stored and len(stored) == 64
    assert await store.credentials.async_revoke(card.id)
    await store.credentials.async_add_card("b", "04a21999")


async def test_pin_is_hashed_and_verified(store: PeopleStore) -> None:
    await add_adult(store, "a")
    await store.credentials.async_set_pin("a", "482913")
    secret = await store.db.fetch_value("SELECT secret FROM credentials WHERE type = 'pin'")
    assert secret.startswith("scrypt$") and "482913" not in secret
    assert await store.credentials.async_verify_pin("a", "482913") is not None
    assert await store.credentials.async_verify_pin("a", "482914") is None
    with pytest.raises(ValueError):
        await store.credentials.async_set_pin("a", "12")


async def test_qr_pass_window_signature_and_uses(store: PeopleStore) -> None:
    await add_adult(store, "v")
    credential, token = await store.credentials.async_issue_qr(
        "v", NOW, NOW + timedelta(hours=2), uses=2)
    used = await store.credentials.async_redeem_qr(token, NOW + timedelta(minutes=1))
    assert used.id == credential.id and used.uses_left == 1
    await store.credentials.async_redeem_qr(token, NOW + timedelta(minutes=2))
    with pytest.raises(InvalidCredentialError, match="no uses left"):
        await store.credentials.async_redeem_qr(token, NOW + timedelta(minutes=3))

    _other, token2 = await store.credentials.async_issue_qr("v", NOW, NOW + timedelta(hours=1))
    with pytest.raises(InvalidCredentialError, match="expired"):
        await store.credentials.async_redeem_qr(token2, NOW + timedelta(hours=1))
    with pytest.raises(InvalidCredentialError, match="not valid yet"):
        await store.credentials.async_redeem_qr(token2, NOW - timedelta(minutes=1))
    payload, signature = token2.split(".")
    forged = payload[:-2] + ("A" if payload[-2] != "A" else "B") + payload[-1] + "." + signature
    with pytest.raises(InvalidCredentialError):
        await store.credentials.async_redeem_qr(forged, NOW)
