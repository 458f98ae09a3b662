"""Exports through the API: the pages' own files, profiles and share audit."""

from __future__ import annotations

import csv
import io
import json

import openpyxl
import pytest
from django.test import Client

from corridor.accounts import policy
from corridor.api.services import create_token
from corridor.audit.models import AuditEvent
from corridor.profiles import CLEARANCE_LIST
from tests.api.conftest import CLINICAL


def shares() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action="export.shared").order_by("sequence"))


@pytest.mark.parametrize("fmt", ["csv", "json", "xlsx"])
def test_the_clearance_list_is_the_pages_file_in_each_format_and_audited_as_shared(api_world, fmt):
    batch = api_world.batch_today
    page = Client(HTTP_ACCEPT_LANGUAGE="en")
    page.force_login(api_world.users["coordinator"])

    response = api_world.get(
        "coordinator", f"/api/v1/batches/{batch.pk}/clearance-list", data={"format": fmt}
    )
    from_page = page.get(f"/crossing/batches/{batch.pk}/clearance-list.{fmt}")

    assert response.status_code == 200
    assert response["Content-Type"] == from_page["Content-Type"]
    assert response["Content-Disposition"] == from_page["Content-Disposition"]
    if fmt == "xlsx":
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        values = [cell.value for cell in sheet[2]]
        assert api_world.case.patient.national_id in values
    else:
        assert response.content == from_page.content
    text = response.content.decode(errors="replace")
    assert CLINICAL not in text
    (api_share, page_share) = shares()
    assert api_share.data == page_share.data
    assert api_share.data["what"] == CLEARANCE_LIST.name
    assert api_share.data["recipient"] == "authority" and api_share.data["people"] == 1
    assert api_share.actor == api_world.users["coordinator"]
    assert api_share.object_id == str(batch.pk)


def test_the_clearance_list_rows_are_the_profile_without_clinical_fields(api_world):
    batch = api_world.batch_today
    body = api_world.get(
        "coordinator", f"/api/v1/batches/{batch.pk}/clearance-list", data={"format": "json"}
    )
    (row,) = json.loads(body.content)["rows"]
    assert set(row) == set(CLEARANCE_LIST.keys)
    csv_body = api_world.get("coordinator", f"/api/v1/batches/{batch.pk}/clearance-list")
    header = next(csv.reader(io.StringIO(csv_body.content.decode("utf-8-sig"))))
    assert header == CLEARANCE_LIST.keys


def test_only_those_who_may_share_the_clearance_list_get_it(api_world):
    path = f"/api/v1/batches/{api_world.batch_today.pk}/clearance-list"
    for who in ("officer", "liaison", "analyst", "returns"):
        response = api_world.get(who, path)
        assert response.status_code == 403, who
        assert response.json()["error"]["code"] == "forbidden"
    _token, narrow = create_token(
        api_world.users["coordinator"], "batches", [policy.BATCH_VIEW], actor=None
    )
    assert Client().get(path, HTTP_AUTHORIZATION=f"Bearer {narrow}").status_code == 403
    missing = api_world.get("coordinator", "/api/v1/batches/999999/clearance-list")
    assert missing.status_code == 404
    bad = api_world.get("coordinator", path, data={"format": "pdf"})
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid"
    assert shares() == []


def test_the_hxl_export_is_the_reports_file_and_audited(api_world):
    response = api_world.get("analyst", "/api/v1/exports/hxl")
    page = Client(HTTP_ACCEPT_LANGUAGE="en")
    page.force_login(api_world.users["analyst"])
    from_page = page.get("/reports/hxl.csv")

    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content == from_page.content
    lines = response.content.decode().splitlines()
    assert lines[1].startswith("#date,#loc+crossing")
    (api_share, page_share) = shares()
    assert api_share.data == page_share.data
    assert api_share.data["what"] == "aggregates:hxl" and api_share.data["people"] == 0
    assert api_world.get("liaison", "/api/v1/exports/hxl").status_code == 403
    assert api_world.get("returns", "/api/v1/exports/hxl").status_code == 403
