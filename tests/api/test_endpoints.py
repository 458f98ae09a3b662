"""Each endpoint scopes rows and fields as the pages do; lists page; refusals share one body."""

from __future__ import annotations

import pytest

from corridor.crossings.models import BatchMember, Clearance
from corridor.profiles import CLEARANCE_LIST
from tests.api.conftest import CLINICAL
from tests.helpers import audit_actions


def test_a_liaison_of_another_party_gets_404_on_a_case(api_world):
    response = api_world.get("liaison_elsewhere", f"/api/v1/cases/{api_world.case.reference}")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    listed = api_world.get("liaison_elsewhere", "/api/v1/cases").json()
    assert listed["count"] == 0


def test_a_receiving_liaison_sees_the_receiving_profile_without_identity(api_world):
    response = api_world.get("liaison", f"/api/v1/cases/{api_world.case.reference}")
    assert response.status_code == 200
    body = response.json()
    assert body["identity"] is None
    assert set(body["receiving"]) == {
        "reference", "age", "sex", "clinical_category", "icd10_code", "mobility", "companions",
        "companion_relationships",
    }  # fmt: skip
    text = response.content.decode()
    patient = api_world.case.patient
    for secret in (patient.national_id, patient.name_latin, "national_id", "name_ar"):
        assert secret not in text
    assert body["clinical_summary"] == CLINICAL
    assert "case.clinical_read" in audit_actions(api_world.case)


def test_a_coordinator_sees_identity_but_not_the_clinical_summary(api_world):
    body = api_world.get("coordinator", f"/api/v1/cases/{api_world.case.reference}").json()
    assert body["identity"]["name_latin"] == api_world.case.patient.name_latin
    assert body["receiving"] is None
    assert body["clinical_summary"] is None
    assert CLINICAL not in str(body)
    assert "case.clinical_read" not in audit_actions(api_world.case)


def test_case_list_filters_by_status_urgency_and_category(api_world):
    case = api_world.case
    path = "/api/v1/cases"
    assert api_world.get("coordinator", path, data={"status": case.status}).json()["count"] >= 1
    assert api_world.get("coordinator", path, data={"status": "died"}).json()["count"] == 0
    by_urgency = api_world.get("coordinator", path, data={"urgency": case.urgency.code}).json()
    assert case.reference in [item["reference"] for item in by_urgency["items"]]
    other = api_world.get("coordinator", path, data={"category": "none_such"}).json()
    assert other["count"] == 0


def test_a_crossing_officer_sees_only_todays_and_tomorrows_batches_at_their_crossing(api_world):
    listed = api_world.get("officer", "/api/v1/batches").json()
    ids = {item["id"] for item in listed["items"]}
    assert api_world.batch_today.pk in ids
    assert api_world.batch_later.pk not in ids
    assert api_world.batch_elsewhere.pk not in ids
    for batch in (api_world.batch_later, api_world.batch_elsewhere):
        assert api_world.get("officer", f"/api/v1/batches/{batch.pk}").status_code == 404
        assert api_world.get("officer", f"/api/v1/batches/{batch.pk}/events").status_code == 404


def test_batch_detail_rows_are_the_clearance_list_profile_without_clinical_fields(api_world):
    body = api_world.get("officer", f"/api/v1/batches/{api_world.batch_today.pk}").json()
    (row,) = body["members"]
    assert set(row) == set(CLEARANCE_LIST.keys)
    for field in CLEARANCE_LIST.never:
        assert field not in row
    assert CLINICAL not in str(body)


def test_coordination_events_of_a_batch_are_listed(api_world):
    response = api_world.get("coordinator", f"/api/v1/batches/{api_world.batch_today.pk}/events")
    assert response.status_code == 200
    assert response.json() == []


def test_movements_are_scoped_and_return_registrations_are_the_partys_own(api_world):
    assert api_world.get("officer", "/api/v1/movements").status_code == 200
    assert api_world.get("liaison", "/api/v1/movements").status_code == 403
    returns = api_world.get("returns", "/api/v1/returns").json()
    assert returns["count"] == 1
    assert set(returns["items"][0]) == {
        "id", "name_ar", "national_id", "registered_on", "departure_date", "status",
        "eligibility_reason",
    }  # fmt: skip
    assert api_world.get("coordinator", "/api/v1/returns").status_code == 403


def test_aggregates_suppress_small_cells(api_world, settings):
    settings.CORRIDOR_SMALL_CELL = 5
    body = api_world.get("analyst", "/api/v1/aggregates").json()
    assert body["threshold"] == 5
    assert all(row["count"] == "<5" for row in body["returns_by_status"])


@pytest.mark.parametrize(
    "query", [{"limit": 0}, {"limit": 201}, {"offset": -1}, {"limit": "many"}, {"status": "A!"}]
)
def test_pagination_and_filters_refuse_bad_values_with_the_error_body(api_world, query):
    response = api_world.get("coordinator", "/api/v1/cases", data=query)
    assert response.status_code == 422
    assert set(response.json()["error"]) == {"code", "message"}
    assert response.json()["error"]["code"] == "invalid"


def test_pagination_windows_the_list(api_world):
    full = api_world.get("coordinator", "/api/v1/batches").json()
    assert full["count"] == 4 and full["limit"] == 50
    window = api_world.get("coordinator", "/api/v1/batches", data={"limit": 2, "offset": 1}).json()
    assert window["count"] == 4
    assert [b["id"] for b in window["items"]] == [b["id"] for b in full["items"][1:3]]


def _clearance(api_world, batch, seat=1, **body):
    path = f"/api/v1/batches/{batch.pk}/members/{seat}/clearance"
    return api_world.post("coordinator", path, {"result": "no_answer", **body})


def test_recording_a_clearance_answer(api_world):
    response = _clearance(api_world, api_world.submitted)
    assert response.status_code == 200
    assert response.json() == {"seat": 1, "clearance": "no_answer", "active": True}
    member = BatchMember.objects.get(batch=api_world.submitted, seat=1)
    assert member.clearance == Clearance.NO_ANSWER
    assert member.clearance_party.code == "authority"
    assert "member.clearance" in audit_actions(member)


def test_a_refused_clearance_transition_is_409_with_the_domain_message(api_world):
    response = _clearance(api_world, api_world.batch_today)
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "refused"
    assert "cannot go from 'draft'" in error["message"]


def test_bad_clearance_input_is_refused(api_world):
    assert _clearance(api_world, api_world.submitted, result="maybe").status_code == 422
    unknown_party = _clearance(api_world, api_world.submitted, party="nobody")
    assert unknown_party.status_code == 400
    assert unknown_party.json()["error"]["code"] == "bad_input"
    assert _clearance(api_world, api_world.submitted, seat=9).status_code == 404
    assert (
        api_world.post(
            "officer",
            f"/api/v1/batches/{api_world.submitted.pk}/members/1/clearance",
            {"result": "cleared"},
        ).status_code
        == 403
    )  # noqa: E501
