"""People through the API: scoped like cases, identity only for roles allowed to see it."""

from __future__ import annotations

import pytest
from django.test import Client

from corridor.accounts.models import Role
from corridor.api.services import create_token
from corridor.audit.models import AuditEvent
from corridor.cases.models import CaseStatus
from tests.factories import CaseFactory, CompanionFactory, PersonFactory, UserFactory


@pytest.fixture
def companion(api_world):
    person = PersonFactory(national_id="900000099", given_name_ar="مرافق")
    return CompanionFactory(case=api_world.case, person=person)


def test_a_coordinator_sees_patients_and_companions_with_identity_and_their_cases(
    api_world, companion
):
    body = api_world.get("coordinator", "/api/v1/people", data={"limit": 200}).json()
    by_id = {item["id"]: item for item in body["items"]}
    patient = api_world.case.patient
    assert by_id[patient.pk]["identity"]["national_id"] == patient.national_id
    assert by_id[patient.pk]["cases"] == [
        {"reference": api_world.case.reference, "role": "patient"}
    ]
    assert by_id[companion.person.pk]["cases"] == [
        {"reference": api_world.case.reference, "role": "companion"}
    ]
    assert by_id[companion.person.pk]["identity"]["name_ar"].startswith("مرافق")
    # A returnee is in no case: not among the people of cases.
    returnee = api_world.users["returns"].party.return_registrations.get().person
    assert returnee.pk not in by_id


def test_a_receiving_liaison_sees_the_people_of_offered_cases_without_identity(
    api_world, companion
):
    body = api_world.get("liaison", "/api/v1/people").json()
    ids = {item["id"] for item in body["items"]}
    assert ids == {api_world.case.patient.pk, companion.person.pk}
    text = str(body)
    assert all(item["identity"] is None for item in body["items"])
    for secret in (api_world.case.patient.national_id, "900000099", "مرافق", "name_ar"):
        assert secret not in text
    one = api_world.get("liaison", f"/api/v1/people/{companion.person.pk}").json()
    assert set(one) == {"id", "sex", "age", "identity", "cases"} and one["identity"] is None


def test_people_outside_the_callers_cases_answer_404_and_the_refusal_is_audited(
    api_world, companion
):
    assert api_world.get("liaison_elsewhere", "/api/v1/people").json()["count"] == 0
    response = api_world.get("liaison_elsewhere", f"/api/v1/people/{companion.person.pk}")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
    assert "900000099" not in response.content.decode()
    refusal = AuditEvent.objects.filter(action="permission.refused").last()
    assert refusal.actor == api_world.users["liaison_elsewhere"]
    assert api_world.get("coordinator", "/api/v1/people/2147483647").status_code == 404


def test_searching_by_identity_needs_the_right_to_see_it(api_world, companion):
    response = api_world.get("liaison", "/api/v1/people", data={"national_id": "900000099"})
    assert response.status_code == 403 and response.json()["error"]["code"] == "forbidden"
    assert "900000099" not in response.content.decode()
    by_name = api_world.get("liaison", "/api/v1/people", data={"name": "مرافق"})
    assert by_name.status_code == 403
    found = api_world.get("coordinator", "/api/v1/people", data={"national_id": "900000099"})
    assert [item["id"] for item in found.json()["items"]] == [companion.person.pk]
    # A name search folds spellings as the pages' searches do: a typed diacritic is ignored.
    by_name = api_world.get("coordinator", "/api/v1/people", data={"name": "مُرافق"})
    assert [item["id"] for item in by_name.json()["items"]] == [companion.person.pk]
    _token, narrow = create_token(
        api_world.users["coordinator"], "no identity", ["case.view"], actor=None
    )
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {narrow}"}
    refused = Client().get("/api/v1/people", {"national_id": "900000099"}, **bearer)
    assert refused.status_code == 403
    listed = Client().get("/api/v1/people", **bearer).json()
    assert listed["count"] >= 2 and all(item["identity"] is None for item in listed["items"])


def test_a_referral_officer_sees_only_the_people_of_their_facilitys_cases(api_world):
    facility = api_world.case.referring_facility
    officer = UserFactory(
        username="referral", party=facility.party, facility=facility, roles=[Role.REFERRAL_OFFICER]
    )
    elsewhere = CaseFactory(patient=PersonFactory(national_id="900000077"))
    token = create_token(officer, "his", ["case.view", "case.identity"], actor=None)[1]
    body = Client().get("/api/v1/people", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    ids = {item["id"] for item in body["items"]}
    assert api_world.case.patient.pk in ids and elsewhere.patient.pk not in ids


def test_people_filter_by_case_and_page(api_world, companion):
    reference = api_world.case.reference
    body = api_world.get("coordinator", "/api/v1/people", data={"case": reference}).json()
    assert {item["id"] for item in body["items"]} == {
        api_world.case.patient.pk,
        companion.person.pk,
    }
    window = api_world.get(
        "coordinator", "/api/v1/people", data={"case": reference, "limit": 1, "offset": 1}
    ).json()
    assert window["count"] == 2 and len(window["items"]) == 1
    assert window["items"][0]["id"] == max(companion.person.pk, api_world.case.patient.pk)
    died = CaseFactory(status=CaseStatus.DIED)
    assert api_world.get("analyst", "/api/v1/people").status_code == 403
    assert died.patient.pk in {
        item["id"]
        for item in api_world.get("coordinator", "/api/v1/people", data={"limit": 200}).json()[
            "items"
        ]
    }


def test_an_identity_search_is_audited_by_its_kind_never_by_the_id_number(api_world, companion):
    before = AuditEvent.objects.count()
    found = api_world.get("coordinator", "/api/v1/people", data={"national_id": "900000099"})
    assert found.status_code == 200
    search = AuditEvent.objects.filter(action="person.identity_search").get()
    assert search.actor == api_world.users["coordinator"]
    assert search.data["by"] == ["national_id"] and search.data["matches"] == 1
    read = AuditEvent.objects.filter(action="person.identity_read").get()
    assert read.data["people"] == 1 and read.data["ids"] == [companion.person.pk]
    new = AuditEvent.objects.filter(pk__gt=0).order_by("sequence")[before:]
    assert all("900000099" not in str(event.data) for event in new)
    api_world.get("coordinator", "/api/v1/people", data={"name": "مرافق"})
    by_name = AuditEvent.objects.filter(action="person.identity_search").last()
    assert by_name.data["by"] == ["name"] and "مرافق" not in str(by_name.data)


def test_every_answer_with_names_or_id_numbers_is_audited_with_how_many_people(
    api_world, companion
):
    body = api_world.get("coordinator", "/api/v1/people", data={"limit": 200}).json()
    identified = {item["id"] for item in body["items"] if item["identity"]}
    listed = AuditEvent.objects.filter(action="person.identity_read").get()
    assert listed.data["people"] == len(identified) >= 2
    assert set(listed.data["ids"]) == identified
    assert {api_world.case.patient.pk, companion.person.pk} <= identified
    assert not AuditEvent.objects.filter(action="person.identity_search").exists()
    api_world.get("coordinator", f"/api/v1/people/{companion.person.pk}")
    one = AuditEvent.objects.filter(action="person.identity_read").last()
    assert one.data["people"] == 1 and one.data["ids"] == [companion.person.pk]


def test_answers_without_identity_leave_no_identity_read_in_the_audit(api_world, companion):
    assert api_world.get("liaison", "/api/v1/people").status_code == 200
    assert api_world.get("liaison", f"/api/v1/people/{companion.person.pk}").status_code == 200
    assert not AuditEvent.objects.filter(action__startswith="person.identity").exists()
