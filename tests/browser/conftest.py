"""The browser harness: Debian's Chromium driven by Playwright against a live Corridor.

Each test gets the Rafah scenario loaded small (the story of the first week, with the demo users)
into the test database, served by a live server on the demo clock of Thursday 5 February 2026.
A missing browser fails the run: browser tests never skip.
"""

from __future__ import annotations

import datetime
import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from django.test import override_settings
from django.utils import translation
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright

from corridor.scenarios import rafah_2026_02
from corridor.scenarios.demo_users import create_demo_users

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make between
# page actions are ordinary synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CORRIDOR_CHROMIUM", "/usr/bin/chromium")
PASSWORD = "browser-pass-1"
DEMO_DATE = datetime.date(2026, 2, 5)
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
PHONE = {"width": 360, "height": 780}
LAPTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


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


@pytest.fixture
def site(django_db_setup: None, django_db_blocker: pytest.FixtureRequest, live_server) -> Iterator[str]:
    """The live server's address, with the small Rafah scenario and the demo users loaded."""
    with django_db_blocker.unblock(), override_settings(CORRIDOR_DEMO_DATE=DEMO_DATE):
        rafah_2026_02.load(7, waiting_cases=400, return_registrations=400)
        with translation.override("en"):
            create_demo_users(PASSWORD, mfa=True)
        try:
            yield live_server.url
        finally:
            call_command("flush", interactive=False, verbosity=0)


@dataclass
class Visitor:
    """A person at a browser: signs in, opens pages, looks at them."""

    page: Page
    base: str
    name: str

    def open(self, path: str) -> Page:
        response = self.page.goto(self.base + path)
        assert response is not None and response.status < 400, f"{path}: {response and response.status}"
        return self.page

    def sign_in(self, username: str, secret: str | None = None) -> None:
        from tests.helpers import totp_code

        self.page.goto(self.base + "/accounts/login/")
        self.page.get_by_label(re.compile("Username|اسم المستخدم")).fill(username)
        self.page.get_by_label(re.compile("Password|كلمة المرور")).fill(PASSWORD)
        self.page.get_by_role("button", name=re.compile("Sign in|تسجيل الدخول|دخول")).click()
        if secret:
            self.page.get_by_label(re.compile("Code|الرمز")).fill(totp_code(secret))
            self.page.get_by_role("button", name=re.compile("Sign in|Verify|دخول|تحقق")).click()
        self.page.wait_for_load_state()
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
def visit(browser: Browser, site: str, request: pytest.FixtureRequest) -> Iterator:
    """Opens a visitor: `visit("coordinator")` or `visit("liaison", viewport=PHONE)`."""
    contexts: list[BrowserContext] = []

    def open_visitor(name: str, viewport: dict[str, int] | None = None) -> Visitor:
        context = _context(browser, viewport or LAPTOP)
        contexts.append(context)
        test = request.node.name.removeprefix("test_")[:40]
        return Visitor(context.new_page(), site, f"{test}-{name}")

    yield open_visitor
    for context in contexts:
        context.close()
