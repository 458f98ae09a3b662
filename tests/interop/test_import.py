"""`corridor import cases|returns FILE`: reading, checking, matching and writing lists."""

from __future__ import annotations

import csv
import datetime
import io
import json
import re
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from stdnum import luhn

from corridor.accounts.models import Facility, Party, PartyKind
from corridor.audit.models import AuditEvent
from corridor.cases.models import Case, CaseStatus, UrgencyTier
from corridor.interop.mapping import resolve_columns
from corridor.interop.models import ImportRun, ImportSource
from corridor.interop.readers import read_table
from corridor.interop.rows import Lookups, RowParser
from corridor.people.models import Person
from corridor.returns.models import EligibilityRule, ReturnRegistration, ReturnStatus
from tests.factories import (
    EligibilityRuleFactory,
    FacilityFactory,
    GovernorateFactory,
    PartyFactory,
    PersonFactory,
    UrgencyTierFactory,
)

Rows = Sequence[Sequence[object]]


def valid_id(first_eight: str) -> str:
    return first_eight + luhn.calc_check_digit(first_eight)


ID_1, ID_2, ID_3 = valid_id("40123456"), valid_id("80234567"), valid_id("90345678")
BAD_CHECK_DIGIT = ID_1[:-1] + str((int(ID_1[-1]) + 1) % 10)

RETURN_HEADERS = ["الاسم الرباعي", "تاريخ الميلاد", "رقم الجواز", "رقم الهوية", "رقم الجوال"]
RETURN_HEADERS += ["تاريخ المغادرة", "مكان التواجد", "المحافظة"]


def returnee(name: str, born: object, national_id: str, **extra: object) -> list[object]:
    return [
        name,
        born,
        extra.get("passport", "P1234567"),
        national_id,
        extra.get("phone", "0599123456"),
        extra.get("left", "15/01/2024"),
        extra.get("location", "القاهرة"),
        extra.get("residence", "خان يونس"),
    ]


def write_csv(path: Path, headers: Sequence[str], rows: Rows, *, bom: bool = True) -> Path:
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(headers)
        writer.writerows(rows)
    return path


def write_xlsx(path: Path, headers: Sequence[str], rows: Rows) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(list(headers))
    for row in rows:
        sheet.append(list(row))
    book.save(path)
    return path


def _ods_cell(value: object) -> str:
    if isinstance(value, int | float):
        return f'<table:table-cell office:value-type="float" office:value="{value}"/>'
    if isinstance(value, datetime.date):
        return (
            f'<table:table-cell office:value-type="date" office:date-value="{value.isoformat()}"/>'
        )
    text = escape(str(value))
    return (
        f'<table:table-cell office:value-type="string"><text:p>{text}</text:p></table:table-cell>'
    )


def write_ods(path: Path, headers: Sequence[str], rows: Rows) -> Path:
    body = "".join(
        "<table:table-row>" + "".join(_ods_cell(v) for v in row) + "</table:table-row>"
        for row in [list(headers), *rows]
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="Sheet1">'
        f'{body}<table:table-row table:number-rows-repeated="1048000">'
        '<table:table-cell table:number-columns-repeated="1024"/></table:table-row>'
        "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet"
        )
        archive.writestr("content.xml", content)
    path.write_bytes(buffer.getvalue())
    return path


def run_import(*args: object) -> dict[str, Any]:
    out = io.StringIO()
    call_command("import", *[str(a) for a in args], "--json", stdout=out)
    result: dict[str, Any] = json.loads(out.getvalue())
    return result


@pytest.fixture
def embassy(db: None) -> Party:
    return PartyFactory(code="embassy-cairo", kind=PartyKind.EMBASSY)


@pytest.fixture
def rule(db: None) -> EligibilityRule:
    GovernorateFactory(code="khan-younis", name_ar="خان يونس", name_en="Khan Younis")
    return EligibilityRuleFactory(code="after-7-oct")


@pytest.fixture
def hospital(db: None) -> Facility:
    return FacilityFactory(code="al-amal", name_ar="مستشفى الأمل", name_en="Al-Amal Hospital")


@pytest.fixture
def tiers(db: None) -> dict[str, UrgencyTier]:
    return {
        "critical": UrgencyTierFactory(code="critical", name_ar="حرج", name_en="Critical", rank=1),
        "urgent": UrgencyTierFactory(code="urgent", name_ar="عاجل", name_en="Urgent", rank=2),
    }


# Returns -----------------------------------------------------------------------------------


def test_returnees_with_arabic_headers_and_digits_are_registered_and_decided(
    tmp_path: Path, embassy: Party, rule: EligibilityRule
) -> None:
    rows = [
        returnee("محمد أحمد علي النجار", "١٧/٠٥/١٩٩٠", "٤٠١٢٣٤٥٦" + ID_1[-1], phone="٠٥٩٩١٢٣٤٥٦"),
        returnee("فاطمة حسن محمود أبو شمالة", 33010, ID_2, left="1 أيلول 2023"),
    ]
    report = run_import("returns", write_csv(tmp_path / "r.csv", RETURN_HEADERS, rows))

    assert report["counts"] | {"warnings": 0} == {
        "read": 2,
        "created": 2,
        "linked": 0,
        "unchanged": 0,
        "rejected": 0,
        "warnings": 0,
        "duplicates": 0,
    }
    person = Person.objects.get(national_id=ID_1)
    assert (person.given_name_ar, person.father_name_ar, person.grandfather_name_ar) == (
        "محمد",
        "أحمد",
        "علي",
    )
    assert person.family_name_ar == "النجار"
    assert person.date_of_birth == datetime.date(1990, 5, 17)
    assert person.phone == "+970599123456"
    assert person.residence is not None and person.residence.code == "khan-younis"
    second = ReturnRegistration.objects.get(person__national_id=ID_2)
    assert second.person.date_of_birth == datetime.date(1990, 5, 17)  # an Excel serial
    assert second.status == ReturnStatus.INELIGIBLE  # left before 7 October 2023
    assert second.eligibility_rule == rule
    first = ReturnRegistration.objects.get(person=person)
    assert first.status == ReturnStatus.ELIGIBLE and first.registered_with == embassy
    assert report["eligibility"] == {"eligible": 1, "ineligible": 1}


def test_each_real_import_is_audited_with_counts_and_no_personal_data(
    tmp_path: Path, embassy: Party, rule: EligibilityRule
) -> None:
    path = write_csv(
        tmp_path / "list.csv",
        RETURN_HEADERS,
        [returnee("محمد أحمد علي النجار", "17/05/1990", ID_1)],
    )
    run_import("returns", path, "--source", "embassy-cairo")

    event = AuditEvent.objects.get(action="import.returns")
    assert event.data["file"] == "list.csv"
    assert event.data["source"] == "embassy-cairo"
    assert event.data["counts"]["created"] == 1
    assert ID_1 not in json.dumps(event.data) and "النجار" not in json.dumps(
        event.data, ensure_ascii=False
    )


def test_rows_are_rejected_with_a_message_naming_row_column_and_problem(
    tmp_path: Path, embassy: Party, rule: EligibilityRule
) -> None:
    rows = [
        returnee("محمد أحمد علي النجار", "31/02/1990", ID_1),
        returnee("", "17/05/1990", ID_2),
        returnee("سارة خالد يوسف الشوا", "17/05/1990", ID_3, phone="12"),
    ]
    path = write_csv(tmp_path / "r.csv", RETURN_HEADERS, rows)

    with pytest.raises(CommandError, match="3 rows rejected; nothing was written"):
        run_import("returns", path)

    report = run_import("returns", path, "--dry-run")
    problems = {(e["row"], e["column"]): e["problem"] for e in report["errors"]}
    assert problems[(2, "تاريخ الميلاد")] == "31/02/1990 is not a real date."
    assert problems[(3, "الاسم الرباعي")] == "the name is missing."
    assert "not a possible phone number" in problems[(4, "رقم الجوال")]
    assert Person.objects.count() == 0


def test_a_failed_id_check_digit_is_a_warning_not_a_rejection(
    tmp_path: Path, embassy: Party, rule: EligibilityRule
) -> None:
    rows = [returnee("محمد أحمد علي النجار", "17/05/1990", BAD_CHECK_DIGIT)]
    report = run_import("returns", write_csv(tmp_path / "r.csv", RETURN_HEADERS, rows))

    assert report["counts"]["created"] == 1 and report["counts"]["rejected"] == 0
    assert report["warnings"] == [
        {
            "row": 2,
            "column": "رقم الهوية",
            "problem": f"ID number {BAD_CHECK_DIGIT} fails the check digit; check it again.",
        }
    ]


def test_duplicates_within_the_file_are_linked_and_listed_not_dropped(
    tmp_path: Path, embassy: Party, rule: EligibilityRule
) -> None:
    rows = [
        returnee("محمد أحمد علي النجار", "17/05/1990", ID_1),
        returnee("محمد احمد علي النجار", "17/05/1990", ID_1),  # same ID
        returnee("فاطمة حسن محمود الشوا", "01/02/1985", ""),
        returnee("فاطمه حسن محمود الشوّا", "1985-02-01", ""),  # similar name, same birth
    ]
    report = run_import("returns", write_csv(tmp_path / "r.csv", RETURN_HEADERS, rows))

    assert report["counts"]["created"] == 2 and report["counts"]["linked"] == 2
    assert [(d["row"], d["same_as_row"]) for d in report["duplicates"]] == [(3, 2), (5, 4)]
    assert report["duplicates"][0]["reason"] == "same ID number"
    assert report["duplicates"][1]["reason"] == "similar name and same date of birth"
    assert Person.objects.count() == 2
    assert ReturnRegistration.objects.count() == 2


def test_duplicates_of_people_already_in_corridor_are_linked_to_them(
    tmp_path: Path, embassy: Party, rule: EligibilityRule
) -> None:
    by_id = PersonFactory(national_id=ID_1, given_name_ar="محمد", family_name_ar="النجار")
    by_name = PersonFactory(
        given_name_ar="إسماعيل",
        father_name_ar="حسن",
        grandfather_name_ar="محمود",
        family_name_ar="الشوا",
        date_of_birth=datetime.date(1985, 2, 1),
        national_id="",
    )
    PersonFactory(  # same birth, different name: not a duplicate
        given_name_ar="يوسف", family_name_ar="السقا", date_of_birth=datetime.date(1985, 2, 1)
    )
    rows = [
        returnee("محمد أحمد علي النجار", "17/05/1990", ID_1),
        returnee("اسماعيل حسن محمود الشوا", "01/02/1985", ID_2),
    ]
    report = run_import("returns", write_csv(tmp_path / "r.csv", RETURN_HEADERS, rows))

    assert report["counts"]["linked"] == 2 and report["counts"]["created"] == 0
    assert [(d["row"], d["person_id"]) for d in report["duplicates"]] == [
        (2, by_id.pk),
        (3, by_name.pk),
    ]
    assert Person.objects.count() == 3
    assert set(ReturnRegistration.objects.values_list("person_id", flat=True)) == {
        by_id.pk,
        by_name.pk,
    }
    by_name.refresh_from_db()
    assert by_name.national_id == ""  # linked, never merged


def test_dry_run_writes_nothing(tmp_path: Path, embassy: Party, rule: EligibilityRule) -> None:
    rows = [returnee("محمد أحمد علي النجار", "17/05/1990", ID_1)]
    path = write_csv(tmp_path / "r.csv", RETURN_HEADERS, rows)

    report = run_import("returns", path, "--dry-run", "--source", "embassy")

    assert report["counts"]["created"] == 1 and report["written"] is False
    assert not Person.objects.exists() and not ReturnRegistration.objects.exists()
    assert not AuditEvent.objects.exists() and not ImportSource.objects.exists()


def test_keep_valid_writes_valid_rows_and_returns_the_rejected_with_reasons(
    tmp_path: Path, embassy: Party, rule: EligibilityRule
) -> None:
    rows = [
        returnee("محمد أحمد علي النجار", "17/05/1990", ID_1),
        returnee("سارة خالد يوسف الشوا", "17/05/2090", ID_2),
    ]
    path = write_csv(tmp_path / "r.csv", RETURN_HEADERS, rows)
    rejected = tmp_path / "rejected.csv"

    report = run_import("returns", path, "--keep-valid", "--rejected", rejected)

    assert report["counts"]["created"] == 1 and report["counts"]["rejected"] == 1
    assert Person.objects.get().national_id == ID_1
    with rejected.open(encoding="utf-8-sig") as stream:
        lines = list(csv.reader(stream))
    assert lines[0] == ["row", *RETURN_HEADERS, "reason"]
    assert lines[1][0] == "3" and lines[1][4] == ID_2
    assert lines[1][-1] == "تاريخ الميلاد: 2090-05-17 is in the future."


def test_reimporting_the_same_file_changes_nothing(
    tmp_path: Path, embassy: Party, rule: EligibilityRule
) -> None:
    rows = [
        returnee("محمد أحمد علي النجار", "17/05/1990", ID_1),
        returnee("فاطمة حسن محمود الشوا", "01/02/1985", ""),
    ]
    path = write_csv(tmp_path / "r.csv", RETURN_HEADERS, rows)
    run_import("returns", path)
    people = list(Person.objects.order_by("pk").values())
    registrations = list(ReturnRegistration.objects.order_by("pk").values())

    report = run_import("returns", path)

    assert report["counts"]["unchanged"] == 2
    assert report["counts"]["created"] == report["counts"]["linked"] == 0
    assert list(Person.objects.order_by("pk").values()) == people
    assert list(ReturnRegistration.objects.order_by("pk").values()) == registrations


def test_xlsx_csv_and_ods_files_read_identically(tmp_path: Path) -> None:
    born = datetime.date(1990, 5, 17)
    rows = [returnee("محمد أحمد علي النجار", born, int(ID_1), phone=599123456)]
    as_text = [
        [str(v) if not isinstance(v, datetime.date) else v.isoformat() for v in r] for r in rows
    ]

    parsed = []
    for path in (
        write_xlsx(tmp_path / "r.xlsx", RETURN_HEADERS, rows),
        write_ods(tmp_path / "r.ods", RETURN_HEADERS, rows),
        write_csv(tmp_path / "r.csv", RETURN_HEADERS, as_text, bom=False),
        write_csv(tmp_path / "bom.csv", RETURN_HEADERS, as_text, bom=True),
    ):
        table = read_table(path)
        assert table.headers == RETURN_HEADERS
        parser = RowParser(
            resolve_columns(table.headers, "returns"),
            Lookups({}, {}, {"خان يونس": (1, "gaza-strip")}),
            phone_region="PS",
        )
        row = parser.parse(*table.rows[0])
        assert row.valid, row.errors
        parsed.append(row.values)
    assert parsed[0] == parsed[1] == parsed[2] == parsed[3]
    assert parsed[0]["national_id"] == ID_1 and parsed[0]["phone"] == "+970599123456"


def test_a_source_mapping_is_saved_and_reused(
    tmp_path: Path, embassy: Party, rule: EligibilityRule
) -> None:
    headers = ["Name", "Born", "Left on", "المحافظة"]
    rows = [["محمد أحمد علي النجار", "17/05/1990", "15/01/2024", "خان يونس"]]
    path = write_csv(tmp_path / "r.csv", headers, rows)
    with pytest.raises(CommandError, match="No column for: date of birth, departure date"):
        run_import("returns", path, "--dry-run")

    run_import(
        "returns",
        path,
        "--source",
        "desk-2",
        "--map",
        "Born=date_of_birth",
        "--map",
        "Left on=departure_date",
    )
    assert ImportSource.objects.get(name="desk-2").mapping["born"] == "date_of_birth"

    other = write_csv(
        tmp_path / "r2.csv",
        headers,
        [["سارة خالد يوسف الشوا", "01/01/2000", "15/01/2024", "خان يونس"]],
    )
    report = run_import("returns", other, "--source", "desk-2")
    assert report["counts"]["created"] == 1


def test_bad_input_ends_in_one_line(tmp_path: Path, embassy: Party) -> None:
    binary = tmp_path / "x.xlsx"
    binary.write_bytes(b"\x00\x01garbage")
    with pytest.raises(CommandError, match="The file's content is not one of"):
        call_command("import", "returns", str(binary))
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import", "returns", str(tmp_path / "missing.csv"))


# Cases -------------------------------------------------------------------------------------

CASE_HEADERS = ["اسم المريض", "تاريخ الميلاد", "الجنس", "رقم الهوية", "المستشفى"]
CASE_HEADERS += ["تاريخ التحويل", "الفئة", "ICD-10", "الأولوية", "الحركة"]


def test_cases_are_registered_from_an_xlsx_with_arabic_values(
    tmp_path: Path, hospital: Facility, tiers: dict[str, UrgencyTier]
) -> None:
    rows = [
        [
            "أحمد محمود خليل عياد",
            datetime.date(2015, 3, 2),
            "ذكر",
            ID_1,
            "مستشفى الامل",
            "٢٠/٠١/٢٠٢٦",
            "أورام",
            "C91.0",
            "حرج",
            "نقالة",
        ],
        [
            "ليلى سمير حسن قديح",
            "02/03/1960",
            "F",
            ID_2,
            "al-amal",
            "2026-01-21",
            "Trauma",
            "",
            "urgent",
            "",
        ],
        [
            "سعيد علي حسن الغول",
            "02/03/1960",
            "M",
            ID_3,
            "al-amal",
            "2026-01-21",
            "زكام",
            "",
            "urgent",
            "",
        ],
    ]
    path = write_xlsx(tmp_path / "cases.xlsx", CASE_HEADERS, rows)

    report = run_import("cases", path, "--keep-valid")

    assert report["counts"]["created"] == 2 and report["counts"]["rejected"] == 1
    assert report["errors"][0]["row"] == 4 and report["errors"][0]["column"] == "الفئة"
    assert "unknown value 'زكام'" in report["errors"][0]["problem"]
    child = Case.objects.get(patient__national_id=ID_1)
    assert child.status == CaseStatus.REGISTERED
    assert (child.clinical_category, child.icd10_code, child.mobility) == (
        "cancer",
        "C91.0",
        "stretcher",
    )
    assert child.urgency == tiers["critical"] and child.referring_facility == hospital
    assert child.referral_date == datetime.date(2026, 1, 20)
    assert child.patient.sex == "M"

    again = run_import("cases", path, "--keep-valid", "--rejected", tmp_path / "rej.csv")
    assert again["counts"]["unchanged"] == 2 and Case.objects.count() == 2


def test_an_atomic_case_import_with_a_bad_row_writes_nothing(
    tmp_path: Path, hospital: Facility, tiers: dict[str, UrgencyTier]
) -> None:
    rows = [
        [
            "أحمد محمود خليل عياد",
            "02/03/2015",
            "M",
            ID_1,
            "al-amal",
            "20/01/2026",
            "cancer",
            "",
            "critical",
            "",
        ],
        [
            "ليلى سمير حسن قديح",
            "02/03/1960",
            "F",
            ID_2,
            "unknown hospital",
            "21/01/2026",
            "trauma",
            "",
            "urgent",
            "",
        ],
    ]
    path = write_csv(tmp_path / "cases.csv", CASE_HEADERS, rows)

    with pytest.raises(CommandError, match="1 rows rejected"):
        call_command("import", "cases", str(path), stdout=io.StringIO())

    assert not Case.objects.exists() and not Person.objects.exists()
    assert not AuditEvent.objects.filter(action="import.cases").exists()


def test_table_report_lists_counts_and_duplicates(
    tmp_path: Path, hospital: Facility, tiers: dict[str, UrgencyTier]
) -> None:
    rows = [
        [
            "أحمد محمود خليل عياد",
            "02/03/2015",
            "M",
            ID_1,
            "al-amal",
            "20/01/2026",
            "cancer",
            "",
            "critical",
            "",
        ],
        [
            "أحمد محمود خليل عياد",
            "02/03/2015",
            "M",
            ID_1,
            "al-amal",
            "22/01/2026",
            "trauma",
            "",
            "critical",
            "",
        ],
    ]
    out = io.StringIO()
    call_command(
        "import", "cases", str(write_csv(tmp_path / "c.csv", CASE_HEADERS, rows)), stdout=out
    )

    text = out.getvalue()
    assert re.search(r"^rows read +2$", text, re.MULTILINE)
    assert re.search(r"^linked to existing +1$", text, re.MULTILINE)
    assert "row 3: row 2 of this file, same ID number" in text
    assert Case.objects.count() == 2 and Person.objects.count() == 1


def test_a_command_import_is_kept_with_its_report_and_a_dry_run_is_not(
    tmp_path: Path, embassy: Party, rule: EligibilityRule
) -> None:
    rows = [
        returnee("محمد أحمد علي النجار", "17/05/1990", ID_1),
        returnee("سارة خالد يوسف الشوا", "17/05/2090", ID_2),
    ]
    path = write_csv(tmp_path / "r.csv", RETURN_HEADERS, rows)
    run_import("returns", path, "--dry-run")
    assert not ImportRun.objects.exists()

    report = run_import("returns", path, "--keep-valid", "--source", "desk")

    run = ImportRun.objects.get()
    assert report["id"] == run.pk
    assert (run.channel, run.imported_by, run.party, run.source) == (
        "command",
        None,
        embassy,
        "desk",
    )
    assert run.kept_valid_rows and run.counts == report["counts"]
    assert run.report["errors"] == report["errors"] and run.report["eligibility"] == {"eligible": 1}
    assert AuditEvent.objects.get(action="import.returns").object_id == str(run.pk)


# The demo clock -------------------------------------------------------------------------------


def test_returnees_are_checked_and_registered_on_the_demo_clock(
    tmp_path: Path, embassy: Party, rule: EligibilityRule, settings: Any
) -> None:
    demo_day = datetime.date(2026, 2, 12)
    settings.CORRIDOR_DEMO_DATE = demo_day
    rows = [
        returnee("محمد أحمد علي النجار", "17/05/1990", ID_1),
        # After the demo day, though long past on the real clock: not yet possible.
        returnee("فاطمة حسن محمود أبو شمالة", "17/05/1990", ID_2, left="01/03/2026"),
    ]

    report = run_import(
        "returns", write_csv(tmp_path / "r.csv", RETURN_HEADERS, rows), "--keep-valid"
    )

    assert report["counts"]["created"] == 1 and report["counts"]["rejected"] == 1
    assert "2026-03-01 is in the future" in report["errors"][0]["problem"]
    registration = ReturnRegistration.objects.get()
    assert registration.registered_on == demo_day
    assert timezone.localdate(registration.status_changed_at) == demo_day
    assert timezone.localdate(ImportRun.objects.get().imported_at) == demo_day


def test_cases_are_registered_on_the_demo_clock(
    tmp_path: Path, hospital: Facility, tiers: dict[str, UrgencyTier], settings: Any
) -> None:
    demo_day = datetime.date(2026, 2, 12)
    settings.CORRIDOR_DEMO_DATE = demo_day
    row = ["ليلى سمير حسن قديح", "02/03/1960", "F", ID_2, "al-amal", "21/01/2026", "trauma"]
    path = write_csv(tmp_path / "cases.csv", CASE_HEADERS, [[*row, "", "urgent", ""]])

    run_import("cases", path)

    case = Case.objects.get()
    assert timezone.localdate(case.registered_at) == demo_day
    assert timezone.localdate(case.status_changed_at) == demo_day
    # The audit log keeps real time.
    event = AuditEvent.objects.get(action="import.cases")
    assert timezone.localdate(event.at) == timezone.localdate()
