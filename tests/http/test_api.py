"""The API as clients use it: log in, tokens, roles, CSRF, WebSocket, bad requests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest

from hub.auth.models import Role
from hub.bootstrap import async_from_config_dir
from hub.core import Hub
from hub.http.server import HubHTTP
from tests.conftest import ConfigWriter

ADMIN_PASSWORD = "correct horse battery"


@dataclass
class Site:
    hub: Hub
    server: HubHTTP
    url: str
    admin_token: str


@pytest.fixture
async def site(config_dir: ConfigWriter) -> AsyncIterator[Site]:
    folder = config_dir("http:\n  server_port: 0\n")
    hub, results = await async_from_config_dir(folder)
    assert results["http"].ok
    server: HubHTTP = hub.data["http"]
    admin = await hub.async_add_executor_job(
        server.auth.add_user, "admin", ADMIN_PASSWORD, Role.ADMIN)
    token = server.auth.create_token(admin.id, "tests")
    yield Site(hub, server, server.url, token)
    await hub.async_stop()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_every_api_route_needs_auth(site: Site) -> None:
    async with aiohttp.ClientSession() as client:
        for path in ("/api/health", "/api/states", "/api/openapi.json", "/api/auth/me"):
            async with client.get(site.url + path) as response:
                assert response.status == 401, path
                assert (await response.json())["error"] == "authentication required"
        async with client.post(site.url + "/api/services/turnstile/open", json={}) as response:
            assert response.status == 401
        async with client.get(site.url + "/api/health", headers=bearer("forged")) as response:
            assert response.status == 401


async def test_token_reads_health_and_states(site: Site) -> None:
    site.hub.states.async_set("sensor.gate_temperature", "36.6")
    async with aiohttp.ClientSession(headers=bearer(site.admin_token)) as client:
        async with client.get(site.url + "/api/health") as response:
            health = await response.json()
            assert health["status"] == "ok" and "http" in health["integrations"]
        async with client.get(site.url + "/api/states/sensor.gate_temperature") as response:
            assert (await response.json())["state"] == "36.6"
        async with client.get(site.url + "/api/states/sensor.none") as response:
            assert response.status == 404
        async with client.get(site.url + "/api/openapi.json") as response:
            spec = await response.json()
            assert "/api/states" in spec["paths"]
            assert spec["paths"]["/api/auth/login"]["post"]["security"] == []


async def test_cookie_login_csrf_and_logout(site: Site) -> None:
    jar = aiohttp.CookieJar(unsafe=True)
    async with aiohttp.ClientSession(cookie_jar=jar) as client:
        async with client.post(site.url + "/api/auth/login",
                               json={"username": "admin", "password": ADMIN_PASSWORD}) as resp:
            assert resp.status == 200
            body = await resp.json()
            assert "password_hash" not in body["user"]
            csrf = body["csrf_token"]
            assert "HttpOnly" in resp.headers["Set-Cookie"]
            assert "SameSite=Strict" in resp.headers["Set-Cookie"]
        async with client.get(site.url + "/api/auth/me") as resp:
            assert (await resp.json())["user"]["username"] == "admin"
        # A changing request with the cookie but without the CSRF token is refused.
        async with client.post(site.url + "/api/auth/tokens", json={"name": "x"}) as resp:
            assert resp.status == 403
            assert "CSRF" in (await resp.json())["error"]
        async with client.post(site.url + "/api/auth/tokens", json={"name": "x"},
                               headers={"X-CSRF-Token": csrf}) as resp:
            assert resp.status == 201
        async with client.post(site.url + "/api/auth/logout",
                               headers={"X-CSRF-Token": csrf}) as resp:
            assert resp.status == 200
        async with client.get(site.url + "/api/auth/me") as resp:
            assert resp.status == 401


async def test_a_session_websocket_needs_our_origin_and_the_csrf_token(site: Site) -> None:
    jar = aiohttp.CookieJar(unsafe=True)
    ws_url = site.url.replace("http", "ws") + "/api/websocket"
    own_origin = site.url.rstrip("/")
    async with aiohttp.ClientSession(cookie_jar=jar) as client:
        async with client.post(site.url + "/api/auth/login",
                               json={"username": "admin", "password": ADMIN_PASSWORD}) as resp:
            csrf = (await resp.json())["csrf_token"]

        async def attempt(origin: str | None, message: dict[str, Any]) -> str:
            headers = {"Origin": origin} if origin else {}
            async with client.ws_connect(ws_url, headers=headers) as socket:
                assert (await socket.receive_json())["type"] == "auth_required"
                await socket.send_json(message)
                return str((await socket.receive_json())["type"])

        session_auth = {"type": "auth", "session": True, "csrf_token": csrf}
        # Another site's page: the browser sends our cookie and its own Origin.
        assert await attempt("http://evil.example", session_auth) == "auth_invalid"
        assert await attempt(None, session_auth) == "auth_invalid"
        # Our origin, but a page that never read the session's token.
        assert await attempt(own_origin, {"type": "auth", "session": True}) == "auth_invalid"
        assert await attempt(own_origin, {**session_auth, "csrf_token": "x" + csrf}) \
            == "auth_invalid"
        assert await attempt(own_origin, session_auth) == "auth_ok"


async def test_login_is_rate_limited(site: Site) -> None:
    async with aiohttp.ClientSession() as client:
        statuses = []
        for _ in range(6):
            async with client.post(site.url + "/api/auth/login",
                                   json={"username": "admin", "password": "wrong guess"}) as r:
                statuses.append(r.status)
        assert statuses == [401] * 5 + [429]
        async with client.post(site.url + "/api/auth/login",
                               json={"username": "admin", "password": ADMIN_PASSWORD}) as r:
            assert r.status == 429  # even the right password waits
            assert int(r.headers["Retry-After"]) > 0


async def test_roles_limit_what_users_may_do(site: Site) -> None:
    auth = site.server.auth
    guardian = await site.hub.async_add_executor_job(
        auth.add_user, "lina_mum", "another long pass", Role.GUARDIAN, "", ["p_lina"])
    token = auth.create_token(guardian.id, "phone")
    async with aiohttp.ClientSession(headers=bearer(token)) as client:
        async with client.get(site.url + "/api/states") as response:
            assert response.status == 403
            assert "guardian" in (await response.json())["error"]
        async with client.post(site.url + "/api/services/turnstile/open",
                               json={"entity_id": "turnstile.gate"}) as response:
            assert response.status == 403


async def test_bad_requests_get_clear_errors(site: Site) -> None:
    async with aiohttp.ClientSession(headers=bearer(site.admin_token)) as client:
        async with client.post(site.url + "/api/services/turnstile/open",
                               data="{not json", headers={"Content-Type": "application/json"}) \
                as response:
            assert response.status == 400
            assert "malformed JSON" in (await response.json())["error"]
        async with client.post(site.url + "/api/services/nothing/here", json={}) as response:
            assert response.status == 404
        async with client.post(site.url + "/api/auth/tokens", json={"name": ""}) as response:
            assert response.status == 400
        big = b"x" * (9 * 1024 * 1024)
        async with client.post(site.url + "/api/services/a/b", data=big,
                               headers={"Content-Type": "application/json"}) as response:
            assert response.status == 413


async def _ws_auth(client: aiohttp.ClientSession, url: str, token: str) -> Any:
    socket = await client.ws_connect(url.replace("http", "ws") + "/api/websocket")
    assert (await socket.receive_json())["type"] == "auth_required"
    await socket.send_json({"type": "auth", "access_token": token})
    return socket


async def test_an_installer_watches_devices_never_people(site: Site) -> None:
    auth = site.server.auth
    installer = await site.hub.async_add_executor_job(
        auth.add_user, "fitter", "wires and screws", Role.INSTALLER)
    token = auth.create_token(installer.id, "laptop")
    async with aiohttp.ClientSession() as client:
        socket = await _ws_auth(client, site.url, token)
        assert (await socket.receive_json())["type"] == "auth_ok"
        await socket.send_json({"id": 1, "type": "subscribe_events",
                                "event_type": "access_decision"})
        refused = await socket.receive_json()
        assert refused["success"] is False and "device events only" in \
            refused["error"]["message"]
        await socket.send_json({"id": 2, "type": "subscribe_events", "event_type": "*"})
        assert (await socket.receive_json())["success"] is True
        site.hub.bus.async_fire("access_decision", {"person_id": "p_lina", "granted": True})
        site.hub.bus.async_fire("id_card_read", {"name": "Lina Wang", "id_number": "1101"})
        site.hub.bus.async_fire("device_discovered", {"id": "modbus_1"})
        seen = await socket.receive_json()
        assert seen["event"]["event_type"] == "device_discovered"


async def test_websocket_subscribe_call_and_guardian_filter(site: Site) -> None:
    auth = site.server.auth
    guardian = await site.hub.async_add_executor_job(
        auth.add_user, "lina_dad", "yet another pass", Role.GUARDIAN, "", ["p_lina"])
    guardian_token = auth.create_token(guardian.id, "phone")
    async with aiohttp.ClientSession() as client:
        bad = await client.ws_connect(site.url.replace("http", "ws") + "/api/websocket")
        await bad.receive_json()
        await bad.send_json({"type": "auth", "access_token": "forged"})
        assert (await bad.receive_json())["type"] == "auth_invalid"

        admin = await _ws_auth(client, site.url, site.admin_token)
        assert (await admin.receive_json())["type"] == "auth_ok"
        await admin.send_json({"id": 1, "type": "subscribe_events",
                               "event_type": "credential_presented"})
        assert (await admin.receive_json())["success"] is True

        parent = await _ws_auth(client, site.url, guardian_token)
        assert (await parent.receive_json())["type"] == "auth_ok"
        await parent.send_json({"id": 1, "type": "subscribe_events",
                                "event_type": "state_changed"})
        assert (await parent.receive_json())["success"] is False
        await parent.send_json({"id": 2, "type": "subscribe_events",
                                "event_type": "access_decision"})
        assert (await parent.receive_json())["success"] is True

        site.hub.bus.async_fire("credential_presented", {"type": "card", "value": "12345678"})
        event = await admin.receive_json()
        assert event["event"]["data"]["value"] == "<redacted>"

        site.hub.bus.async_fire("access_decision", {"person_id": "p_other", "granted": True})
        site.hub.bus.async_fire("access_decision", {"person_id": "p_lina", "granted": True})
        seen = await parent.receive_json()
        assert seen["event"]["data"]["person_id"] == "p_lina"

        await admin.send_json({"id": 2, "type": "call_service", "domain": "nope",
                               "service": "x"})
        result = await admin.receive_json()
        assert result["success"] is False and "not registered" in result["error"]["message"]
        await admin.send_json({"id": 3, "type": "ping"})
        assert (await admin.receive_json())["type"] == "pong"
        for socket in (bad, admin, parent):
            await socket.close()
