"""Browser tests: Playwright drives Debian's chromium (never a downloaded browser)."""

import os
import shutil

import pytest

from conftest import _service_missing

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM):
        _service_missing("needs Debian's chromium at /usr/bin/chromium (.ci/run installs it)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the tests' own ORM calls are plain
    # sync code. Set only while the browser runs, so no other test (or subprocess) inherits it.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()
    del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900}, locale="sv-SE")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def serious_violations(page) -> list[str]:
    """axe-core's serious and critical violations on the page (axe ships in the pip package)."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} – {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


# The password of the users the browser tests create and log in as.
PASSWORD = "a-long-e2e-password"


@pytest.fixture
def as_user(browser, live_server):
    """A fresh browser context per user (1280 px wide unless told), logged in through the login page;
    all closed at the end."""
    contexts = []

    def _as_user(username: str, width: int = 1280):
        context = browser.new_context(
            base_url=live_server.url, viewport={"width": width, "height": 900}, locale="sv-SE"
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.goto("/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", PASSWORD)
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert "/login/" not in page.url, f"{username} could not log in"
        return page

    yield _as_user
    for context in contexts:
        context.close()
