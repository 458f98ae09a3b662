"""Every page a role's navigation offers, in both languages, on a laptop and a phone.

Each page must open, read right-to-left in Arabic, fit a 360 px screen, have no serious
accessibility violation (axe-core) and weigh under 300 KB once its assets are cached. The
screenshots land in var/screenshots for people to look at.
"""

from __future__ import annotations

import pytest

from tests.browser.conftest import LAPTOP, PHONE

PAGE_BUDGET = 300 * 1024


def tour(visitor, language: str, *, check_accessibility: bool) -> list[str]:
    """Opens each page of the navigation; returns the problems found, one line each."""
    visitor.switch_language(language)
    problems = []
    links = visitor.nav_links()
    assert len(links) >= 2, "the navigation offers pages"
    for label, path in links:
        visitor.open(path)  # the first visit fills the cache
        page = visitor.open(path)
        name = path.strip("/").replace("/", "-") or "today"
        if page.locator("html").get_attribute("dir") != ("rtl" if language == "ar" else "ltr"):
            problems.append(f"{path} ({language}): wrong direction")
        if visitor.overflows():
            problems.append(f"{path} ({language}): wider than the screen")
        if (weight := visitor.weight()) > PAGE_BUDGET:
            problems.append(f"{path} ({language}): {weight} bytes after the first visit")
        if check_accessibility:
            for violation in visitor.accessibility_violations():
                problems.append(f"{path} ({language}): axe {violation['id']}: {violation['help']}")
        visitor.screenshot(name)
        assert label
    return problems


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_coordinators_pages_work_on_a_laptop_and_a_phone(visit, language):
    laptop = visit("coordinator", viewport=LAPTOP)
    laptop.sign_in("coordinator")
    assert len(laptop.nav_links()) >= 4
    problems = tour(laptop, language, check_accessibility=True)
    # The same session on a phone's screen (a second sign-in would reuse the authenticator code).
    laptop.page.set_viewport_size(PHONE)
    problems += tour(laptop, language, check_accessibility=False)
    assert problems == []


@pytest.mark.parametrize("username", ["crossing", "liaison", "returns", "referral", "analyst"])
def test_each_roles_pages_work_on_a_phone_in_arabic(visit, username):
    phone = visit(username, viewport=PHONE)
    phone.sign_in(username)
    assert tour(phone, "ar", check_accessibility=True) == []
