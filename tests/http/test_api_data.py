"""The data API as clients use it: people, consents, credentials, gates, log, roles, UI files."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from yarl import URL

from tests.http.sitefixture import CAPTURE_NOTICE, Site, add_class, as_user, start_site


@pytest.fixture
async def site(tmp_path: Path) -> AsyncIterator[Site]:
    instance = await start_site(tmp_path / "config")
    await add_class(instance)
    yield instance
    await instance.hub.async_stop()


async def grant(site: Site, person_id: str, gate: str = "main_gate", direction: str = "in",
                granted: bool = True) -> None:
    await site.hub.services.async_call(
        "access", "grant" if granted else "deny",
        {"gate": gate, "person_id": person_id, "direction": direction, "credential": "card",
         "reasons": ["test"]})


async def test_people_crud_and_roles(site: Site) -> None:
    async with as_user(site, "admin") as admin:
        async with admin.post("/api/people", json={
                "id": "amy", "name": "Amy", "kind": "visitor",
                "valid_from": "2026-03-01T08:00:00+08:00",
                "valid_until": "2026-03-01T18:00:00+08:00", "groups": ["guests"]}) as r:
            assert r.status == 201, await r.text()
            assert (await r.json())["groups"] == ["guests"]
        async with admin.post("/api/people", json={"id": "amy", "name": "Amy"}) as r:
            assert r.status == 409
        async with admin.post("/api/people", json={"name": ""}) as r:
            assert r.status == 400 and "name" in (await r.json())["error"]
        async with admin.post("/api/people", json={
                "name": "X", "valid_from": "2026-03-02T00:00:00Z",
                "valid_until": "2026-03-01T00:00:00Z"}) as r:
            assert r.status == 400
        async with admin.patch("/api/people/amy", json={"name": "Amy Li"}) as r:
            assert (await r.json())["name"] == "Amy Li"
        async with admin.post("/api/people/amy/status", json={"status": "suspended"}) as r:
            assert (await r.json())["status"] == "suspended"
        async with admin.get("/api/people/nobody") as r:
            assert r.status == 404
    async with as_user(site, "operator") as operator:
        async with operator.get("/api/people", params={"group": "class_3a"}) as r:
            assert [p["id"] for p in await r.json()] == ["lina", "tom"]
        async with operator.get("/api/people", params={"search": "zhou"}) as r:
            assert [p["id"] for p in await r.json()] == ["ms_zhou"]
        async with operator.post("/api/people", json={"name": "Y"}) as r:
            assert r.status == 403  # operators read, admins write
    async with as_user(site, "installer") as installer:
        for path in ("/api/people", "/api/people/lina", "/api/people/lina/credentials",
                     "/api/access-log", "/api/people/lina/face", "/api/occupancy"):
            async with installer.get(path) as r:
                assert r.status == 403, path
                assert "error" in await r.json()
        async with installer.get("/api/gates") as r:
            assert r.status == 200


async def test_consents_credentials_and_guardians(site: Site) -> None:
    async with as_user(site, "admin") as admin:
        async with admin.get("/api/people/lina/guardians") as r:
            guardian = (await r.json())[0]
        # A child's consent must come from a linked guardian.
        async with admin.post("/api/people/lina/consents", json={
                "purpose": "gate_entry", "granted_by": "Li Na", "text_version": "v1"}) as r:
            assert r.status == 422 and "guardian" in (await r.json())["error"]
        async with admin.post("/api/people/lina/consents", json={
                "purpose": "gate_entry", "granted_by": "Li Mei", "text_version": "v1",
                "channel": "paper", "guardian_id": guardian["id"]}) as r:
            assert r.status == 201 and (await r.json())["active"]
        async with admin.post("/api/people/lina/credentials/card",
                              json={"number": "12345678"}) as r:
            card = await r.json()
            assert r.status == 201 and "12345678" not in str(card)
        async with admin.post("/api/people/tom/credentials/card",
                              json={"number": "12345678"}) as r:
            assert r.status == 409
        async with admin.post("/api/people/lina/credentials/pin", json={"pin": "2468"}) as r:
            assert r.status == 201 and "2468" not in await r.text()
        async with admin.post("/api/people/lina/credentials/qr", json={"hours": 2}) as r:
            qr = await r.json()
            assert r.status == 201 and qr["token"] and qr["uses_left"] == 1
        async with admin.get("/api/people/lina/credentials") as r:
            assert sorted(c["type"] for c in await r.json()) == ["card", "pin", "qr"]
        async with admin.delete(f"/api/credentials/{card['id']}") as r:
            assert r.status == 200
        async with admin.post("/api/people/lina/consents/gate_entry/withdraw",
                              json={"withdrawn_by": "Li Mei"}) as r:
            assert (await r.json())["consents"] == 1
        async with admin.get("/api/people/lina/consents") as r:
            assert [c["active"] for c in await r.json()] == [False]
        async with admin.post("/api/people/lina/consents/nothing/withdraw",
                              json={"withdrawn_by": "x"}) as r:
            assert r.status == 404
    async with as_user(site, "operator") as operator, operator.post(
            "/api/people/lina/credentials/card", json={"number": "87654321"}) as r:
        assert r.status == 403


async def test_face_enrolment_needs_consent_and_engine(site: Site) -> None:
    async with as_user(site, "operator") as operator:
        # No consent: refused before the upload is read.
        async with operator.post("/api/people/tom/face", json={"photo": "AAAA"}) as r:
            assert r.status == 422 and (await r.json())["consent_required"]
        async with operator.get("/api/people/tom/face") as r:
            assert r.status == 403  # reading biometrics is for admins only
    async with as_user(site, "admin") as admin:
        async with admin.post("/api/people/ms_zhou/consents", json={
                "purpose": "gate_entry", "granted_by": "Ms Zhou", "text_version": "v1"}) as r:
            assert r.status == 201
        async with admin.post("/api/people/ms_zhou/face", json={"photo": "AAAA"}) as r:
            assert r.status == 503 and "face engine" in (await r.json())["error"]
        async with admin.get("/api/people/ms_zhou/face") as r:
            assert r.status == 200 and await r.json() == []
    entries = await site.store.audit.async_entries(subject="ms_zhou",
                                                   action_prefix="biometric.read")
    assert entries and entries[0].actor == "user:admin"


async def test_access_log_filters_csv_and_guardian_scope(site: Site) -> None:
    await grant(site, "lina")
    await grant(site, "tom")
    await grant(site, "tom", granted=False)
    await grant(site, "lina", gate="east_gate", direction="out")
    async with as_user(site, "operator") as operator:
        async with operator.get("/api/access-log") as r:
            assert len(await r.json()) == 4
        async with operator.get("/api/access-log", params={"person": "tom",
                                                          "decision": "denied"}) as r:
            rows = await r.json()
            assert len(rows) == 1 and rows[0]["granted"] is False
        async with operator.get("/api/access-log", params={"gate": "east_gate"}) as r:
            assert [row["direction"] for row in await r.json()] == ["out"]
        async with operator.get("/api/access-log", params={"since": "2999-01-01"}) as r:
            assert await r.json() == []
        async with operator.get("/api/access-log", params={"since": "yesterday"}) as r:
            assert r.status == 400 and "ISO 8601" in (await r.json())["error"]
        async with operator.get("/api/access-log", params={"limit": "0"}) as r:
            assert r.status == 400
        async with operator.get("/api/access-log", params={"format": "csv"}) as r:
            assert r.content_type == "text/csv"
            table = list(csv.reader(io.StringIO(await r.text())))
            assert table[0][:3] == ["id", "time", "decision"] and len(table) == 5
    async with as_user(site, "lina_mum") as guardian:
        async with guardian.get("/api/access-log") as r:
            assert {row["person_id"] for row in await r.json()} == {"lina"}
        async with guardian.get("/api/access-log", params={"person": "tom"}) as r:
            assert await r.json() == []  # a filter cannot widen a guardian's view
        async with guardian.get("/api/me/children") as r:
            children = await r.json()
            assert [c["id"] for c in children] == ["lina"]
        async with guardian.get("/api/people/tom") as r:
            assert r.status == 403
        async with guardian.put("/api/me/preferences",
                                json={"language": "en", "notify": {"exit": False}}) as r:
            prefs = await r.json()
            assert prefs["notify"] == {"entry": True, "exit": False, "denied": True,
                                       "fever": True}
        async with guardian.put("/api/me/preferences", json={"language": "fr"}) as r:
            assert r.status == 400


async def test_gates_zones_schedules_and_site(site: Site) -> None:
    async with as_user(site, "admin") as admin:
        async with admin.get("/api/gates") as r:
            gates = await r.json()
            assert [g["id"] for g in gates] == ["east_gate", "main_gate"]
            assert gates[1]["zone"] == "school" and gates[1]["configured"]
        async with admin.get("/api/zones") as r:
            assert (await r.json())[0]["inside"] == 0
        async with admin.put("/api/schedules/school_days", json={
                "name": "School days", "windows": ["mon-fri 07:00-17:30"]}) as r:
            assert r.status == 200, await r.text()
        async with admin.put("/api/schedules/bad", json={"windows": ["someday"]}) as r:
            assert r.status == 400 and "mon-fri" in (await r.json())["error"]
        async with admin.post("/api/schedules/school_days/assign", json={
                "subject_type": "group", "subject": "class_3a"}) as r:
            assert (await r.json())["assignments"][0]["subject"] == "class_3a"
        async with admin.get("/api/schedules") as r:
            assert [s["id"] for s in await r.json()] == ["school_days"]
        async with admin.get("/api/site") as r:
            site_info = await r.json()
            assert site_info["capture_notice"] == CAPTURE_NOTICE
            assert site_info["name"] == "Sunflower Primary School"
        async with admin.get("/api/devices") as r:
            assert await r.json() == []
        async with admin.get("/api/automations") as r:
            assert await r.json() == []
        async with admin.get("/api/notifications") as r:
            assert (await r.json())["available"] is False  # no notify: section here
        async with admin.post("/api/users", json={
                "username": "tom_dad", "password": "short", "role": "guardian"}) as r:
            assert r.status == 400 and "at least" in (await r.json())["error"]
        async with admin.post("/api/users", json={
                "username": "tom_dad", "password": "a long enough one", "role": "guardian",
                "person_ids": ["tom"]}) as r:
            assert r.status == 201 and "password_hash" not in await r.text()
    await grant(site, "lina")
    entry = (await site.store.access_log.async_query(person_id="lina"))[0]
    await site.store.access_log.async_confirm_passage(entry.id)
    async with as_user(site, "operator") as operator, operator.get(
            "/api/occupancy", params={"inside": "true"}) as r:
        assert [p["person_id"] for p in await r.json()] == ["lina"]


async def test_openapi_describes_every_route(site: Site) -> None:
    async with as_user(site, "admin") as admin, admin.get("/api/openapi.json") as r:
        spec = await r.json()
    for path in site.server.views:
        operations = spec["paths"][path.url]
        for method, operation in operations.items():
            assert len(operation["summary"]) > 5, (path.url, method)
            assert operation["summary"] != path.name
    assert "person_id" in str(spec["paths"]["/api/people/{person_id}/face"]["post"])
    log = spec["paths"]["/api/access-log"]["get"]
    assert {p["name"] for p in log["parameters"]} >= {"person", "gate", "since", "until",
                                                      "decision", "format"}


async def test_ui_is_served_and_static_paths_cannot_escape(site: Site) -> None:
    async with aiohttp.ClientSession() as client:
        async with client.get(site.url + "/") as r:
            assert r.status == 200 and "<script type=\"module\"" in await r.text()
            assert "default-src 'self'" in r.headers["Content-Security-Policy"]
        async with client.get(site.url + "/static/app.js") as r:
            assert r.status == 200
        for raw in ("/static/../../../../etc/passwd", "/static/%2e%2e/%2e%2e/etc/passwd",
                    "/static/..%2f..%2f..%2fhttp%2fserver.py", "/static/%2e%2e%2f__init__.py",
                    "/static//etc/passwd", "/static/pages/../../__init__.py"):
            async with client.get(URL(site.url + raw, encoded=True)) as r:
                body = await r.text()
                assert r.status in (403, 404), raw
                assert "root:" not in body and "import" not in body, raw
