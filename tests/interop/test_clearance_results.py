"""Clearance results read back: matched by ID number into the batch, mismatches listed, no guess."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from corridor.audit.models import AuditEvent
from corridor.crossings.models import Batch, BatchMember, Clearance, MemberRole
from corridor.exceptions import DomainError
from corridor.interop.clearance_results import apply_clearance_results, read_result_lines
from corridor.uploads import UploadRejected
from tests.factories import CompanionFactory, PersonFactory
from tests.journeys import Planner

PATIENT_A = "411111111"
COMPANION_A = "422222222"
PATIENT_B = "433333333"


@pytest.fixture
def batch(plan: Planner) -> Batch:
    case_a = plan.case(patient=PersonFactory(national_id=PATIENT_A))
    CompanionFactory(case=case_a, person=PersonFactory(national_id=COMPANION_A))
    case_b = plan.case(patient=PersonFactory(national_id=PATIENT_B))
    return plan.submitted(case_a, case_b)


def _member(batch: Batch, national_id: str) -> BatchMember:
    return BatchMember.objects.get(batch=batch, person__national_id=national_id)


def _csv(text: str) -> tuple[io.BytesIO, int]:
    data = text.encode("utf-8")
    return io.BytesIO(data), len(data)


def _xlsx(rows: list[list[object]]) -> tuple[io.BytesIO, int]:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return io.BytesIO(buffer.getvalue()), len(buffer.getvalue())


def _read(stream_and_size: tuple[io.BytesIO, int]):
    return read_result_lines(*stream_and_size)


def test_matched_answers_are_recorded_and_every_mismatch_listed(batch, plan):
    lines = _read(
        _csv(
            "ID number,Name,Result\n"
            f"{PATIENT_A},x,Cleared\n"
            f"{PATIENT_B},y,perhaps\n"
            "499999999,z,refused\n"
        )
    )
    report = apply_clearance_results(batch, lines, party=plan.authority, actor=plan.coordinator)
    assert _member(batch, PATIENT_A).clearance == Clearance.CLEARED
    assert _member(batch, PATIENT_A).clearance_party == plan.authority
    assert _member(batch, PATIENT_B).clearance == Clearance.PENDING
    assert [e["national_id"] for e in report.recorded] == [PATIENT_A]
    assert [(m.row, m.national_id) for m in report.unreadable] == [(3, PATIENT_B)]
    assert [(m.row, m.national_id) for m in report.not_on_batch] == [(4, "499999999")]
    assert [m.national_id for m in report.missing_from_file] == [COMPANION_A]
    event = AuditEvent.objects.filter(action="batch.clearance_results").get()
    assert event.data["recorded"] == 1 and event.data["party"] == plan.authority.code
    assert AuditEvent.objects.filter(action="member.clearance").count() == 1


def test_arabic_headers_words_and_digits_are_read_from_xlsx(batch, plan):
    arabic_id = PATIENT_B.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    lines = _read(
        _xlsx(
            [
                ["رقم الهوية", "النتيجة"],
                [int(PATIENT_A), "موافق"],
                [COMPANION_A, "لا رد"],
                [arabic_id, "مرفوض"],
            ]
        )
    )
    report = apply_clearance_results(batch, lines, party=plan.authority, actor=plan.coordinator)
    assert report.mismatches == 0
    assert _member(batch, PATIENT_A).clearance == Clearance.CLEARED
    assert _member(batch, COMPANION_A).clearance == Clearance.NO_ANSWER
    refused = _member(batch, PATIENT_B)
    assert refused.clearance == Clearance.REFUSED and not refused.active


def test_the_clearance_lists_own_header_reads_back(batch, plan):
    lines = _read(_csv(f"seat;national_id;clearance\n1;{PATIENT_A};no_answer\n"))
    report = apply_clearance_results(batch, lines, party=plan.authority, actor=plan.coordinator)
    assert [e["result"] for e in report.recorded] == [Clearance.NO_ANSWER]


def test_a_dry_run_reports_the_same_and_writes_nothing(batch, plan):
    lines = _read(_csv(f"ID,Result\n{PATIENT_A},refused\n{COMPANION_A},cleared\n"))
    before = AuditEvent.objects.count()
    report = apply_clearance_results(
        batch, lines, party=plan.authority, actor=plan.coordinator, dry_run=True
    )
    assert [e["national_id"] for e in report.recorded] == [PATIENT_A]
    # The companion leaves with the refused patient: the dry run says so too.
    assert [m.national_id for m in report.left_batch] == [COMPANION_A]
    assert AuditEvent.objects.count() == before
    assert _member(batch, PATIENT_A).clearance == Clearance.PENDING
    assert _member(batch, COMPANION_A).active


def test_an_id_listed_twice_with_different_answers_is_not_guessed(batch, plan):
    lines = _read(_csv(f"ID,Result\n{PATIENT_A},cleared\n{PATIENT_A},refused\n"))
    report = apply_clearance_results(batch, lines, party=plan.authority, actor=plan.coordinator)
    assert report.recorded == []
    assert [m.row for m in report.unreadable] == [2, 3]
    assert _member(batch, PATIENT_A).clearance == Clearance.PENDING


def test_reading_the_same_list_twice_changes_nothing_the_second_time(batch, plan):
    text = f"ID,Result\n{PATIENT_A},cleared\n{PATIENT_B},no answer\n"
    apply_clearance_results(batch, _read(_csv(text)), party=plan.authority, actor=plan.coordinator)
    events = AuditEvent.objects.filter(action="member.clearance").count()
    report = apply_clearance_results(
        batch, _read(_csv(text)), party=plan.authority, actor=plan.coordinator
    )
    assert report.recorded == [] and len(report.unchanged) == 2
    assert AuditEvent.objects.filter(action="member.clearance").count() == events


def test_a_draft_batch_takes_no_answers(plan):
    draft = plan.batch(plan.case(patient=PersonFactory(national_id=PATIENT_A)))
    lines = _read(_csv(f"ID,Result\n{PATIENT_A},cleared\n"))
    with pytest.raises(DomainError, match="no clearance answers"):
        apply_clearance_results(draft, lines, party=plan.authority, actor=plan.coordinator)
    assert BatchMember.objects.get(batch=draft, role=MemberRole.PATIENT).clearance == "pending"


def test_a_file_without_the_two_columns_is_refused_with_the_row_named():
    with pytest.raises(DomainError, match="Row 1"):
        _read(_csv("Name,Seat\nx,1\n"))


def test_a_file_that_is_not_a_spreadsheet_is_refused():
    data = b"%PDF-1.7\x00\x01binary"
    with pytest.raises(UploadRejected):
        read_result_lines(io.BytesIO(data), len(data))


def test_the_command_reads_a_file_and_prints_the_report_as_json(batch, plan, tmp_path, capsys):
    path = tmp_path / "answers.csv"
    path.write_text(f"ID number,Result\n{PATIENT_A},cleared\n", encoding="utf-8")
    out = io.StringIO()
    call_command(
        "clearance_results",
        str(batch.pk),
        str(path),
        "--party",
        plan.authority.code,
        "--json",
        stdout=out,
    )
    report = json.loads(out.getvalue())
    assert report["counts"]["recorded"] == 1
    assert report["counts"]["missing_from_file"] == 2
    assert _member(batch, PATIENT_A).clearance == Clearance.CLEARED


def test_the_command_dry_run_writes_nothing(batch, plan, tmp_path):
    path = tmp_path / "answers.csv"
    path.write_text(f"ID number,Result\n{PATIENT_A},cleared\n", encoding="utf-8")
    out = io.StringIO()
    call_command(
        "clearance_results", str(batch.pk), str(path), "--party", plan.authority.code,
        "--dry-run", stdout=out,
    )  # fmt: skip
    assert "Dry run" in out.getvalue() and "Recorded 1" in out.getvalue()
    assert _member(batch, PATIENT_A).clearance == Clearance.PENDING


def test_the_command_names_an_unknown_party_in_one_line(batch, tmp_path):
    path = tmp_path / "answers.csv"
    path.write_text(f"ID number,Result\n{PATIENT_A},cleared\n", encoding="utf-8")
    with pytest.raises(CommandError, match="No party with code 'nobody'"):
        call_command("clearance_results", str(batch.pk), str(path), "--party", "nobody")
