"""The Today page in a real browser: the story of the demo's Thursday, in English and Arabic."""

from __future__ import annotations

from tests.browser.conftest import PHONE


def test_a_coordinator_signs_in_with_a_second_factor_and_sees_batch_3_postponed(visit):
    coordinator = visit("coordinator")
    coordinator.sign_in("coordinator")
    coordinator.switch_language("en")
    page = coordinator.open("/")
    assert page.locator("h1").inner_text() == "Today"
    assert "Thursday 5 February 2026" in page.locator(".today-date").inner_text()
    batch = page.locator("article.batch-card", has_text="Batch 3")
    assert "Postponed" in batch.inner_text()
    assert "no reason given" in batch.inner_text()
    assert "first planned for Wed 4 Feb" in batch.inner_text()
    alert = page.locator(".alert.danger").first.inner_text()
    assert "Batch 3" in alert and "no reason given" in alert
    assert coordinator.accessibility_violations() == []
    coordinator.screenshot("today")


def test_today_reads_right_to_left_in_arabic_on_a_phone(visit):
    coordinator = visit("coordinator", viewport=PHONE)
    coordinator.sign_in("coordinator")
    coordinator.switch_language("ar")
    page = coordinator.open("/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("h1").inner_text() == "اليوم"
    # Nothing is wider than the phone's screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert coordinator.accessibility_violations() == []
    coordinator.screenshot("today")


def test_an_analyst_sees_the_crossings_but_no_batch(visit):
    analyst = visit("analyst")
    analyst.sign_in("analyst")
    analyst.switch_language("en")
    page = analyst.open("/")
    assert page.locator(".crossing-day").count() == 2
    assert page.locator("article.batch-card").count() == 0
    analyst.screenshot("today")
