"""A real hub with the face engine and a real headless Chromium, shared by the UI tests.

Chromium is Debian's (`apt-get install chromium`), driven by playwright's
Python package; `playwright install` is never needed. Missing Chromium or
face data fails the tests with the fix, never skips them.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from playwright.async_api import Browser, BrowserContext, Page, async_playwright

from tests.http.sitefixture import Site, add_class, require_face_data, start_site

CHROMIUM = os.environ.get("MENJIN_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
    # A synthetic camera (a test pattern, no face) for the getUserMedia path.
    "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
]


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def site(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Site]:
    """A school site with the face engine, a class, and one user per role."""
    try:
        require_face_data()
    except RuntimeError as err:
        pytest.fail(str(err), pytrace=False)
    os.environ.setdefault("MENJIN_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    instance = await start_site(tmp_path_factory.mktemp("ui") / "config", face=True)
    await add_class(instance)
    yield instance
    await instance.hub.async_stop()


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def browser() -> AsyncIterator[Browser]:
    """Debian's headless Chromium."""
    if shutil.which(CHROMIUM) is None:
        pytest.fail(f"Chromium not found at {CHROMIUM}: `apt-get install -y chromium` "
                    "(or set MENJIN_CHROMIUM)", pytrace=False)
    async with async_playwright() as playwright:
        instance = await playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield instance
        await instance.close()


async def new_page(browser: Browser, site: Site, locale: str = "zh-CN"
                   ) -> tuple[BrowserContext, Page]:
    """A fresh browser profile (no cookies) in a language, with camera permission."""
    context = await browser.new_context(locale=locale, viewport={"width": 1280, "height": 860},
                                        base_url=site.url)
    await context.grant_permissions(["camera"], origin=site.url)
    page = await context.new_page()
    page.set_default_timeout(30_000)
    return context, page


async def log_in(page: Page, username: str, password: str, landing: str) -> None:
    """Log in through the form and wait until the landing page has drawn its data."""
    await page.goto("/")
    await page.wait_for_selector("body[data-ready=login]")
    await page.fill("input[name=username]", username)
    await page.fill("input[name=password]", password)
    await page.click("button[type=submit]")
    await page.wait_for_selector(f"body[data-ready={landing}]")


async def wait_until_live(page: Page, *event_types: str) -> None:
    """Wait until the hub has confirmed the page's live subscriptions (no guessing a delay)."""
    await page.evaluate("""types => import('/static/live.js').then(live => new Promise(done => {
        const check = () => {
            if (!live.isLive(types)) return;
            document.removeEventListener('menjin:live', check);
            done();
        };
        document.addEventListener('menjin:live', check);
        check();
    }))""", list(event_types))
