"""`menjin bench ui`: web UI page load times and live-decision latency, in real Chromium.

Starts a hub on a temporary demo-like school site (a class of pupils with
guardians and consents, two gates, a morning's access log), opens each page
in Debian's headless Chromium and reads the page's own `menjin:ready:<page>`
performance mark (milliseconds from navigation start to the page drawn with
its data). Live latency is the time from the hub firing `access_decision`
to the row being in the dashboard, measured in the browser against the
event's `time_fired` (same machine, same clock). `--screenshots DIR` saves
the dashboard and the guardian page. Needs the `playwright` package (not
its browsers) and `apt-get install chromium`.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import tempfile
import textwrap
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hub.auth.models import Role
from hub.bench.report import print_results, summarise
from hub.bootstrap import async_from_config_dir
from hub.core import Hub
from hub.http.server import HubHTTP
from hub.people.access_log import AccessRecord
from hub.people.const import CredentialType, Decision, Direction, PassageOutcome, PersonKind
from hub.people.model import Person
from hub.people.store import PeopleStore
from hub.privacy.const import Purpose
from hub.privacy.keys import SiteKey

if TYPE_CHECKING:
    from playwright.async_api import Browser, Page

CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
PAGES = {"login": "/#/login", "dashboard": "/#/", "people": "/#/people",
         "person": "/#/people/s01", "log": "/#/log", "traces": "/#/traces",
         "devices": "/#/devices", "guardian": "/#/guardian"}
SURNAMES = "李王张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "娜涛明华丽军芳伟静磊洋艳勇杰娟强敏秀英"
# A bench user's password: random per run, never a default.
PASSWORD_BYTES = 12


def register_bench(targets: Any) -> None:
    """Add the `ui` benchmark target."""
    parser: argparse.ArgumentParser = targets.add_parser(
        "ui", help="web UI page load time and live decision latency (headless Chromium)")
    parser.add_argument("--chromium", default="/usr/bin/chromium", help="Chromium binary")
    parser.add_argument("--loads", type=int, default=10, help="loads per page")
    parser.add_argument("--decisions", type=int, default=50, help="live decisions to time")
    parser.add_argument("--pupils", type=int, default=40, help="pupils on the demo site")
    parser.add_argument("--screenshots", type=Path, help="save dashboard and guardian PNGs here")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(func=run_bench)


def run_bench(args: argparse.Namespace) -> int:
    """Run the measurements and print them."""
    print_results(asyncio.run(async_measure(args)), args.json)
    return 0


def _write_config(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "configuration.yaml").write_text(textwrap.dedent("""\
        menjin:
          name: 向日葵小学 Sunflower Primary School
          time_zone: Asia/Shanghai
        http:
          server_port: 0
        people: {}
        access:
          zones:
            school: {name: 校园 School grounds, anti_passback: logical}
          gates:
            main_gate: {name: 正门 Main gate, zone: school}
            east_gate: {name: 东门 East gate, zone: school}
            staff_door: {name: 教工通道 Staff door, zone: school}
        """))
    (folder / "secrets.yaml").write_text(f"site_key: {SiteKey.generate().as_text()}\n")


async def _start_site(folder: Path) -> Hub:
    await asyncio.to_thread(_write_config, folder)
    hub, results = await async_from_config_dir(folder)
    failed = [name for name, result in results.items() if not result.ok]
    if failed:
        await hub.async_stop()
        raise RuntimeError(f"bench site did not start: {failed}")
    return hub


async def _fill_site(store: PeopleStore, pupils: int) -> None:
    """A class of pupils with guardians and consents, and a morning's access log."""
    rng = random.Random(7)
    now = datetime.now(UTC)
    for index in range(1, pupils + 1):
        person_id = f"s{index:02d}"
        name = SURNAMES[index % len(SURNAMES)] + GIVEN[(index * 7) % len(GIVEN)]
        await store.persons.async_add(Person(
            person_id, name, PersonKind.student, groups=frozenset({f"class_{1 + index % 2}a"}),
            birth_date=date(2016 + index % 3, 1 + index % 12, 1 + index % 28)))
        guardian = await store.persons.async_add_guardian(
            person_id, f"{name[0]}家长", "mother" if index % 2 else "father",
            [f"app:parent_{person_id}"])
        if index % 7:  # some families declined face capture: cards for them
            await store.consents.async_grant(person_id, Purpose.gate_entry, guardian.name,
                                             "paper", "v1", guardian.id)
        else:
            await store.credentials.async_add_card(person_id, f"{10000000 + index}")
    for minute in range(pupils * 2):
        person = f"s{1 + minute % pupils:02d}"
        fever = rng.random() < 0.03
        record = AccessRecord(
            decision=Decision.denied if fever else Decision.granted,
            gate_id=rng.choice(["main_gate", "east_gate"]),
            direction=Direction.entry if minute < pupils else Direction.exit,
            person_id=person, credential_type=CredentialType.face, score=0.6 + rng.random() / 3,
            temperature=38.1 if fever else 36.5, rule="school_entry",
            reasons=("temperature 38.1 above 37.3",) if fever else (),
            ts=now - timedelta(minutes=pupils * 2 - minute))
        access_id = await store.access_log.async_record(record)
        if not fever:
            await store.access_log.async_confirm_passage(
                access_id, PassageOutcome.passed, when=record.ts)


async def _load_time(page: Page, url: str, name: str) -> float:
    await page.goto("about:blank")  # a hash change alone would not reload the page
    await page.goto(url)
    await page.wait_for_selector(f"body[data-ready={name}]")
    value = await page.evaluate(
        "name => performance.getEntriesByName('menjin:ready:' + name)[0].startTime", name)
    return float(value)


async def _log_in(page: Page, url: str, username: str, password: str) -> None:
    await page.goto(url + "/#/login")
    await page.wait_for_selector("body[data-ready=login]")
    await page.fill("input[name=username]", username)
    await page.fill("input[name=password]", password)
    await page.click("button[type=submit]")
    await page.wait_for_selector("body[data-ready]:not([data-ready=login])")


async def _measure_pages(browser: Browser, url: str, password: str, loads: int
                         ) -> dict[str, Any]:
    context = await browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 860})
    page = await context.new_page()
    await _log_in(page, url, "admin", password)
    results: dict[str, Any] = {}
    for name, path in PAGES.items():
        if name in ("login", "guardian"):
            continue
        times = [await _load_time(page, url + path, name) for _ in range(loads)]
        results[name] = summarise(times, digits=1)
    await context.close()
    context = await browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 860})
    page = await context.new_page()
    results["login"] = summarise([await _load_time(page, url + "/", "login")
                                  for _ in range(loads)], digits=1)
    await context.close()
    return results


async def _measure_live(hub: Hub, browser: Browser, url: str, password: str, decisions: int,
                        screenshots: Path | None) -> dict[str, float]:
    context = await browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 860})
    page = await context.new_page()
    await _log_in(page, url, "admin", password)
    await page.wait_for_selector(".live.on")
    rng = random.Random(3)
    for index in range(decisions):
        person = f"s{1 + index % 20:02d}"
        fever = index % 9 == 4
        decision = await hub.services.async_call("access", "deny" if fever else "grant", {
            "gate": rng.choice(["main_gate", "east_gate"]), "person_id": person,
            "credential": "face", "score": round(0.6 + rng.random() / 3, 3),
            "temperature": 38.2 if fever else 36.6,
            "reasons": ["temperature 38.2 above 37.3"] if fever else []})
        if not fever:  # these gates have no turnstile here: the person walks through
            await _passed(hub, decision)
        await asyncio.sleep(0.02)
    await page.wait_for_function(f"window.__menjin.latencies.length >= {decisions}")
    latencies = [float(v) for v in await page.evaluate("window.__menjin.latencies")]
    if screenshots is not None:
        await hub.services.async_call("access", "deny", {
            "gate": "east_gate", "person_id": None, "credential": "face",
            "reasons": ["unknown face: guard alerted"]})
        await page.wait_for_timeout(600)
        await page.screenshot(path=str(screenshots / "dashboard.png"), full_page=False)
    await context.close()
    return summarise(latencies, digits=1)


async def _passed(hub: Hub, decision: dict[str, Any]) -> None:
    await hub.data["people_store"].access_log.async_confirm_passage(
        decision["access_id"], PassageOutcome.passed)


async def _guardian_screenshot(hub: Hub, browser: Browser, url: str, password: str,
                               folder: Path) -> None:
    context = await browser.new_context(locale="zh-CN", viewport={"width": 1100, "height": 860})
    page = await context.new_page()
    await _log_in(page, url, "parent_s01", password)
    await page.wait_for_selector("body[data-ready=guardian]")
    await _passed(hub, await hub.services.async_call("access", "grant", {
        "gate": "main_gate", "person_id": "s01", "credential": "face", "score": 0.81}))
    await page.wait_for_timeout(600)
    await page.screenshot(path=str(folder / "guardian.png"), full_page=True)
    await context.close()


async def async_measure(args: argparse.Namespace) -> dict[str, Any]:
    """Start the site and the browser, measure, stop both."""
    try:
        from playwright.async_api import async_playwright
    except ImportError as err:
        raise SystemExit("menjin bench ui needs the playwright package: "
                         "pip install playwright (its browsers are not needed)") from err
    import secrets

    password = secrets.token_urlsafe(PASSWORD_BYTES)
    with tempfile.TemporaryDirectory() as tmp:
        started = time.monotonic()
        hub = await _start_site(Path(tmp) / "config")
        try:
            store: PeopleStore = hub.data["people_store"]
            await _fill_site(store, args.pupils)
            server: HubHTTP = hub.data["http"]
            await hub.async_add_executor_job(server.auth.add_user, "admin", password,
                                             Role.ADMIN)
            await hub.async_add_executor_job(server.auth.add_user, "parent_s01", password,
                                             Role.GUARDIAN, "李家长", ["s01"])
            ready = time.monotonic() - started
            if args.screenshots is not None:
                args.screenshots.mkdir(parents=True, exist_ok=True)
            async with async_playwright() as playwright:
                browser = await playwright.chromium.launch(
                    executable_path=args.chromium, args=CHROMIUM_ARGS, headless=True)
                try:
                    pages = await _measure_pages(browser, server.url, password, args.loads)
                    live = await _measure_live(hub, browser, server.url, password,
                                               args.decisions, args.screenshots)
                    if args.screenshots is not None:
                        await _guardian_screenshot(hub, browser, server.url, password,
                                                   args.screenshots)
                finally:
                    await browser.close()
        finally:
            await hub.async_stop()
    worst = max(stats["median"] for stats in pages.values())
    return {
        "pupils": args.pupils, "loads_per_page": args.loads, "site_ready_s": round(ready, 2),
        "page_load_ms": pages, "page_load_worst_median_ms": worst,
        "page_load_target_ms": 300, "live_decisions": args.decisions,
        "live_latency_ms": live, "live_latency_target_ms": 200,
    }
