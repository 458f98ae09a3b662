"""Imports through the API: the same checks and report as the command and the page."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client

from corridor.accounts import policy
from corridor.accounts.models import Party
from corridor.api.services import create_token
from corridor.audit.models import AuditEvent
from corridor.cases.models import Case
from corridor.interop.models import ImportRun
from corridor.people.models import Person
from corridor.returns.models import ReturnRegistration
from tests.factories import (
    EligibilityRuleFactory,
    FacilityFactory,
    GovernorateFactory,
    UrgencyTierFactory,
)
from tests.interop.test_import import CASE_HEADERS, ID_1, ID_2, RETURN_HEADERS, returnee


def csv_bytes(headers: list[str], rows: list[list[Any]]) -> bytes:
    lines = [",".join(headers)] + [",".join(str(v) for v in row) for row in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


def case_row(national_id: str, category: str = "cancer") -> list[str]:
    return ["ليلى سمير حسن قديح", "02/03/1960", "F", national_id, "al-amal", "21/01/2026",
            category, "", "urgent", ""]  # fmt: skip


@pytest.fixture
def lookups(db: None) -> None:
    FacilityFactory(code="al-amal")
    UrgencyTierFactory(code="urgent", rank=902)  # clear of the sequence of other fixtures
    GovernorateFactory(code="khan-younis", name_ar="خان يونس", name_en="Khan Younis")
    EligibilityRuleFactory(code="after-7-oct")


def post_file(token: str, kind: str, data: bytes, name: str = "list.csv", **form: Any) -> Any:
    upload = io.BytesIO(data)
    upload.name = name
    return Client(HTTP_ACCEPT_LANGUAGE="en").post(
        f"/api/v1/imports/{kind}",
        {"file": upload, **form},
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )


def error_of(response: Any, status: int, code: str) -> str:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"} and body["error"]["code"] == code
    message: str = body["error"]["message"]
    return message


def test_a_dry_run_reports_what_would_happen_and_writes_nothing(api_world, lookups):
    data = csv_bytes(CASE_HEADERS, [case_row(ID_1), case_row(ID_2, "زكام")])

    response = post_file(api_world.tokens["coordinator"], "cases", data, dry_run="true")

    assert response.status_code == 200
    report = response.json()
    assert report["id"] is None and report["dry_run"] and not report["written"]
    assert report["counts"]["read"] == 2 and report["counts"]["rejected"] == 1
    assert report["errors"] == [
        {"row": 3, "column": "الفئة", "problem": report["errors"][0]["problem"]}
    ]
    assert "unknown value 'زكام'" in report["errors"][0]["problem"]
    assert not Case.objects.filter(patient__national_id__in=[ID_1, ID_2]).exists()
    assert not ImportRun.objects.exists()


def test_an_import_is_written_audited_and_listed_with_its_report(api_world, lookups):
    token = api_world.tokens["coordinator"]
    response = post_file(token, "cases", csv_bytes(CASE_HEADERS, [case_row(ID_1)]), source="moh")

    report = response.json()
    assert response.status_code == 200 and report["written"] and report["counts"]["created"] == 1
    run = ImportRun.objects.get(pk=report["id"])
    assert (run.channel, run.imported_by, run.source) == (
        "api",
        api_world.users["coordinator"],
        "moh",
    )
    assert Case.objects.filter(patient__national_id=ID_1).exists()
    event = AuditEvent.objects.get(action="import.cases")
    assert event.data["channel"] == "api" and event.actor == api_world.users["coordinator"]
    listed = api_world.get("coordinator", "/api/v1/imports").json()
    assert [item["id"] for item in listed["items"]] == [run.pk]
    assert listed["items"][0]["imported_by"] == "coord"
    detail = api_world.get("coordinator", f"/api/v1/imports/{run.pk}").json()
    assert detail["counts"]["created"] == 1 and detail["errors"] == []


def test_a_rejected_row_refuses_the_whole_file_with_422_naming_it_unless_keep_valid(
    api_world, lookups
):
    data = csv_bytes(CASE_HEADERS, [case_row(ID_1), case_row(ID_2, "زكام")])
    token = api_world.tokens["coordinator"]
    people = Person.objects.count()

    message = error_of(post_file(token, "cases", data), 422, "rows_rejected")

    assert "1 rows rejected; nothing was written" in message
    assert "row 3, column الفئة: unknown value 'زكام'" in message
    assert Person.objects.count() == people and not ImportRun.objects.exists()

    kept = post_file(token, "cases", data, keep_valid="true").json()
    assert kept["written"] and kept["counts"]["created"] == 1 and kept["counts"]["rejected"] == 1
    assert ImportRun.objects.get().kept_valid_rows


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"", "The file is empty."),
        (b"\x00\x01\x02garbage", "The file's content is not one of: xlsx, ods, csv."),
        (b"PK\x03\x04[Content_Types].xml", "The XLSX file cannot be read"),
        ("Name,Born\nمحمد,1990-01-01\n".encode(), "No column for: date of birth, referring"),
    ],
)
def test_a_bad_file_is_400_with_the_error_body_naming_the_problem(
    api_world, lookups, data, problem
):
    response = post_file(api_world.tokens["coordinator"], "cases", data)
    assert problem in error_of(response, 400, "bad_input")


def test_a_file_over_the_size_limit_is_refused(api_world, lookups, settings):
    settings.CORRIDOR_MAX_UPLOAD_BYTES = 100
    data = csv_bytes(CASE_HEADERS, [case_row(ID_1)] * 5)
    response = post_file(api_world.tokens["coordinator"], "cases", data)
    assert "the limit is 100 bytes" in error_of(response, 400, "bad_input")


def test_returnees_join_the_callers_party_whose_imports_only_it_sees(api_world, lookups):
    rows = [returnee("محمد أحمد علي النجار", "17/05/1990", ID_1)]
    response = post_file(api_world.tokens["returns"], "returns", csv_bytes(RETURN_HEADERS, rows))

    assert response.status_code == 200 and response.json()["eligibility"] == {"eligible": 1}
    registration = ReturnRegistration.objects.get(person__national_id=ID_1)
    assert registration.registered_with == api_world.users["returns"].party
    other = ImportRun.objects.create(
        kind="returns", file_name="other.csv", channel="api", imported_at="2026-02-01T10:00Z",
        party=Party.objects.get(code="embassy-2"),
    )  # fmt: skip
    listed = api_world.get("returns", "/api/v1/imports").json()
    assert [item["file"] for item in listed["items"]] == ["list.csv"]
    assert api_world.get("returns", f"/api/v1/imports/{other.pk}").status_code == 404
    coordinator = api_world.get("coordinator", "/api/v1/imports", data={"kind": "returns"})
    assert coordinator.json()["count"] == 0


def test_roles_and_tokens_without_the_import_action_are_refused(api_world, lookups):
    data = csv_bytes(CASE_HEADERS, [case_row(ID_1)])
    error_of(post_file(api_world.tokens["returns"], "cases", data), 403, "forbidden")
    error_of(post_file(api_world.tokens["coordinator"], "returns", data), 403, "forbidden")
    error_of(post_file(api_world.tokens["analyst"], "cases", data), 403, "forbidden")
    error_of(api_world.get("analyst", "/api/v1/imports"), 403, "forbidden")
    _token, narrow = create_token(
        api_world.users["coordinator"], "read only", [policy.CASE_VIEW], actor=None
    )
    error_of(post_file(narrow, "cases", data), 403, "forbidden")
    assert not Case.objects.filter(patient__national_id=ID_1).exists()


def test_a_session_cannot_import_it_needs_a_token(api_world, lookups):
    user = api_world.users["coordinator"]
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    upload = io.BytesIO(csv_bytes(CASE_HEADERS, [case_row(ID_1)]))
    upload.name = "list.csv"
    response = client.post("/api/v1/imports/cases", {"file": upload})
    error_of(response, 401, "unauthenticated")
