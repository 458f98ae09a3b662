"""The clearance list as XLSX: the clearance profile's columns only, labelled, audited as shared."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from corridor.accounts.models import PartyKind, Role
from corridor.audit.models import AuditEvent
from corridor.crossings.models import BatchMember, MemberRole
from corridor.profiles import CLEARANCE_LIST
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
PHONE = "+970599000111"


@pytest.fixture
def batch():
    authority = PartyFactory(code="authority", kind=PartyKind.CROSSING_AUTHORITY)
    case = CaseFactory(
        patient=PersonFactory(national_id="411111111", phone=PHONE, name_latin="=HYPERLINK(1)"),
        clinical_summary=SUMMARY,
        icd10_code=ICD,
        urgency=UrgencyTierFactory(code="critical-tier"),
    )
    companion = CompanionFactory(case=case, person=PersonFactory(national_id="422222222"))
    batch = BatchFactory(crossing=CrossingFactory(operated_by=authority))
    BatchMember.objects.create(
        batch=batch, person=case.patient, role=MemberRole.PATIENT, case=case, seat=1
    )
    BatchMember.objects.create(
        batch=batch,
        person=companion.person,
        role=MemberRole.COMPANION,
        case=case,
        companion=companion,
        seat=2,
    )
    return batch


def _download(batch, language: str):
    coordinator = UserFactory(
        party=PartyFactory(kind=PartyKind.COORDINATING_AGENCY), roles=[Role.COORDINATOR]
    )
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(coordinator)
    return client.get(f"/crossing/batches/{batch.pk}/clearance-list.xlsx")


def _cells(response) -> list[list[object]]:
    workbook = load_workbook(io.BytesIO(response.content))
    return [list(row) for row in workbook.active.iter_rows(values_only=True)]


def test_xlsx_clearance_list_carries_identity_and_never_clinical_fields(batch):
    response = _download(batch, "en")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = _cells(response)
    assert rows[0] == [str(c.label) for c in CLEARANCE_LIST.columns]
    assert len(rows) == 3
    ids = {row[CLEARANCE_LIST.keys.index("national_id")] for row in rows[1:]}
    assert ids == {"411111111", "422222222"}
    text = " ".join(str(cell) for row in rows for cell in row)
    for forbidden in (SUMMARY, ICD, "critical-tier", "trauma", PHONE):
        assert forbidden not in text


def test_xlsx_keeps_a_formula_like_name_as_text(batch):
    workbook = load_workbook(io.BytesIO(_download(batch, "en").content))
    cell = workbook.active.cell(row=2, column=CLEARANCE_LIST.keys.index("name_latin") + 1)
    assert cell.value == "=HYPERLINK(1)" and cell.data_type == "s"


def test_xlsx_in_arabic_reads_right_to_left_with_arabic_headers(batch):
    response = _download(batch, "ar")
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.active.sheet_view.rightToLeft
    assert workbook.active.cell(row=1, column=CLEARANCE_LIST.keys.index("national_id") + 1).value
    assert "ID number" not in [c.value for c in workbook.active[1]]


def test_xlsx_download_is_audited_as_shared_with_the_crossing_authority(batch):
    _download(batch, "en")
    event = AuditEvent.objects.filter(action="export.shared").order_by("sequence").last()
    assert event is not None
    assert event.data["format"] == "xlsx"
    assert event.data["recipient"] == "authority"
    assert event.data["people"] == 2
    assert event.data["what"] == CLEARANCE_LIST.name
