"""The check-in screen in a real browser: a scanner types a code and Enter, on a phone."""

from __future__ import annotations

from corridor.accounts.models import Party
from corridor.crossings import services
from corridor.crossings.check_in import check_in_code
from corridor.crossings.models import Batch, BatchKind, BatchStatus, Clearance
from tests.browser.conftest import PHONE


def _batch_3() -> Batch:
    return Batch.objects.get(kind=BatchKind.EVACUATION, status=BatchStatus.POSTPONED)


def test_a_crossing_officer_scans_people_in_on_a_phone_in_arabic(visit):
    batch = _batch_3()
    cleared, waiting = list(batch.members.filter(active=True).order_by("seat")[:2])
    # The authority re-confirmed the first person's clearance for the new date; not the second.
    authority = Party.objects.get(code="crossing-authority")
    services.record_clearance(cleared, Clearance.CLEARED, party=authority, actor=None)
    officer = visit("crossing", viewport=PHONE)
    officer.sign_in("crossing")
    officer.switch_language("ar")
    page = officer.open(f"/crossing/batches/{batch.pk}/check-in/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    page.wait_for_function("document.activeElement && document.activeElement.name === 'code'")

    # A scanner is a keyboard: it types the code, then Enter.
    page.keyboard.type(check_in_code(cleared))
    with page.expect_navigation():
        page.keyboard.press("Enter")

    result = page.locator(".result")
    assert "result-checked_in" in (result.get_attribute("class") or "")
    assert cleared.person.name_ar in result.inner_text()
    page.wait_for_function(
        "document.activeElement && document.activeElement.name === 'code'"
    )  # ready for the next one
    assert not officer.overflows()
    assert officer.accessibility_violations() == []
    officer.screenshot("check-in")

    page.keyboard.type(check_in_code(waiting))
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert "result-not_cleared" in (page.locator(".result").get_attribute("class") or "")
    waiting.refresh_from_db()
    assert waiting.checked_in_at is None
    assert not officer.overflows()
    assert officer.accessibility_violations() == []
    officer.screenshot("check-in-not-cleared")


def test_the_manifest_pdf_downloads_from_the_batch_page(visit):
    batch = _batch_3()
    coordinator = visit("coordinator")
    coordinator.sign_in("coordinator")
    coordinator.switch_language("en")
    page = coordinator.open(f"/crossing/batches/{batch.pk}/")

    response = page.request.get(coordinator.base + f"/crossing/batches/{batch.pk}/manifest.pdf")

    assert response.status == 200
    assert response.body().startswith(b"%PDF-")
    assert page.locator(f'a[href="/crossing/batches/{batch.pk}/manifest.pdf"]').count() == 1
