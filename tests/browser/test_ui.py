"""The web UI in real headless Chromium: log in, live decisions, enrolment, guardian view."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser

from tests.browser.conftest import log_in, new_page, wait_until_live
from tests.http.sitefixture import (
    ADMIN_PASSWORD,
    CAPTURE_NOTICE,
    GUARDIAN_PASSWORD,
    OPERATOR_PASSWORD,
    Site,
    data_dir,
)

pytestmark = pytest.mark.asyncio(loop_scope="module")


async def decide(site: Site, person_id: str | None, granted: bool = True,
                 gate: str = "main_gate", reasons: tuple[str, ...] = ()) -> None:
    await site.hub.services.async_call(
        "access", "grant" if granted else "deny",
        {"gate": gate, "person_id": person_id, "direction": "in", "credential": "face",
         "score": 0.71, "reasons": list(reasons)})


async def test_login_refuses_wrong_password_then_shows_live_decisions(
        site: Site, browser: Browser) -> None:
    context, page = await new_page(browser, site, "zh-CN")
    try:
        await page.goto("/")
        await page.wait_for_selector("body[data-ready=login]")
        assert await page.get_attribute("html", "lang") == "zh-CN"
        await page.fill("input[name=username]", "operator")
        await page.fill("input[name=password]", "not the password")
        await page.click("button[type=submit]")
        await page.wait_for_selector(".login .error:has-text('登录失败')")

        await page.fill("input[name=password]", OPERATOR_PASSWORD)
        await page.click("button[type=submit]")
        await page.wait_for_selector("body[data-ready=dashboard]")
        assert await page.locator(".gate").count() == 2
        await page.wait_for_selector(".live.on")  # WebSocket authenticated with the cookie

        await decide(site, "tom")
        await page.wait_for_selector("#feed li.decision.ok:has-text('王涛 Wang Tao')")
        await decide(site, None, granted=False, reasons=("unknown face",))
        row = page.locator("#feed li.decision.bad").first
        await row.wait_for()
        assert "unknown face" in await row.inner_text()
        assert "拒绝" in await row.inner_text()
        tile = page.locator("[data-gate=main_gate] .last")
        assert "拒绝" in await tile.inner_text()
        latencies = await page.evaluate("window.__menjin.latencies")
        assert len(latencies) == 2

        await page.click("#lang")  # switch to English without reloading
        await page.wait_for_selector("body[data-ready=dashboard] >> text=Live decisions")
        assert await page.get_attribute("html", "lang") == "en"
    finally:
        await context.close()


async def test_admin_records_consent_and_enrols_a_photo(site: Site, browser: Browser) -> None:
    photo = sorted((data_dir() / "faces" / "lfw" / "Andre_Agassi").glob("*.jpg"))[0]
    context, page = await new_page(browser, site, "en-US")
    try:
        await log_in(page, "admin", ADMIN_PASSWORD, "dashboard")
        await page.goto("/#/people/lina")
        await page.wait_for_selector("body[data-ready=person]")
        assert CAPTURE_NOTICE in await page.inner_text("#capture-notice")
        await page.wait_for_selector("#need-consent")
        assert await page.locator("input[type=file]").count() == 0  # no consent, no upload

        # A child's consent comes from her linked guardian (pre-selected).
        await page.select_option("#grant-consent select[name=purpose]", "gate_entry")
        await page.select_option("#grant-consent select[name=channel]", "paper")
        await page.click("#grant-consent button[type=submit]")
        await page.wait_for_selector("#consents [data-purpose=gate_entry] .badge.ok")
        assert "Li Mei" in await page.inner_text("#consents")

        # The camera path: a synthetic camera shows no face, and the check says so.
        await page.click("#enrol button:has-text('Open camera')")
        await page.click("#enrol button:has-text('Take photo')")
        await page.wait_for_selector("#enrol-result .badge.bad")
        assert "no face" in await page.inner_text("#enrol-result")

        await page.set_input_files("#enrol input[type=file]", str(photo))
        await page.click("#enrol-submit")
        await page.wait_for_selector("#enrol-result .badge.ok:has-text('1 photo(s) enrolled')")
        result = await page.inner_text("#enrol-result")
        assert "Photo 1 refused" in result and "no face" in result  # the camera frame
        await page.wait_for_selector("#credentials [data-type=face]")
    finally:
        await context.close()
    faces = [c for c in await site.store.credentials.async_list("lina") if c.type.value == "face"]
    assert len(faces) == 1 and faces[0].consent_id
    created = await site.store.audit.async_entries(subject="lina",
                                                   action_prefix="biometric.create")
    assert created and created[0].actor == "user:admin"
    assert not list(site.hub.config.config_dir.rglob("*.jpg"))  # the photo was not kept


async def test_guardian_sees_only_her_own_child(site: Site, browser: Browser) -> None:
    await decide(site, "lina")
    await decide(site, "tom")
    context, page = await new_page(browser, site, "zh-CN")
    try:
        await log_in(page, "lina_mum", GUARDIAN_PASSWORD, "guardian")
        assert [await a.inner_text() for a in await page.locator("#nav a").all()] == ["我的孩子"]
        assert await page.locator("[data-child]").count() == 1
        rows = page.locator("#child-feed li")
        before = await rows.count()
        assert before >= 1
        assert set(await rows.evaluate_all("els => els.map(e => e.dataset.person)")) == {"lina"}
        assert "Wang Tao" not in await page.inner_text("main")

        await wait_until_live(page, "access_decision")
        await decide(site, "tom")
        await decide(site, "lina", granted=False, reasons=("temperature 38.2",))
        await page.wait_for_selector("#child-feed li.decision.bad:has-text('temperature 38.2')")
        assert await rows.count() == before + 1
        assert "Wang Tao" not in await page.inner_text("main")

        await page.uncheck("#prefs input[name=exit]")
        await page.click("#prefs button[type=submit]")
        await page.wait_for_selector("#prefs [role=status]:has-text('已保存')")

        await page.goto("/#/people")  # not for guardians: the API refuses, the page says so
        await page.wait_for_selector("body[data-ready=people] >> text=无权查看")
    finally:
        await context.close()
    guardian = site.server.auth.user_by_name("lina_mum")
    assert guardian is not None
    prefs = site.hub.data["http_preferences"].get(guardian.id)
    assert prefs["notify"]["exit"] is False
