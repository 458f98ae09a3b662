"""The browser harness: Debian's Chromium driven by Playwright against a live Corridor.

Each test gets the Rafah scenario loaded small (the story of the first week, with the demo users)
into the test database, served by a live server on the demo clock of Thursday 5 February 2026.
A missing browser fails the run: browser tests never skip.
"""

from __future__ import annotations

import datetime
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from django.test import override_settings
from django.utils import translation
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright

from corridor.scenarios import rafah_2026_02
from corridor.scenarios.demo_users import create_demo_users
from tests.helpers import totp_code

CHROMIUM = os.environ.get("CORRIDOR_CHROMIUM", "/usr/bin/chromium")
PASSWORD = "browser-pass-1"
DEMO_DATE = datetime.date(2026, 2, 5)
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
PHONE = {"width": 360, "height": 780}
LAPTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="session")
def playwright(django_db_setup: None) -> Iterator[Playwright]:
    # Playwright's sync API runs an event loop in this thread from here on; the ORM calls the
    # tests make between page actions are ordinary synchronous calls, which Django must allow.
    # The test database exists before the loop starts.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as driver:
            yield driver
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    if not Path(CHROMIUM).exists() and not shutil.which(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: install Debian's chromium package")
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM,
        args=["--no-sandbox", "--disable-dev-shm-usage", "--disable-background-networking"],
    )
    yield browser
    browser.close()


@dataclass
class Site:
    url: str
    secrets: dict[str, str]  # username: TOTP secret, for the users who need a second factor


@pytest.fixture
def site(django_db_setup: None, django_db_blocker: Any, live_server: Any) -> Iterator[Site]:
    """The live server, with the small Rafah scenario and the demo users (MFA on) loaded."""
    with django_db_blocker.unblock(), override_settings(CORRIDOR_DEMO_DATE=DEMO_DATE):
        rafah_2026_02.load(7, waiting_cases=400, return_registrations=400)
        with translation.override("en"):
            logins = create_demo_users(PASSWORD, mfa=True)
        try:
            yield Site(
                live_server.url, {x.username: x.totp_secret for x in logins if x.totp_secret}
            )
        finally:
            call_command("flush", interactive=False, verbosity=0)


@dataclass
class Visitor:
    """A person at a browser: signs in, opens pages, looks at them."""

    page: Page
    site: Site
    name: str

    @property
    def base(self) -> str:
        return self.site.url

    def open(self, path: str) -> Page:
        response = self.page.goto(self.base + path)
        assert response is not None and response.status < 400, (
            f"{path}: {response and response.status}"
        )
        return self.page

    def sign_in(self, username: str) -> None:
        """Signs in as a demo user, with the authenticator code where the role needs one."""
        self.page.goto(self.base + "/accounts/login/")
        form = self.page.locator("main form")
        form.locator("input[name=login]").fill(username)
        form.locator("input[name=password]").fill(PASSWORD)
        form.locator("button[type=submit]").click()
        self.page.wait_for_load_state()
        secret = self.site.secrets.get(username)
        if secret:
            code = self.page.locator("main form input[name=code]")
            code.fill(totp_code(secret))
            code.press("Enter")
            self.page.wait_for_load_state()
        # Signed in all the way: the page is Corridor's, with its navigation, not a sign-in step.
        assert "/accounts/" not in self.page.url, f"{username} stopped at {self.page.url}"
        assert "/accounts/login" not in self.page.url, f"{username} could not sign in"

    def switch_language(self, code: str) -> None:
        label = "العربية" if code == "ar" else "English"
        self.page.locator("form.lang").get_by_role("button", name=label).click()
        self.page.wait_for_load_state()
        assert self.page.locator("html").get_attribute("lang") == code

    def screenshot(self, name: str) -> Path:
        """Saves the page, whole, under var/screenshots (ignored by git) to be looked at."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        language = self.page.locator("html").get_attribute("lang") or "xx"
        width = self.page.viewport_size["width"] if self.page.viewport_size else 0
        path = SCREENSHOTS / f"{self.name}-{name}-{language}-{width}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def weight(self) -> int:
        """Bytes the current page cost over the network, its assets included."""
        return int(
            self.page.evaluate(
                "performance.getEntriesByType('navigation').concat("
                "performance.getEntriesByType('resource'))"
                ".reduce((sum, entry) => sum + entry.transferSize, 0)"
            )
        )

    def overflows(self) -> bool:
        """Whether the page is wider than the screen (a phone user would scroll sideways)."""
        return bool(
            self.page.evaluate(
                "document.documentElement.scrollWidth > document.documentElement.clientWidth"
            )
        )

    def nav_links(self) -> list[tuple[str, str]]:
        """The main navigation's links: (label, path)."""
        links = self.page.locator("nav.main-nav a")
        return [
            (links.nth(i).inner_text(), links.nth(i).get_attribute("href") or "")
            for i in range(links.count())
        ]

    def accessibility_violations(self) -> list[dict]:
        """axe-core's serious and critical violations on the current page."""
        results = Axe().run(self.page)
        return [
            v for v in results.response["violations"] if v.get("impact") in ("serious", "critical")
        ]


def _context(browser: Browser, viewport: dict[str, int]) -> BrowserContext:
    # axe-core is injected by evaluation, which the pages' CSP would block; the CSP itself is
    # tested without a browser in tests/web/test_security_headers.py.
    return browser.new_context(viewport=viewport, bypass_csp=True, locale="en-GB")


@pytest.fixture
def visit(browser: Browser, site: Site) -> Iterator:
    """Opens a visitor: `visit("coordinator")` or `visit("liaison", viewport=PHONE)`."""
    contexts: list[BrowserContext] = []

    def open_visitor(name: str, viewport: dict[str, int] | None = None) -> Visitor:
        context = _context(browser, viewport or LAPTOP)
        contexts.append(context)
        return Visitor(context.new_page(), site, name)

    yield open_visitor
    for context in contexts:
        context.close()
