"""The office pages in real headless Chromium: users, notifications (the outbox), schedules.

The hub here has notifications whose only webhook points at a loopback port
where nothing listens, so messages to it are dead-lettered for real; a test
later opens a receiver on that port to see a retried message go out.
"""

from __future__ import annotations

import asyncio
import re
import socket
from collections.abc import AsyncIterator
from datetime import date, timedelta
from pathlib import Path

import aiohttp
import pytest
import pytest_asyncio
from aiohttp import web
from playwright.async_api import Browser, Page

from hub.auth.models import Role
from hub.notify.const import OutboxStatus
from hub.notify.outbox import Outbox
from tests.browser.conftest import log_in, new_page
from tests.http.sitefixture import (
    ADMIN_PASSWORD,
    OPERATOR_PASSWORD,
    Site,
    add_class,
    start_site,
)
from tests.notify.helpers import wait_until

pytestmark = pytest.mark.asyncio(loop_scope="module")

NOTIFY = """
notify:
  retry: {{attempts: 2, base_delay: 0.05, max_delay: 0.1}}
  targets:
    office_hook:
      platform: webhook
      url: http://127.0.0.1:{port}/hook
      secret: browser-test-hook-secret-0123
      timeout: 120
  recipients:
    guard_desk: {{targets: [office_hook], language: en}}
"""
TOM_DAD_PASSWORD = "tom's dad long pass"
STATIC = Path(__file__).resolve().parents[2] / "hub" / "frontend" / "static"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def hook_port() -> int:
    """A loopback port where nothing listens (until a test opens a receiver there)."""
    return _free_port()


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def site(tmp_path_factory: pytest.TempPathFactory, hook_port: int) -> AsyncIterator[Site]:
    """A school site with notifications and a schedule; no face engine (not needed here)."""
    instance = await start_site(tmp_path_factory.mktemp("office") / "config",
                                extra=NOTIFY.format(port=hook_port))
    await add_class(instance)
    yield instance
    await instance.hub.async_stop()


class HeldReceiver:
    """A webhook endpoint that accepts each post only once the test lets it."""

    def __init__(self) -> None:
        self.release = asyncio.Event()
        self.keys: list[str] = []
        self._runner: web.AppRunner | None = None

    async def handle(self, request: web.Request) -> web.Response:
        self.keys.append(request.headers["Idempotency-Key"])
        await self.release.wait()
        return web.Response(status=200)

    async def start(self, port: int) -> None:
        app = web.Application()
        app.router.add_post("/hook", self.handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", port).start()

    async def stop(self) -> None:
        self.release.set()
        if self._runner is not None:
            await self._runner.cleanup()


async def _status(outbox: Outbox, message_id: str, status: OutboxStatus) -> bool:
    message = await outbox.async_get(message_id)
    return message is not None and message.status is status


async def _go(page: Page, page_name: str) -> None:
    await page.goto(f"/#/{page_name}")
    await page.wait_for_selector(f"body[data-ready={page_name}]")


async def _missing_texts(page: Page) -> list[str]:
    return list(await page.evaluate("import('/static/i18n.js').then(m => [...m.missingKeys])"))


async def test_admin_creates_a_guardian_who_then_sees_only_her_child(
        site: Site, browser: Browser) -> None:
    context, page = await new_page(browser, site, "en-US")
    try:
        await log_in(page, "admin", ADMIN_PASSWORD, "dashboard")
        await page.click("#nav a:has-text('Users')")
        await page.wait_for_selector("body[data-ready=users]")
        assert "Guardian" in await page.inner_text("#users tr[data-user=lina_mum] .role")

        form = page.locator("#add-user")
        await form.locator("input[name=username]").fill("tom_dad")
        await form.locator("input[name=name]").fill("Wang Jun")
        await form.locator("select[name=role]").select_option("guardian")
        await form.locator("input[name=password]").fill(TOM_DAD_PASSWORD)
        await form.locator("input[name=password2]").fill(TOM_DAD_PASSWORD + "!")
        await form.locator("button[type=submit]").click()
        await form.locator(".error:has-text('The passwords do not match')").wait_for()
        await form.locator("input[name=password2]").fill(TOM_DAD_PASSWORD)
        await form.locator("button[type=submit]").click()
        await form.locator(".error:has-text('Link a guardian to at least one child')").wait_for()
        await form.locator("input[name=child]").fill("tom")
        await form.locator("button.add-child").click()
        await form.locator(".chips li[data-person=tom]:has-text('Wang Tao')").wait_for()
        await form.locator("button[type=submit]").click()

        await page.wait_for_selector("#users-status:has-text('User tom_dad created')")
        row = page.locator("#users tr[data-user=tom_dad]")
        assert "Guardian" in await row.locator(".role").inner_text()
        assert await row.locator(".children").inner_text() == "王涛 Wang Tao"
        assert "argon2" not in await page.content()  # no password hash ever reaches the page
        assert await _missing_texts(page) == []
    finally:
        await context.close()
    user = site.server.auth.user_by_name("tom_dad")
    assert user is not None and user.person_ids == ["tom"] and user.name == "Wang Jun"

    context, page = await new_page(browser, site, "en-US")
    try:
        await log_in(page, "tom_dad", TOM_DAD_PASSWORD, "guardian")
        assert [await a.inner_text() for a in await page.locator("#nav a").all()] \
            == ["My children"]
        children = page.locator("[data-child]")
        assert await children.evaluate_all("els => els.map(e => e.dataset.child)") == ["tom"]
        await _go(page, "users")  # typed by hand: the API refuses, the page says so
        await page.wait_for_selector("main >> text=Not allowed")
    finally:
        await context.close()


async def test_admin_manages_tokens_disables_and_resets_a_user(
        site: Site, browser: Browser) -> None:
    nanny = await site.hub.async_add_executor_job(
        site.server.auth.add_user, "lina_nanny", "nanny's first pass", Role.GUARDIAN, "",
        ["lina"])
    context, page = await new_page(browser, site, "en-US")
    nanny_context, nanny_page = await new_page(browser, site, "en-US")
    try:
        await log_in(nanny_page, "lina_nanny", "nanny's first pass", "guardian")
        await log_in(page, "admin", ADMIN_PASSWORD, "dashboard")
        await _go(page, "users")
        row = page.locator("#users tr[data-user=lina_nanny]")
        await row.locator("button:has-text('Manage')").click()
        panel = page.locator("#user-panel[data-user=lina_nanny]")
        await panel.wait_for()
        await panel.locator("#user-tokens:has-text('No access tokens')").wait_for()

        await panel.locator("#user-token input[name=token_name]").fill("wechat bot")
        await panel.locator("#user-token button[type=submit]").click()
        await panel.locator("#user-tokens li:has-text('wechat bot')").wait_for()
        secret = await panel.locator("#new-token code.secret").inner_text()
        async with aiohttp.ClientSession(
                base_url=site.url, headers={"Authorization": f"Bearer {secret}"}) as bot:
            async with bot.get("/api/me/children") as r:
                assert [c["id"] for c in await r.json()] == ["lina"]
            # Opened again, the panel lists the token but never its secret.
            await row.locator("button:has-text('Manage')").click()
            await panel.locator("#new-token").wait_for(state="hidden")
            await panel.locator("#user-tokens li:has-text('wechat bot')").wait_for()
            assert secret not in await page.content()
            await panel.locator("#user-tokens li:has-text('wechat bot') button").click()
            await panel.locator("#user-tokens:has-text('No access tokens')").wait_for()
            async with bot.get("/api/me/children") as r:
                assert r.status == 401

        await row.locator("button.toggle:has-text('Disable')").click()
        nanny_row = "#users tr[data-user=lina_nanny]"
        await page.wait_for_selector(f"{nanny_row} .badge.bad:has-text('Disabled')")
        # The nanny's open session ends at once.
        assert await nanny_page.evaluate("fetch('/api/auth/me').then(r => r.status)") == 401
        await page.click("#users tr[data-user=lina_nanny] button.toggle:has-text('Enable')")
        await page.wait_for_selector("#users tr[data-user=lina_nanny] .badge.ok")

        await page.click("#users tr[data-user=lina_nanny] button:has-text('Manage')")
        reset = page.locator("#user-panel #user-password")
        await reset.locator("input[name=password]").fill("nanny's new passphrase")
        await reset.locator("input[name=password2]").fill("nanny's new passphrase")
        await reset.locator("button[type=submit]").click()
        await page.wait_for_selector("#user-panel [role=status]:has-text('Password reset')")
        await log_in(nanny_page, "lina_nanny", "nanny's new passphrase", "guardian")

        # The admin's own row offers neither disable nor delete.
        own = page.locator("#users tr[data-user=admin]")
        assert await own.locator("button.toggle, button.delete").count() == 0
        remove = page.locator("#users tr[data-user=lina_nanny] button.delete")
        await remove.click()
        await remove.filter(has_text="Really delete lina_nanny").click()
        await page.wait_for_selector("#users-status:has-text('User lina_nanny deleted')")
        assert await page.locator("#users tr[data-user=lina_nanny]").count() == 0
        assert await nanny_page.evaluate("fetch('/api/auth/me').then(r => r.status)") == 401
    finally:
        await context.close()
        await nanny_context.close()
    assert site.server.auth.users.get(nanny.id) is None


async def test_operator_has_no_users_page_and_the_api_refuses(
        site: Site, browser: Browser) -> None:
    context, page = await new_page(browser, site, "en-US")
    try:
        await log_in(page, "operator", OPERATOR_PASSWORD, "dashboard")
        nav = [await a.inner_text() for a in await page.locator("#nav a").all()]
        assert "Notifications" in nav and "Schedules" in nav and "Users" not in nav
        await _go(page, "users")
        await page.wait_for_selector("main >> text=Not allowed")
        assert await page.locator("#add-user").count() == 0
        assert await page.evaluate("fetch('/api/users').then(r => r.status)") == 403
        # Even through the page's own client, with the session's CSRF token: refused by role.
        status = await page.evaluate("""import('/static/api.js').then(m => m.api('/api/users',
            {method: 'POST', json: {username: 'sneaky', password: 'long enough pass',
                                    role: 'admin'}}).then(() => 201, e => e.status))""")
        assert status == 403
    finally:
        await context.close()
    assert site.server.auth.user_by_name("sneaky") is None


async def test_dead_letters_show_their_error_and_retry_sends_them_again(
        site: Site, browser: Browser, hook_port: int) -> None:
    outbox: Outbox = site.hub.data["notify_outbox"]
    ids = []
    for text in ("Gate 3 jammed", "East gate offline"):
        result = await site.hub.services.async_call(
            "notify", "send", {"targets": ["guard_desk"], "message": text})
        ids.extend(result["queued"])
    first, second = ids
    for message_id in ids:
        await wait_until(lambda m=message_id: _status(outbox, m, OutboxStatus.dead),
                         "dead-lettered: nothing listens on the hook's port")

    receiver = HeldReceiver()
    context, page = await new_page(browser, site, "en-US")
    try:
        await log_in(page, "admin", ADMIN_PASSWORD, "dashboard")
        await _go(page, "notifications")
        await page.wait_for_selector(".page-notifications .live.on")  # subscribed to outcomes
        await page.select_option("select[name=status]", "sent")
        await page.wait_for_selector("#outbox td:has-text('No notifications')")
        await page.select_option("select[name=status]", "dead")
        row = page.locator(f"#outbox tr[data-message='{first}']")
        await row.wait_for()
        assert await page.locator("#outbox tr[data-status=dead]").count() == 2
        assert "unreachable" in await row.locator(".last-error").inner_text()
        assert "Gate 3 jammed" in await row.inner_text()
        assert "dead 2" in await page.inner_text("#outbox-counts")

        await receiver.start(hook_port)  # the cause is fixed: the hook answers now
        await row.locator("button.retry").click()
        await page.wait_for_selector("#outbox-status:has-text('1 queued again')")
        await row.wait_for(state="detached")  # no longer dead
        await page.select_option("select[name=status]", "pending")
        pending = page.locator(f"#outbox tr[data-message='{first}'][data-status=pending]")
        await pending.wait_for()
        assert await pending.locator(".attempts").inner_text() == "0"
        assert await _status(outbox, first, OutboxStatus.pending)

        await page.select_option("select[name=status]", "dead")
        await page.wait_for_selector(f"#outbox tr[data-message='{second}']")
        await page.click("#retry-all")
        await page.wait_for_selector(f"#outbox tr[data-message='{second}']", state="detached")
        assert await _status(outbox, second, OutboxStatus.pending)

        # Both are held at the receiver; let them through and the page updates by itself.
        await page.select_option("select[name=status]", "")
        await page.wait_for_selector(f"#outbox tr[data-message='{second}'][data-status=pending]")
        await wait_until(lambda: len(set(receiver.keys)) == 2, "both posted to the hook")
        receiver.release.set()
        for message_id in ids:
            await page.wait_for_selector(
                f"#outbox tr[data-message='{message_id}'][data-status=sent]")
        assert not await page.locator("#retry-all").is_visible()
    finally:
        await context.close()
        await receiver.stop()


async def test_schedules_page_lists_a_schedule_and_admins_edit_it(
        site: Site, browser: Browser) -> None:
    schedules = site.store.schedules
    coming = date.today() + timedelta(days=40)
    await schedules.async_add_holiday("cn_public", coming, "holiday")
    await schedules.async_add_holiday("cn_public", date(2020, 10, 1), "National Day 2020")
    async with aiohttp.ClientSession(
            base_url=site.url, headers={"Authorization": f"Bearer {site.tokens['admin']}"}) as api:
        async with api.put("/api/schedules/school_days", json={
                "name": "School days", "windows": ["mon-fri 07:00-17:30"],
                "calendars": ["cn_public"]}) as r:
            assert r.status == 200
        async with api.post("/api/schedules/school_days/assign",
                            json={"subject_type": "group", "subject": "class_3a"}) as r:
            assert r.status == 201

    context, page = await new_page(browser, site, "en-US")
    try:
        await log_in(page, "operator", OPERATOR_PASSWORD, "dashboard")
        await _go(page, "schedules")
        card = page.locator("[data-schedule=school_days]")
        assert "School days" in await card.locator("h2").inner_text()
        assert await card.locator(".windows").inner_text() == "Mon–Fri 07:00-17:30"
        holidays = await card.locator(".holidays").inner_text()
        assert coming.isoformat() in holidays and "and 1 past day(s)" in holidays
        assert "class_3a" in await card.locator(".assignments").inner_text()
        assert "only administrators" in await page.inner_text("#read-only")
        assert await page.locator("#schedule-form, button.edit, form.assign").count() == 0
    finally:
        await context.close()

    context, page = await new_page(browser, site, "en-US")
    try:
        await log_in(page, "admin", ADMIN_PASSWORD, "dashboard")
        await _go(page, "schedules")
        assert await page.locator("#read-only").count() == 0
        await page.click("[data-schedule=school_days] button.edit")
        form = page.locator("#schedule-form")
        assert await form.locator("input[name=id]").input_value() == "school_days"
        await form.locator("textarea[name=windows]").fill("mon-fri 07:00-17:30\nsat 08:00-12:00")
        await form.locator("button[type=submit]").click()
        await page.wait_for_selector(
            "[data-schedule=school_days] .windows li:has-text('Sat 08:00-12:00')")

        await form.locator("input[name=id]").fill("late_club")
        await form.locator("textarea[name=windows]").fill("someday")
        await form.locator("button[type=submit]").click()
        await form.locator(".error:has-text('mon-fri')").wait_for()
        await form.locator("textarea[name=windows]").fill("mon,wed 17:30-19:00")
        await form.locator("input[name=name]").fill("After-school club")
        await form.locator("button[type=submit]").click()
        card = page.locator("[data-schedule=late_club]")
        await card.wait_for()
        assert await card.locator(".windows").inner_text() == "Mon, Wed 17:30-19:00"

        await card.locator("form.assign select[name=subject_type]").select_option("person")
        await card.locator("form.assign input[name=subject]").fill("tom")
        await card.locator("form.assign input[name=target]").fill("east_gate")
        await card.locator("form.assign button[type=submit]").click()
        await page.wait_for_selector(
            "[data-schedule=late_club] .assignments:has-text('Person tom · east_gate')")
    finally:
        await context.close()
    stored = await schedules.async_get("late_club")
    assert stored is not None and stored.name == "After-school club"
    assert await schedules.async_assignments("late_club") == [("person", "tom", "east_gate")]


async def test_office_pages_in_chinese(site: Site, browser: Browser) -> None:
    context, page = await new_page(browser, site, "zh-CN")
    try:
        await log_in(page, "admin", ADMIN_PASSWORD, "dashboard")
        nav = [await a.inner_text() for a in await page.locator("#nav a").all()]
        assert {"用户", "通知", "通行时段"} <= set(nav)
        await _go(page, "users")
        text = await page.inner_text("main")
        for label in ("用户名", "显示名称", "角色", "可查看的孩子", "新增用户", "再次输入密码",
                      "管理员", "值班员", "监护人", "创建用户"):
            assert label in text, label
        await _go(page, "notifications")
        text = await page.inner_text("main")
        for label in ("通知", "刷新", "接收人", "最后的错误", "发送失败"):
            assert label in text, label
        await _go(page, "schedules")
        text = await page.inner_text("main")
        for label in ("通行时段", "时间窗口", "节假日（不开放）", "适用对象", "新增时间表"):
            assert label in text, label
        assert await _missing_texts(page) == []
    finally:
        await context.close()


async def test_every_text_exists_in_both_languages(site: Site, browser: Browser) -> None:
    context, page = await new_page(browser, site, "en-US")
    try:
        await page.goto("/")
        await page.wait_for_selector("body[data-ready=login]")
        tables = await page.evaluate(
            "import('/static/i18n.js').then(m => [m.keys('zh-CN'), m.keys('en')])")
    finally:
        await context.close()
    chinese, english = (set(table) for table in tables)
    assert chinese == english, {"only zh-CN": chinese - english, "only en": english - chinese}
    # Every key written literally in the pages is in the table ("nav.users", "sched.add" …).
    prefixes = {key.split(".")[0] for key in english}
    used = {key for key in _literals(STATIC) if key.split(".")[0] in prefixes}
    assert used and used <= english, sorted(used - english)


def _literals(folder: Path) -> set[str]:
    """String literals that look like text keys ("sched.add") in the UI's scripts."""
    found: set[str] = set()
    for source in folder.rglob("*.js"):
        found |= set(re.findall(r"\"([a-z][A-Za-z0-9_]*\.[A-Za-z0-9_.]+)\"", source.read_text()))
    return found
