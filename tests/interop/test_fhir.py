"""A case as a FHIR Bundle: valid for fhir.resources, minimal identity, clinical text by policy."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.utils import timezone
from fhir.resources.bundle import Bundle

from corridor.accounts.models import PartyKind, Role
from corridor.audit.models import AuditEvent
from corridor.cases.models import CaseStatus, CompanionStatus, OfferStatus
from corridor.crossings.models import Direction, Movement, MovementOutcome
from corridor.interop.fhir import NATIONAL_ID_SYSTEM, case_bundle
from tests.factories import (
    CaseFactory,
    CompanionFactory,
    CrossingFactory,
    PartyFactory,
    PersonFactory,
    UrgencyTierFactory,
    UserFactory,
)
from tests.helpers import CROSSING_DATE, at_local

pytestmark = pytest.mark.django_db

SUMMARY = "Shrapnel wound to the left femur, infected"
PHONE = "+970599000111"


@pytest.fixture
def case():
    case = CaseFactory(
        patient=PersonFactory(
            national_id="411111111",
            passport_number="P7654321",
            phone=PHONE,
            name_latin="Huda Latin",
        ),
        clinical_summary=SUMMARY,
        icd10_code="S72.3",
        urgency=UrgencyTierFactory(code="critical", fhir_priority="stat"),
    )
    CompanionFactory(case=case, person=PersonFactory(national_id="422222222"))
    CompanionFactory(case=case, status=CompanionStatus.REPLACED)
    return case


@pytest.fixture
def hospital(case):
    hospital = PartyFactory(code="hosp-a", kind=PartyKind.RECEIVING_HOSPITAL)
    case.offers.create(
        receiving_party=hospital, status=OfferStatus.ACCEPTED, offered_on=timezone.localdate()
    )
    return hospital


def _resources(bundle: dict, kind: str) -> list[dict]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def _client(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def test_the_bundle_is_valid_fhir_with_patient_companions_referral_and_task(case):
    bundle = case_bundle(case, include_clinical=False)
    Bundle.model_validate(bundle)
    (patient,) = _resources(bundle, "Patient")
    assert patient["identifier"] == [
        {"use": "official", "system": NATIONAL_ID_SYSTEM, "value": "411111111"}
    ]
    assert patient["gender"] == "female" and patient["birthDate"] == "1990-05-17"
    assert [r["identifier"][0]["value"] for r in _resources(bundle, "RelatedPerson")] == [
        "422222222"
    ]
    (referral,) = _resources(bundle, "ServiceRequest")
    assert referral["priority"] == "stat" and referral["status"] == "active"
    (task,) = _resources(bundle, "Task")
    assert task["status"] == "accepted" and task["businessStatus"]["coding"][0]["code"] == (
        CaseStatus.APPROVED
    )
    assert task["for"]["reference"] == bundle["entry"][0]["fullUrl"]
    assert _resources(bundle, "Encounter") == []


def test_identity_is_minimal_and_the_clinical_summary_only_when_asked(case):
    text = json.dumps(case_bundle(case, include_clinical=False), ensure_ascii=False)
    for forbidden in (SUMMARY, "S72.3", PHONE, "P7654321"):
        assert forbidden not in text
    clinical = case_bundle(case, include_clinical=True)
    (referral,) = _resources(clinical, "ServiceRequest")
    assert referral["note"] == [{"text": SUMMARY}]
    assert referral["reason"][0]["concept"]["coding"][0]["code"] == "S72.3"
    assert PHONE not in json.dumps(clinical)


def test_without_identity_people_carry_gender_and_relationship_only(case):
    bundle = case_bundle(case, include_clinical=False, include_identity=False)
    Bundle.model_validate(bundle)
    (patient,) = _resources(bundle, "Patient")
    assert patient == {"resourceType": "Patient", "gender": "female"}
    (companion,) = _resources(bundle, "RelatedPerson")
    assert set(companion) == {"resourceType", "active", "patient", "relationship", "gender"}


def test_a_crossed_patient_has_an_encounter_for_the_transfer(case):
    Movement.objects.create(
        crossing=CrossingFactory(name_en="Rafah"),
        person=case.patient,
        direction=Direction.OUT,
        at=at_local(CROSSING_DATE, 11),
        date=CROSSING_DATE,
        outcome=MovementOutcome.CROSSED,
    )
    bundle = case_bundle(case, include_clinical=False)
    Bundle.model_validate(bundle)
    (encounter,) = _resources(bundle, "Encounter")
    assert encounter["status"] == "completed"
    assert encounter["location"][0]["location"]["display"] == "Rafah"


def test_the_receiving_liaison_gets_the_clinical_bundle_and_the_share_is_audited(case, hospital):
    liaison = UserFactory(party=hospital, roles=[Role.RECEIVING_LIAISON])
    response = _client(liaison).get(f"/cases/{case.reference}/fhir.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/fhir+json")
    bundle = json.loads(response.content)
    Bundle.model_validate(bundle)
    body = response.content.decode()
    assert SUMMARY in body
    # A receiving party sees the case as its profile says: no name, no ID, no birth date.
    for forbidden in ("411111111", "422222222", "Huda Latin", case.patient.family_name_ar, "1990"):
        assert forbidden not in body
    event = AuditEvent.objects.filter(action="export.shared").get()
    assert event.data["recipient"] == "hosp-a" and event.data["people"] == 2
    assert event.data["what"] == "fhir:case:clinical"
    assert event.object_id == str(case.pk)


def test_a_coordinator_gets_the_bundle_without_the_clinical_summary(case):
    coordinator = UserFactory(
        party=PartyFactory(kind=PartyKind.COORDINATING_AGENCY), roles=[Role.COORDINATOR]
    )
    response = _client(coordinator).get(f"/cases/{case.reference}/fhir.json")
    assert response.status_code == 200
    assert SUMMARY not in response.content.decode()
    bundle = json.loads(response.content)
    Bundle.model_validate(bundle)
    assert _resources(bundle, "Patient")[0]["identifier"][0]["value"] == "411111111"


def test_a_liaison_of_another_party_gets_404_and_nothing_is_shared(case, hospital):
    other = UserFactory(
        party=PartyFactory(code="hosp-b", kind=PartyKind.RECEIVING_HOSPITAL),
        roles=[Role.RECEIVING_LIAISON],
    )
    response = _client(other).get(f"/cases/{case.reference}/fhir.json")
    assert response.status_code == 404
    assert "411111111" not in response.content.decode()
    assert not AuditEvent.objects.filter(action="export.shared").exists()


def test_an_outsider_is_refused(case):
    outsider = UserFactory(party=None)
    assert _client(outsider).get(f"/cases/{case.reference}/fhir.json").status_code == 403
