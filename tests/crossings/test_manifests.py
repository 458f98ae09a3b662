"""The printed manifest: the HTML it is drawn from, and the PDF WeasyPrint draws."""

from __future__ import annotations

import re
import shutil
import subprocess
import urllib.request

import pytest
from django.utils import translation

from corridor.accounts.models import User
from corridor.crossings import manifests, services
from corridor.crossings.check_in import check_in_code
from corridor.crossings.models import Batch, BatchMember
from tests.factories import CompanionFactory, PersonFactory
from tests.helpers import CROSSING_DATE
from tests.journeys import Planner

CLINICAL = "CLINICAL-SUMMARY-MARKER"


@pytest.fixture
def batch(plan: Planner) -> Batch:
    """Two patients: the first with a companion, the second a child alone."""
    first = plan.case(
        clinical_summary=CLINICAL,
        patient=PersonFactory(name_latin="Amal Latin", national_id="400000018"),
    )
    CompanionFactory(
        case=first, person=PersonFactory(name_latin="Omar Latin", national_id="400000034")
    )
    second = plan.case(
        patient=PersonFactory(
            name_latin="Sami Latin",
            national_id="400000026",
            date_of_birth=CROSSING_DATE.replace(year=CROSSING_DATE.year - 9),
        )
    )
    return plan.confirmed(first, second)


def _members(batch: Batch) -> list[BatchMember]:
    return list(manifests.manifest_members(batch))


def _html(batch: Batch, user: User, language: str = "en") -> str:
    with translation.override(language):
        lines = manifests.manifest_lines(batch)
        return manifests.manifest_html(
            batch, lines, printed_by=user, printed_at=services.clock.now()
        )


def test_the_manifest_lists_everyone_in_seat_order_each_with_the_qr_of_their_code(
    batch: Batch, coordinator: User
) -> None:
    html = _html(batch, coordinator)

    members = _members(batch)
    assert [m.seat for m in members] == [1, 2, 3]
    positions = [html.index(m.person.name_latin) for m in members]
    assert positions == sorted(positions)
    qr_positions = [html.index(manifests.qr_data_uri(check_in_code(m))) for m in members]
    assert qr_positions == sorted(qr_positions)
    for member in members:
        assert member.person.name_ar in html
        assert member.person.national_id in html


def test_the_qr_code_holds_only_the_check_in_code_not_the_name_or_id_number(
    batch: Batch,
) -> None:
    member = _members(batch)[0]
    code = check_in_code(member)
    uri = manifests.qr_data_uri(code)

    assert uri.startswith("data:image/svg+xml")
    # Same code, same picture; another code, another picture: the picture encodes the code.
    assert uri == manifests.qr_data_uri(code)
    assert uri != manifests.qr_data_uri(check_in_code(_members(batch)[1]))
    assert member.person.national_id not in uri


def test_the_manifest_shows_roles_a_child_and_who_cleared_each_person(
    batch: Batch, coordinator: User
) -> None:
    html = _html(batch, coordinator)

    rows = re.findall(r'<tr class="member.*?</tr>', html, flags=re.S)
    assert len(rows) == 3
    assert "Patient" in rows[0] and "Child" not in rows[0]
    assert "Companion" in rows[1]
    assert "Patient" in rows[2] and "Child" in rows[2]
    for row in rows:
        assert "Cleared" in row and "Crossing Authority" in row
        assert "Not cleared" not in row
    assert "3 people, 3 cleared to travel" in html


def test_a_person_not_cleared_is_marked_on_the_manifest(plan: Planner, coordinator: User) -> None:
    batch = plan.submitted(plan.case())

    html = _html(batch, coordinator)

    assert 'class="member not-cleared"' in html
    assert "Not cleared" in html and "Not yet answered" in html


def test_the_manifest_carries_no_clinical_field_and_no_date_of_birth(
    batch: Batch, coordinator: User
) -> None:
    html = _html(batch, coordinator)

    assert CLINICAL not in html
    for member in _members(batch):
        assert member.person.date_of_birth.isoformat() not in html


def test_the_arabic_manifest_is_written_right_to_left(batch: Batch, coordinator: User) -> None:
    html = _html(batch, coordinator, "ar")

    assert '<html lang="ar" dir="rtl">' in html
    assert '<html lang="en" dir="ltr">' in _html(batch, coordinator, "en")


def test_the_pdf_is_a_real_pdf_of_several_pages_for_a_full_batch(
    plan: Planner, coordinator: User
) -> None:
    many = plan.cleared(*[plan.case() for _ in range(24)])
    html = _html(many, coordinator, "ar")

    pages = manifests.render_document(html).pages
    pdf = manifests.render_pdf(html)

    assert pdf.startswith(b"%PDF-")
    assert pdf.rstrip().endswith(b"%%EOF")
    assert 2 <= len(pages) <= 3
    assert html.count('class="member"') == 24


def test_the_pdf_text_names_everyone_in_seat_order(batch: Batch, coordinator: User) -> None:
    # poppler-utils comes with scripts/system-packages; without it this test fails, not skips.
    assert shutil.which("pdftotext"), "pdftotext (poppler-utils) is not installed"
    pdf = manifests.render_pdf(_html(batch, coordinator))

    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()

    ids = [m.person.national_id for m in _members(batch)]
    assert [text.index(i) for i in ids] == sorted(text.index(i) for i in ids)
    assert "Manifest of batch" in text


def test_drawing_a_pdf_fetches_nothing_from_the_network(monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[object] = []
    monkeypatch.setattr(urllib.request.OpenerDirector, "open", lambda *a, **k: opened.append(a))
    html = '<p>x</p><img src="http://127.0.0.1:9/tracker.png"><img src="file:///etc/passwd">'

    pdf = manifests.render_pdf(html)

    assert pdf.startswith(b"%PDF-")
    assert opened == []


def test_without_weasyprint_a_pdf_is_refused_with_a_message(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "weasyprint", None)  # import fails as without Pango

    with pytest.raises(manifests.PdfUnavailable, match="Pango"):
        manifests.render_pdf("<p>x</p>")
