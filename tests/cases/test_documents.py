"""Documents on the case page: attached, downloaded (audited), withdrawn; encrypted at rest.

A receiving liaison reads the medical documents of a case offered to their party, never the
identity documents; key rotation and retention reach the files like any encrypted field.
"""

from __future__ import annotations

import base64
import datetime
import hashlib

import pytest
from cryptography.fernet import Fernet
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django import Settings

from corridor import crypto
from corridor.accounts import policy
from corridor.accounts.break_glass import break_glass
from corridor.accounts.models import Role, User
from corridor.audit.models import AuditEvent
from corridor.cases import documents
from corridor.cases.models import Case, CaseDocument, CaseStatus, DocumentKind
from corridor.key_rotation import rotate_keys
from corridor.retention import apply_retention
from tests.cases import test_case_page
from tests.cases.test_case_page import Desk, _queries, as_user, page_of
from tests.factories import UserFactory

# The case page's desk: a case offered to the liaison's hospital, and who works on it.
tiers = test_case_page.tiers
desk = test_case_page.desk

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\nMRI-OF-THE-LEFT-FEMUR\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"PASSPORT-SCAN" * 10


def attach_url(case: Case) -> str:
    return reverse("cases:attach_document", args=[case.reference])


def download_url(document: CaseDocument) -> str:
    return reverse("cases:document", args=[document.case.reference, document.pk])


def withdraw_url(document: CaseDocument) -> str:
    return reverse("cases:withdraw_document", args=[document.case.reference, document.pk])


def upload(user: User, case: Case, content: bytes, name: str, **fields: str):
    data = {
        "document-kind": fields.get("kind", DocumentKind.MEDICAL_REPORT),
        "document-title": fields.get("title", "MRI of the left femur"),
        "document-file": SimpleUploadedFile(name, content, content_type="application/pdf"),
    }
    return as_user(user).post(attach_url(case), data)


def attach(case: Case, user: User, kind: str = DocumentKind.MEDICAL_REPORT, data: bytes = PDF):
    return documents.attach_document(case, kind=kind, title=f"A {kind}", data=data, actor=user)


def raw_content(document: CaseDocument) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT content FROM cases_casedocument WHERE id = %s", [document.pk])
        return cursor.fetchone()[0]


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("sequence"))


# --- attaching ----------------------------------------------------------------------------------


def test_a_referral_officer_attaches_a_pdf_and_the_page_lists_it(desk: Desk) -> None:
    response = upload(desk.referral, desk.case, PDF, "report.pdf")

    assert response.status_code == 302
    document = CaseDocument.objects.get(case=desk.case)
    assert (document.kind, document.title) == (DocumentKind.MEDICAL_REPORT, "MRI of the left femur")
    assert document.content_type == "application/pdf"
    assert (document.size, document.sha256) == (len(PDF), hashlib.sha256(PDF).hexdigest())
    assert document.uploaded_by == desk.referral
    (event,) = events("case.document_attached")
    assert event.object_id == str(desk.case.pk)
    assert event.data["sha256"] == document.sha256
    assert "MRI" not in str(event.data)  # neither the content nor the title
    page = page_of(desk.referral, desk.case)
    assert "MRI of the left femur" in page
    assert f'href="{download_url(document)}"' in page


def test_the_content_is_encrypted_at_rest_and_reads_back_whole(desk: Desk) -> None:
    document = attach(desk.case, desk.referral)

    stored = raw_content(document)
    assert b"MRI-OF-THE-LEFT-FEMUR" not in stored.encode()
    assert base64.b64encode(PDF).decode() not in stored
    assert crypto.decrypt(stored) == base64.b64encode(PDF).decode()


def test_the_same_file_sent_twice_is_attached_once(desk: Desk) -> None:
    first = attach(desk.case, desk.referral)
    second = attach(desk.case, desk.referral)

    assert first.pk == second.pk
    assert CaseDocument.objects.count() == 1
    assert len(events("case.document_attached")) == 1


def test_a_file_of_another_type_is_refused_naming_the_field(desk: Desk) -> None:
    response = upload(desk.referral, desk.case, b"name,phone\nAmal,0599\n", "report.pdf")

    assert response.status_code == 400
    page = response.content.decode()
    assert "File: The file&#x27;s content is not one of: pdf, jpeg, png." in page
    assert "File (PDF, JPEG or PNG)" in page
    assert not CaseDocument.objects.exists()
    assert not events("case.document_attached")


def test_a_file_too_big_is_refused_with_the_limit(desk: Desk, settings: Settings) -> None:
    settings.CORRIDOR_MAX_UPLOAD_BYTES = 1000

    response = upload(desk.referral, desk.case, PDF + b"0" * 1000, "big.pdf")

    assert response.status_code == 400
    assert "the limit is 1000 bytes" in response.content.decode()
    assert not CaseDocument.objects.exists()


def test_an_attachment_without_a_title_is_refused(desk: Desk) -> None:
    response = upload(desk.referral, desk.case, PDF, "report.pdf", title=" ")

    assert response.status_code == 400
    assert not CaseDocument.objects.exists()


# --- downloading --------------------------------------------------------------------------------


def test_a_download_is_an_audited_attachment_never_cached(desk: Desk) -> None:
    document = attach(desk.case, desk.referral)

    response = as_user(desk.referral).get(download_url(document))

    assert response.status_code == 200
    assert response.content == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="{desk.case.reference}-medical_report-{document.pk}.pdf"'
    )
    assert response["Cache-Control"] == "no-store"
    assert response["X-Content-Type-Options"] == "nosniff"
    (event,) = events("case.document_read")
    assert (event.actor, event.object_id) == (desk.referral, str(desk.case.pk))
    assert event.data["document"] == document.pk
    assert event.data["via"] == "role"


def test_the_coordinator_attaches_but_downloads_only_by_breaking_the_glass(desk: Desk) -> None:
    response = upload(desk.coordinator, desk.case, PNG, "scan.png", kind="passport_copy")
    assert response.status_code == 302
    document = CaseDocument.objects.get()
    assert document.content_type == "image/png"
    page = page_of(desk.coordinator, desk.case)
    assert "MRI of the left femur" in page  # listed, without a download
    assert f'href="{download_url(document)}"' not in page

    assert as_user(desk.coordinator).get(download_url(document)).status_code == 404

    break_glass(desk.coordinator, policy.CASE_CLINICAL, desk.case, reason="Hospital asks by phone")
    response = as_user(desk.coordinator).get(download_url(document))
    assert response.status_code == 200
    assert events("case.document_read")[-1].data["via"] == "break_glass"


def test_roles_without_the_action_are_refused(desk: Desk) -> None:
    document = attach(desk.case, desk.referral)
    crossing_officer = UserFactory(username="crossing", roles=[Role.CROSSING_OFFICER])

    assert as_user(crossing_officer).get(download_url(document)).status_code == 403
    assert upload(crossing_officer, desk.case, PDF, "a.pdf").status_code == 403
    assert upload(desk.liaison, desk.case, PDF, "a.pdf").status_code == 403
    assert as_user(desk.liaison).post(withdraw_url(document), {}).status_code == 403
    # Out of their rows: the reviewer's are cases in review, the other liaison's not offered.
    assert upload(desk.reviewer, desk.case, PDF, "a.pdf").status_code == 404
    assert as_user(desk.reviewer).get(download_url(document)).status_code == 404
    assert as_user(desk.other_liaison).get(download_url(document)).status_code == 404
    assert CaseDocument.objects.count() == 1
    assert not events("case.document_read")
    assert len(events("permission.refused")) == 7


def test_a_liaison_reads_the_medical_documents_of_an_offered_case_not_the_identity_ones(
    desk: Desk,
) -> None:
    report = attach(desk.case, desk.referral, DocumentKind.MEDICAL_REPORT)
    passport = attach(desk.case, desk.referral, DocumentKind.PASSPORT_COPY, PNG)

    page = page_of(desk.liaison, desk.case)
    assert "A medical_report" in page
    assert f'href="{download_url(report)}"' in page
    assert "A passport_copy" not in page
    assert f'href="{download_url(passport)}"' not in page

    client = as_user(desk.liaison)
    assert client.get(download_url(report)).content == PDF
    assert client.get(download_url(passport)).status_code == 404
    assert [e.data["document"] for e in events("case.document_read")] == [report.pk]


def test_a_case_with_an_anonymised_document_says_its_content_is_gone(desk: Desk) -> None:
    document = attach(desk.case, desk.referral)
    CaseDocument.objects.filter(pk=document.pk).update(content="")

    response = as_user(desk.referral).get(download_url(document))

    assert response.status_code == 410
    assert "removed under the retention rules" in response.content.decode()
    assert not events("case.document_read")


# --- withdrawing --------------------------------------------------------------------------------


def test_a_withdrawn_document_is_hidden_kept_and_the_withdrawal_audited(desk: Desk) -> None:
    document = attach(desk.case, desk.referral)
    client = as_user(desk.referral)
    name = f"document-withdraw-{document.pk}"

    refused = client.post(withdraw_url(document), {f"{name}-reason": ""})
    assert refused.status_code == 400
    response = client.post(withdraw_url(document), {f"{name}-reason": "Wrong patient's report"})

    assert response.status_code == 302
    document.refresh_from_db()
    assert document.withdrawn_by == desk.referral
    assert document.withdrawn_reason == "Wrong patient's report"
    assert document.content  # kept, not deleted
    (event,) = events("case.document_withdrawn")
    assert event.data == {
        "document": document.pk,
        "kind": "medical_report",
        "reason": "Wrong patient's report",
    }
    assert "A medical_report" not in page_of(desk.referral, desk.case)
    assert client.get(download_url(document)).status_code == 404
    # Withdrawing again changes nothing.
    documents.withdraw_document(document, actor=desk.referral, reason="again")
    assert len(events("case.document_withdrawn")) == 1


# --- key rotation and retention -----------------------------------------------------------------


def test_key_rotation_re_encrypts_the_documents(desk: Desk) -> None:
    document = attach(desk.case, desk.referral)

    report = rotate_keys(batch_size=1000)

    assert report.rewritten["cases.casedocument.content"] == 1
    newest = Fernet(crypto.read_key_file()[0])
    assert newest.decrypt(raw_content(document).encode()) == base64.b64encode(PDF)
    assert as_user(desk.referral).get(download_url(document)).content == PDF


def test_large_files_are_rotated_a_few_rows_at_a_time() -> None:
    field = CaseDocument._meta.get_field("content")
    assert crypto.rewrite_batch_size(field, 1000) == 5
    assert crypto.rewrite_batch_size(Case._meta.get_field("clinical_summary"), 1000) == 1000


def test_retention_empties_the_documents_of_an_anonymised_case(
    desk: Desk, settings: Settings
) -> None:
    settings.CORRIDOR_RETENTION_DAYS = {"case": 365, "return_registration": 180, "incident": 730}
    kept = attach(desk.case, desk.referral)
    closed = Case.objects.get(pk=desk.case.pk)
    other = attach(
        Case.objects.create(
            reference="CLOSED-1",
            patient=closed.patient,
            referring_facility=closed.referring_facility,
            referral_date=datetime.date(2020, 1, 1),
            registered_at=closed.registered_at,
            clinical_category=closed.clinical_category,
            urgency=closed.urgency,
            status=CaseStatus.DIED,
            status_changed_at=datetime.datetime(2020, 1, 2, tzinfo=datetime.UTC),
        ),
        desk.referral,
    )

    apply_retention(now=datetime.datetime(2026, 2, 5, 12, tzinfo=datetime.UTC))

    other.refresh_from_db()
    assert (other.content, other.title, other.sha256) == ("", "", "")
    assert raw_content(other) == ""
    assert (other.kind, other.size) == (DocumentKind.MEDICAL_REPORT, len(PDF))  # counted
    kept.refresh_from_db()
    assert kept.content == base64.b64encode(PDF).decode()  # the open case keeps its files


# --- a fixed number of queries ------------------------------------------------------------------


@pytest.mark.parametrize("n", [0, 5])
def test_the_page_takes_the_same_queries_with_0_or_5_documents(desk: Desk, n: int) -> None:
    for i in range(n):
        attach(desk.case, desk.referral, DocumentKind.MEDICAL_REPORT, PDF + bytes([i]))

    counts = (
        _queries(desk.coordinator, desk.case),
        _queries(desk.referral, desk.case),
        _queries(desk.liaison, desk.case),
    )

    assert counts == (BASE_QUERIES[0], BASE_QUERIES[1], BASE_QUERIES[2])
    assert page_of(desk.referral, desk.case).count('class="document document-') == n


def test_the_list_never_reads_a_files_content(desk: Desk) -> None:
    attach(desk.case, desk.referral)
    client = as_user(desk.referral)

    with CaptureQueriesContext(connection) as captured:
        client.get(reverse("cases:detail", args=[desk.case.reference]))

    document_queries = [q["sql"] for q in captured if "cases_casedocument" in q["sql"]]
    assert len(document_queries) == 1
    assert '"cases_casedocument"."content"' not in document_queries[0]


# Coordinator, referral officer, liaison: the case page of `test_case_page` with no plan.
BASE_QUERIES = (23, 27, 18)
