"""Each profile carries its fields and never the forbidden ones, in HTML, JSON and CSV alike."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.test import Client
from django.utils import timezone, translation

from corridor.accounts.models import PartyKind, Role
from corridor.cases.models import CaseStatus, OfferStatus
from corridor.crossings.models import BatchMember, MemberRole
from corridor.profiles import CLEARANCE_LIST, RECEIVING_HOSPITAL, analyst_tables, suppress
from tests.factories import (
    BatchFactory,
    CaseFactory,
    CompanionFactory,
    CrossingFactory,
    PartyFactory,
    PersonFactory,
    UrgencyTierFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

SUMMARY = "Shrapnel wound to the left femur, infected"
ICD = "S72.3"


@pytest.fixture
def offered_case():
    hospital = PartyFactory(code="hosp", kind=PartyKind.RECEIVING_HOSPITAL)
    case = CaseFactory(
        patient=PersonFactory(
            national_id="411111111",
            passport_number="P7654321",
            phone="+970599000111",
            name_latin="Huda Test Latin",
        ),
        clinical_summary=SUMMARY,
        icd10_code=ICD,
        urgency=UrgencyTierFactory(code="critical-tier"),
    )
    CompanionFactory(
        case=case, relationship="parent", person=PersonFactory(national_id="422222222")
    )
    case.offers.create(
        receiving_party=hospital, status=OfferStatus.ACCEPTED, offered_on=timezone.localdate()
    )
    return case, hospital


def _client(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def _outputs(client: Client, page: str, export: str) -> dict[str, str]:
    html = client.get(page)
    as_json = client.get(export + ".json")
    as_csv = client.get(export + ".csv")
    assert (html.status_code, as_json.status_code, as_csv.status_code) == (200, 200, 200)
    return {
        "html": html.content.decode(),
        "json": as_json.content.decode(),
        "csv": as_csv.content.decode("utf-8-sig"),
    }


def test_clearance_list_carries_identity_and_never_clinical_fields(offered_case):
    case, _hospital = offered_case
    batch = BatchFactory(crossing=CrossingFactory())
    BatchMember.objects.create(
        batch=batch, person=case.patient, role=MemberRole.PATIENT, case=case, seat=1
    )
    coordinator = UserFactory(
        party=PartyFactory(kind=PartyKind.COORDINATING_AGENCY), roles=[Role.COORDINATOR]
    )
    outputs = _outputs(
        _client(coordinator),
        f"/crossing/batches/{batch.pk}/",
        f"/crossing/batches/{batch.pk}/clearance-list",
    )
    for fmt, text in outputs.items():
        assert "411111111" in text, fmt
        assert "Huda Test Latin" in text, fmt
        for forbidden in (SUMMARY, ICD, "critical-tier", "Trauma", "+970599000111"):
            assert forbidden not in text, (fmt, forbidden)
    rows = json.loads(outputs["json"])["rows"]
    assert list(rows[0]) == CLEARANCE_LIST.keys
    header = next(csv.reader(io.StringIO(outputs["csv"])))
    assert header == CLEARANCE_LIST.keys
    assert not set(CLEARANCE_LIST.keys) & set(CLEARANCE_LIST.never)


def test_receiving_profile_carries_clinical_fields_and_never_identity_or_security(offered_case):
    case, hospital = offered_case
    liaison = UserFactory(party=hospital, roles=[Role.RECEIVING_LIAISON])
    outputs = _outputs(_client(liaison), "/cases/receiving/", "/cases/receiving/export")
    for fmt, text in outputs.items():
        assert SUMMARY in text and ICD in text, fmt
        for forbidden in ("411111111", "422222222", "P7654321", "+970599000111", "Huda Test Latin"):
            assert forbidden not in text, (fmt, forbidden)
        assert case.patient.name_ar not in text, fmt
    row = json.loads(outputs["json"])["rows"][0]
    assert list(row) == RECEIVING_HOSPITAL.keys
    assert row["companions"] == 1 and row["companion_relationships"] == "parent"
    assert "clearance" not in row


def test_analyst_sees_aggregates_only_with_small_cells_suppressed(offered_case):
    case, _hospital = offered_case
    for _ in range(6):
        CaseFactory(urgency=case.urgency, status=CaseStatus.APPROVED)
    analyst = UserFactory(
        party=PartyFactory(kind=PartyKind.COORDINATING_AGENCY), roles=[Role.ANALYST]
    )
    client = _client(analyst)
    html = client.get("/reports/").content.decode()
    as_json = client.get("/reports/waiting_by_category.json").content.decode()
    as_csv = client.get("/reports/waiting_by_category.csv").content.decode("utf-8-sig")
    for fmt, text in {"html": html, "json": as_json, "csv": as_csv}.items():
        for forbidden in ("411111111", "Huda Test Latin", SUMMARY, case.reference):
            assert forbidden not in text, (fmt, forbidden)
    rows = json.loads(as_json)["rows"]
    assert rows == [{"clinical_category": "trauma", "count": 7}]
    CaseFactory(clinical_category="burns", status=CaseStatus.APPROVED)
    small = json.loads(client.get("/reports/waiting_by_category.json").content)["rows"]
    assert {"clinical_category": "burns", "count": "<5"} in small
    assert "&lt;5" in client.get("/reports/").content.decode()
    assert "burns,<5" in client.get("/reports/waiting_by_category.csv").content.decode("utf-8-sig")
    tables = analyst_tables(5)
    for name, table in tables.items():
        if name == "threshold":
            continue
        for row in table:
            assert row["count"] == "<5" or row["count"] >= 5, (name, row)


def test_suppression_hides_every_count_below_the_threshold():
    assert [suppress(n, 5) for n in (0, 1, 4, 5, 12)] == ["<5", "<5", "<5", 5, 12]


def test_every_export_is_audited_as_shared_with_purpose_legal_basis_and_count(offered_case):
    from corridor.audit.models import AuditEvent

    case, hospital = offered_case
    liaison = UserFactory(party=hospital, roles=[Role.RECEIVING_LIAISON])
    _client(liaison).get("/cases/receiving/export.csv")
    event = AuditEvent.objects.get(action="export.shared")
    assert event.data == {
        "what": "receiving",
        "recipient": "hosp",
        "purpose": RECEIVING_HOSPITAL.purpose,
        "legal_basis": "vital interest",
        "people": 1,
        "format": "csv",
    }


def test_an_unknown_export_format_is_a_client_error(offered_case):
    _case, hospital = offered_case
    liaison = UserFactory(party=hospital, roles=[Role.RECEIVING_LIAISON])
    assert _client(liaison).get("/cases/receiving/export.xml").status_code == 400


def test_analyst_margins_are_withheld_beside_a_hidden_cell_of_the_urgency_by_category_table(db):
    critical = UrgencyTierFactory(code="critical", rank=1, name_en="Critical")
    stable = UrgencyTierFactory(code="stable", rank=2, name_en="Stable")
    for urgency, category, n in (
        (critical, "cancer", 6),
        (critical, "cardiac", 3),
        (stable, "cardiac", 7),
        (stable, "trauma", 8),
    ):
        for _ in range(n):
            CaseFactory(urgency=urgency, clinical_category=category, status=CaseStatus.APPROVED)
    with translation.override("en"):
        tables = analyst_tables(5)
    cells = {
        (row["urgency"], row["clinical_category"]): row["count"]
        for row in tables["waiting_by_urgency_and_category"]
    }
    assert cells[("Critical", "cardiac")] == "<5"
    by_urgency = {row["urgency"]: row["count"] for row in tables["waiting_by_urgency"]}
    by_category = {row["clinical_category"]: row["count"] for row in tables["waiting_by_category"]}
    # Critical's 9 less its 6 cancer would give the 3 cardiac; cardiac's 10 less 7 likewise.
    assert by_urgency == {"Critical": "withheld", "Stable": 15}
    assert by_category == {"cancer": 6, "cardiac": "withheld", "trauma": 8}
