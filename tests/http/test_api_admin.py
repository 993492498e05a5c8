"""The admin API behind the Users, Notifications and Schedules pages, as clients use it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path

import aiohttp
import pytest

from hub.exceptions import ServiceValidationError
from hub.notify.const import OutboxStatus
from hub.notify.outbox import Outbox
from tests.http.sitefixture import ADMIN_PASSWORD, Site, add_class, as_user, start_site
from tests.notify.helpers import wait_until

NOTIFY = """
notify:
  retry: {attempts: 2, base_delay: 0.05, max_delay: 0.1}
"""
TOM_DAD_PASSWORD = "tom's dad long pass"


@pytest.fixture
async def site(tmp_path: Path) -> AsyncIterator[Site]:
    instance = await start_site(tmp_path / "config", extra=NOTIFY)
    await add_class(instance)
    yield instance
    await instance.hub.async_stop()


def bearer(site: Site, token: str) -> aiohttp.ClientSession:
    return aiohttp.ClientSession(base_url=site.url, headers={"Authorization": f"Bearer {token}"})


async def log_in(client: aiohttp.ClientSession, username: str, password: str) -> int:
    async with client.post("/api/auth/login",
                           json={"username": username, "password": password}) as r:
        return r.status


async def test_admin_links_disables_resets_and_deletes_a_guardian(site: Site) -> None:
    jar = aiohttp.CookieJar(unsafe=True)
    async with as_user(site, "admin") as admin, \
            aiohttp.ClientSession(base_url=site.url, cookie_jar=jar) as browser:
        async with admin.post("/api/users", json={
                "username": "tom_dad", "password": TOM_DAD_PASSWORD, "role": "guardian",
                "person_ids": ["tom", "t0m"]}) as r:
            assert r.status == 400 and "no person 't0m'" in (await r.json())["error"]
        async with admin.post("/api/users", json={
                "username": "tom_dad", "password": TOM_DAD_PASSWORD, "role": "guardian",
                "name": "Wang Jun", "person_ids": ["tom"]}) as r:
            assert r.status == 201
            user_id = (await r.json())["id"]
        assert await log_in(browser, "tom_dad", TOM_DAD_PASSWORD) == 200

        async with admin.post(f"/api/users/{user_id}/tokens", json={"name": "wechat bot"}) as r:
            assert r.status == 201
            created = await r.json()
        secret = created["token"]
        async with admin.get(f"/api/users/{user_id}/tokens") as r:
            listing = await r.text()
        assert "wechat bot" in listing and secret not in listing and "hash" not in listing
        async with admin.get("/api/users") as r:
            users = await r.text()
        assert "tom_dad" in users and "hash" not in users and "argon2" not in users

        async with admin.patch(f"/api/users/{user_id}", json={"person_ids": ["tom", "lina"]}) \
                as r:
            assert (await r.json())["person_ids"] == ["tom", "lina"]
        async with bearer(site, secret) as phone, phone.get("/api/me/children") as r:
            assert sorted(c["id"] for c in await r.json()) == ["lina", "tom"]

        # Disabled: the open session, the token and a new log-in are all refused at once.
        async with admin.patch(f"/api/users/{user_id}", json={"active": False}) as r:
            assert (await r.json())["active"] is False
        async with browser.get("/api/auth/me") as r:
            assert r.status == 401
        async with bearer(site, secret) as phone, phone.get("/api/me/children") as r:
            assert r.status == 401
        assert await log_in(browser, "tom_dad", TOM_DAD_PASSWORD) == 401
        async with admin.patch(f"/api/users/{user_id}", json={"active": True}) as r:
            assert r.status == 200
        async with browser.get("/api/auth/me") as r:
            assert r.status == 401  # re-enabling does not revive the old session

        async with admin.post(f"/api/users/{user_id}/password", json={"password": "short"}) \
                as r:
            assert r.status == 400 and "at least" in (await r.json())["error"]
        async with admin.post(f"/api/users/{user_id}/password",
                              json={"password": "a brand new passphrase"}) as r:
            assert r.status == 200
        assert await log_in(browser, "tom_dad", TOM_DAD_PASSWORD) == 401
        assert await log_in(browser, "tom_dad", "a brand new passphrase") == 200

        async with admin.delete(f"/api/users/{user_id}/tokens/{created['id']}") as r:
            assert r.status == 200
        async with bearer(site, secret) as phone, phone.get("/api/me/children") as r:
            assert r.status == 401
        async with admin.delete(f"/api/users/{user_id}/tokens/{created['id']}") as r:
            assert r.status == 404

        async with admin.delete(f"/api/users/{user_id}") as r:
            assert r.status == 200
        async with browser.get("/api/auth/me") as r:
            assert r.status == 401
        async with admin.get(f"/api/users/{user_id}/tokens") as r:
            assert r.status == 404
        async with admin.get("/api/users") as r:
            assert "tom_dad" not in await r.text()


async def test_an_admin_cannot_lock_themselves_out(site: Site) -> None:
    admin_user = site.server.auth.user_by_name("admin")
    assert admin_user is not None
    async with as_user(site, "admin") as admin:
        async with admin.patch(f"/api/users/{admin_user.id}", json={"active": False}) as r:
            assert r.status == 409 and "another admin" in (await r.json())["error"]
        async with admin.delete(f"/api/users/{admin_user.id}") as r:
            assert r.status == 409
        async with admin.patch(f"/api/users/{admin_user.id}", json={"name": "Office"}) as r:
            assert (await r.json())["name"] == "Office"
        async with admin.patch("/api/users/nobody", json={"name": "x"}) as r:
            assert r.status == 404
        async with admin.patch(f"/api/users/{admin_user.id}", json={"role": "guardian"}) as r:
            assert r.status == 400  # roles are not changed here
    async with aiohttp.ClientSession(base_url=site.url) as client:
        assert await log_in(client, "admin", ADMIN_PASSWORD) == 200


async def test_only_admins_manage_users(site: Site) -> None:
    guardian = site.server.auth.user_by_name("lina_mum")
    assert guardian is not None
    for username in ("operator", "installer", "lina_mum"):
        async with as_user(site, username) as client:
            async with client.get("/api/users") as r:
                assert r.status == 403, username
            async with client.post("/api/users", json={
                    "username": "sneaky", "password": "long enough pass", "role": "admin"}) \
                    as r:
                assert r.status == 403, username
            async with client.patch(f"/api/users/{guardian.id}",
                                    json={"person_ids": ["tom"]}) as r:
                assert r.status == 403, username
            async with client.post(f"/api/users/{guardian.id}/password",
                                   json={"password": "taken over now"}) as r:
                assert r.status == 403, username
            async with client.get(f"/api/users/{guardian.id}/tokens") as r:
                assert r.status == 403, username
            async with client.delete(f"/api/users/{guardian.id}") as r:
                assert r.status == 403, username
    assert guardian.person_ids == ["lina"] and guardian.active
    # A cookie session must echo the CSRF token for these writes too.
    jar = aiohttp.CookieJar(unsafe=True)
    async with aiohttp.ClientSession(base_url=site.url, cookie_jar=jar) as browser:
        assert await log_in(browser, "admin", ADMIN_PASSWORD) == 200
        async with browser.delete(f"/api/users/{guardian.id}") as r:
            assert r.status == 403 and "CSRF" in (await r.json())["error"]
    assert site.server.auth.user_by_name("lina_mum") is not None


async def _dead(outbox: Outbox, message_id: str, attempts: int) -> bool:
    message = await outbox.async_get(message_id)
    return message is not None and message.status is OutboxStatus.dead \
        and message.attempts == attempts


async def test_dead_letters_are_retried_by_id_or_all_at_once(site: Site) -> None:
    # A message to a target that does not exist is dead on arrival, never attempted.
    with pytest.raises(ServiceValidationError, match="no notify target named 'fax'"):
        await site.hub.services.async_call("notify", "send", {"targets": "fax",
                                                              "message": "gate 3 jammed"})
    outbox: Outbox = site.hub.data["notify_outbox"]
    [dead] = await outbox.async_list(OutboxStatus.dead)
    assert dead.attempts == 0
    async with as_user(site, "operator") as operator:
        async with operator.get("/api/notifications", params={"status": "dead"}) as r:
            body = await r.json()
        assert body["counts"]["dead"] == 1
        assert "no notify target named 'fax'" in body["messages"][0]["last_error"]
        async with operator.post("/api/notifications/retry", json={"id": "not-a-letter"}) as r:
            assert r.status == 404
        async with operator.post("/api/notifications/retry", json={"id": 7}) as r:
            assert r.status == 400
        async with operator.post("/api/notifications/retry", json={"id": dead.id}) as r:
            assert await r.json() == {"requeued": 1}
        # The worker took it again (one attempt), and it is still undeliverable.
        await wait_until(lambda: _dead(outbox, dead.id, 1), "attempted again, dead again")
        async with operator.post("/api/notifications/retry", json={}) as r:
            assert await r.json() == {"requeued": 1}
        await wait_until(lambda: _dead(outbox, dead.id, 1), "retried by 'all', dead again")
    # Notification texts name children: neither guardians nor installers read or resend them.
    for username in ("lina_mum", "installer"):
        async with as_user(site, username) as client:
            async with client.post("/api/notifications/retry", json={}) as r:
                assert r.status == 403, username
            async with client.get("/api/notifications") as r:
                assert r.status == 403, username


async def test_schedules_carry_their_holiday_days(site: Site) -> None:
    await site.store.schedules.async_add_holiday("cn_public", date(2026, 10, 1), "National Day")
    await site.store.schedules.async_add_holiday("cn_public", date(2026, 5, 1), "Labour Day")
    await site.store.schedules.async_add_holiday("other", date(2026, 6, 1))
    async with as_user(site, "admin") as admin, admin.put("/api/schedules/school_days", json={
            "name": "School days", "windows": ["mon-fri 07:00-17:30"],
            "calendars": ["cn_public"]}) as r:
        assert (await r.json())["holidays"] == {"cn_public": ["2026-05-01", "2026-10-01"]}
    async with as_user(site, "operator") as operator:
        async with operator.get("/api/schedules") as r:
            [schedule] = await r.json()
        assert schedule["windows"] == ["mon,tue,wed,thu,fri 07:00-17:30"]
        assert schedule["holidays"] == {"cn_public": ["2026-05-01", "2026-10-01"]}
        async with operator.put("/api/schedules/school_days",
                                json={"windows": ["sat 00:00-24:00"]}) as r:
            assert r.status == 403
