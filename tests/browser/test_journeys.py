"""The stories of the issue, told in a real browser from sign-in to the page that shows them."""

from __future__ import annotations

import shutil
import subprocess

from corridor.crossings.models import Batch, BatchKind, BatchStatus, Movement


def test_thursday_batch_3_resumes_crosses_and_the_log_and_today_show_it(visit):
    """Sign in with a second factor, read Thursday's story, resume batch 3 and send it across."""
    batch = Batch.objects.get(kind=BatchKind.EVACUATION, status=BatchStatus.POSTPONED)
    coordinator = visit("coordinator")
    coordinator.sign_in("coordinator")
    coordinator.switch_language("en")

    today = coordinator.open("/")
    card = today.locator("article.batch-card", has_text=f"Batch {batch.number}")
    assert "Postponed" in card.inner_text() and "no reason given" in card.inner_text()

    card.get_by_role("link", name=f"Batch {batch.number}").click()
    page = coordinator.page
    page.wait_for_url(f"**/crossing/batches/{batch.pk}/")
    page.locator("#actions summary", has_text="Record a coordination event").click()
    form = page.locator("form[action$='/coordination/']")
    form.get_by_label("What happened").select_option(label="Coordination resumed")
    form.get_by_label("Decided by").select_option(label="Crossing security authority")
    form.locator("button[type=submit]").click()
    page.locator(".state", has_text="Resumed").wait_for()
    assert "Coordination resumed" in page.locator("#events").inner_text()

    travelling = list(batch.members.filter(active=True).order_by("seat"))
    for member in travelling:
        page.locator(f"#seat-{member.seat} button[value=crossed]").click()
        page.locator(f"#seat-{member.seat} .outcome", has_text="Crossed").wait_for()
    assert Movement.objects.filter(batch=batch, outcome="crossed").count() == len(travelling)
    coordinator.screenshot("batch-3-crossed")

    log = coordinator.open("/crossing/log/")
    today_row = log.locator("tr.today", has_text="Out").first
    assert str(len(travelling)) in today_row.locator("td.strong").inner_text()
    coordinator.screenshot("crossing-log")

    today = coordinator.open("/")
    out_today = today.locator("article.crossing-day").first.locator(".direction").first
    assert f"Crossed: {len(travelling)}" in out_today.inner_text()
    assert coordinator.accessibility_violations() == []
    coordinator.screenshot("today-after")


# The receiving liaison's story (accept an offer, a case not offered answers 404) is told on a
# phone in Arabic in tests/browser/test_case_page.py.


def test_in_arabic_the_pages_read_right_to_left_and_the_manifest_prints_in_arabic(visit):
    batch = Batch.objects.get(kind=BatchKind.EVACUATION, status=BatchStatus.POSTPONED)
    coordinator = visit("coordinator")
    coordinator.sign_in("coordinator")
    coordinator.switch_language("ar")
    page = coordinator.open(f"/crossing/batches/{batch.pk}/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    response = page.request.get(f"{coordinator.base}/crossing/batches/{batch.pk}/manifest.pdf")
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    pdf = response.body()
    assert pdf.startswith(b"%PDF")
    assert shutil.which("pdftotext"), "pdftotext (poppler-utils) is not installed"
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    assert "دفعة" in text
    coordinator.screenshot("batch-3")
