"""The batch page in a real browser: batch 3 of the demo, re-cleared, confirmed and crossing."""

from __future__ import annotations

from corridor.crossings.models import Batch, BatchKind, BatchStatus, Movement
from tests.browser.conftest import PHONE


def _batch_3() -> Batch:
    return Batch.objects.get(kind=BatchKind.EVACUATION, status=BatchStatus.POSTPONED)


def test_a_coordinator_reclears_confirms_and_marks_batch_3_crossing(visit):
    batch = _batch_3()
    coordinator = visit("coordinator")
    coordinator.sign_in("coordinator")
    coordinator.switch_language("en")
    page = coordinator.open(f"/crossing/batches/{batch.pk}/")
    assert "Postponed" in page.locator(".state").inner_text()
    assert page.locator("#events .no-reason").count() == 1  # cancelled, no reason given
    assert page.locator("#replan").count() == 1
    assert not coordinator.overflows()
    assert coordinator.accessibility_violations() == []
    coordinator.screenshot("batch-3")

    # Confirming first is refused, in place, with the reason.
    page.locator("#actions summary", has_text="Confirm coordination").click()
    page.locator("form[action$='/confirm/'] button[type=submit]").click()
    assert "still to be re-confirmed" in page.locator("#batch .notice-error").inner_text()

    # The authority's answers, pasted: everyone cleared again for the new date.
    ids = batch.members.filter(active=True).values_list("person__national_id", flat=True)
    page.locator("#actions summary", has_text="returned clearance list").click()
    page.locator("#id_results-text").fill("\n".join(f"{n}, cleared" for n in ids))
    with page.expect_navigation():
        page.locator("#actions form[enctype] button[type=submit]").click()
    assert "To look at: 0" in page.locator("#results-report").inner_text()

    page.locator("#actions summary", has_text="Confirm coordination").click()
    page.locator("form[action$='/confirm/'] button[type=submit]").click()
    page.locator("#batch .notice, #batch .notice-error").first.wait_for()
    assert "is confirmed" in page.locator("#batch .notice, #batch .notice-error").first.inner_text()
    assert page.locator(".state").inner_text() == "Coordination confirmed"

    # The first patient crosses; the keyboard stays on the manifest.
    page.locator("#seat-1 button[value=crossed]").click()
    page.locator("#batch .notice", has_text="crossed").wait_for()
    assert page.locator("#seat-1 .outcome").inner_text() == "Crossed"
    page.wait_for_function(
        "document.activeElement && document.activeElement.closest('tr') !== null"
    )
    assert Movement.objects.filter(batch=batch).count() == 1
    assert coordinator.accessibility_violations() == []
    coordinator.screenshot("batch-3-crossing")


def test_a_crossing_officer_reads_batch_3_on_a_phone_in_arabic(visit):
    batch = _batch_3()
    officer = visit("crossing", viewport=PHONE)
    officer.sign_in("crossing")
    officer.switch_language("ar")
    page = officer.open(f"/crossing/batches/{batch.pk}/")

    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("#actions").count() == 0  # nothing to move for a crossing officer
    assert page.locator("#seat-1").is_visible()
    assert not officer.overflows()
    assert officer.accessibility_violations() == []
    officer.screenshot("batch-3")
