"""FHIR: one case as a Bundle that a health system can read, with the least data it needs.

Patient and RelatedPerson (companions) carry identity only: names, date of birth, gender and the
national ID, and only for readers the policy lets see identity (a receiving party gets gender and
relationship, as its profile says). The ServiceRequest is the referral, its priority the urgency
tier's FHIR priority; the Task carries the case's status; an Encounter records the transfer once
the patient crossed.
The clinical summary, ICD-10 code and category are included only when the reader may see them.
Every bundle is validated by `fhir.resources` (FHIR R5) before it leaves.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from django.utils.translation import gettext as _
from fhir.resources.bundle import Bundle

from corridor.cases.models import (
    ACTIVE_COMPANION_STATUSES,
    Case,
    CaseStatus,
    Companion,
    Relationship,
)
from corridor.crossings.models import Direction, Movement, MovementOutcome
from corridor.people.models import Person, Sex

NATIONAL_ID_SYSTEM = "urn:corridor:national-id"
CASE_REFERENCE_SYSTEM = "urn:corridor:case"
CASE_STATUS_SYSTEM = "urn:corridor:case-status"
ICD10_SYSTEM = "http://hl7.org/fhir/sid/icd-10"
ROLE_CODE_SYSTEM = "http://terminology.hl7.org/CodeSystem/v3-RoleCode"
# Fixed, so the same case gives the same resource IDs in every export.
_NAMESPACE = uuid.UUID("0b6f1f8e-6a55-4b8e-9f7d-3c7e0a2d9c41")

GENDER = {Sex.FEMALE: "female", Sex.MALE: "male"}
RELATIONSHIP_CODES = {
    Relationship.PARENT: "PRN",
    Relationship.SPOUSE: "SPS",
    Relationship.CHILD: "CHILD",
    Relationship.SIBLING: "SIB",
    Relationship.GRANDPARENT: "GRPRN",
    Relationship.OTHER_RELATIVE: "FAMMEMB",
}
# The case's life cycle seen as a FHIR Task's workflow status.
TASK_STATUS = {
    CaseStatus.REGISTERED: "requested",
    CaseStatus.UNDER_REVIEW: "received",
    CaseStatus.APPROVED: "accepted",
    CaseStatus.NOT_APPROVED: "rejected",
    CaseStatus.OFFERED: "in-progress",
    CaseStatus.ACCEPTED: "in-progress",
    CaseStatus.LISTED: "in-progress",
    CaseStatus.CLEARED: "ready",
    CaseStatus.CROSSED: "in-progress",
    CaseStatus.TURNED_BACK: "on-hold",
    CaseStatus.ADMITTED: "completed",
    CaseStatus.REQUEUED: "on-hold",
    CaseStatus.DIED: "failed",
    CaseStatus.WITHDRAWN: "cancelled",
}
# The referral itself: open until the case ends one way or the other.
REQUEST_STATUS = {
    CaseStatus.NOT_APPROVED: "revoked",
    CaseStatus.ADMITTED: "completed",
    CaseStatus.DIED: "revoked",
    CaseStatus.WITHDRAWN: "revoked",
}


def _urn(case: Case, name: str) -> str:
    return f"urn:uuid:{uuid.uuid5(_NAMESPACE, f'{case.reference}/{name}')}"


def _ref(url: str) -> dict[str, str]:
    return {"reference": url}


def _identity(person: Person, *, full: bool) -> dict[str, Any]:
    """The identity a health system needs to admit someone, and nothing else of the person."""
    if not full:
        return {"gender": GENDER[Sex(person.sex)]} if person.sex in GENDER else {}
    names: list[dict[str, Any]] = []
    given_ar = [
        p for p in (person.given_name_ar, person.father_name_ar, person.grandfather_name_ar) if p
    ]
    names.append(
        {
            "use": "official",
            "text": person.name_ar,
            "family": person.family_name_ar,
            "given": given_ar,
        }
    )
    if person.name_latin:
        names.append({"use": "usual", "text": person.name_latin})
    identity: dict[str, Any] = {"name": names, "birthDate": person.date_of_birth.isoformat()}
    if person.sex in GENDER:
        identity["gender"] = GENDER[Sex(person.sex)]
    if person.national_id:
        identity["identifier"] = [
            {"use": "official", "system": NATIONAL_ID_SYSTEM, "value": person.national_id}
        ]
    return identity


def _related_person(
    companion: Companion, patient_url: str, *, include_identity: bool
) -> dict[str, Any]:
    code = RELATIONSHIP_CODES.get(Relationship(companion.relationship))
    relationship: dict[str, Any] = {"text": str(companion.get_relationship_display())}
    if code:
        relationship["coding"] = [{"system": ROLE_CODE_SYSTEM, "code": code}]
    return {
        "resourceType": "RelatedPerson",
        "active": True,
        "patient": _ref(patient_url),
        "relationship": [relationship],
        **_identity(companion.person, full=include_identity),
    }


def case_bundle(
    case: Case, *, include_clinical: bool, include_identity: bool = True
) -> dict[str, Any]:
    """The case as a FHIR R5 collection Bundle (a dict), validated by `fhir.resources`."""
    patient_url = _urn(case, "patient")
    request_url = _urn(case, "referral")
    entries: list[tuple[str, dict[str, Any]]] = [
        (patient_url, {"resourceType": "Patient", **_identity(case.patient, full=include_identity)})
    ]
    for companion in case.companions.select_related("person").order_by("pk"):
        if companion.status in ACTIVE_COMPANION_STATUSES:
            entries.append(
                (
                    _urn(case, f"companion/{companion.pk}"),
                    _related_person(companion, patient_url, include_identity=include_identity),
                )
            )
    referral: dict[str, Any] = {
        "resourceType": "ServiceRequest",
        "identifier": [{"system": CASE_REFERENCE_SYSTEM, "value": case.reference}],
        "status": REQUEST_STATUS.get(CaseStatus(case.status), "active"),
        "intent": "order",
        "priority": case.urgency.fhir_priority,
        "code": {"concept": {"text": _("Referral for treatment abroad")}},
        "subject": _ref(patient_url),
        "authoredOn": case.registered_at.isoformat(),
        "requester": {"display": case.referring_facility.name_en},
    }
    if include_clinical:
        reason: dict[str, Any] = {"text": str(case.get_clinical_category_display())}
        if case.icd10_code:
            reason["coding"] = [{"system": ICD10_SYSTEM, "code": case.icd10_code}]
        referral["reason"] = [{"concept": reason}]
        if case.clinical_summary:
            referral["note"] = [{"text": case.clinical_summary}]
    entries.append((request_url, referral))
    entries.append(
        (
            _urn(case, "task"),
            {
                "resourceType": "Task",
                "status": TASK_STATUS.get(CaseStatus(case.status), "in-progress"),
                "businessStatus": {
                    "coding": [{"system": CASE_STATUS_SYSTEM, "code": case.status}],
                    "text": str(case.get_status_display()),
                },
                "intent": "order",
                "focus": _ref(request_url),
                "for": _ref(patient_url),
                "lastModified": case.status_changed_at.isoformat(),
            },
        )
    )
    crossed = (
        Movement.objects.filter(
            person=case.patient, direction=Direction.OUT, outcome=MovementOutcome.CROSSED
        )
        .select_related("crossing")
        .order_by("at")
        .last()
    )
    if crossed is not None:
        entries.append(
            (
                _urn(case, f"transfer/{crossed.pk}"),
                {
                    "resourceType": "Encounter",
                    "status": "completed",
                    "type": [{"text": _("Transfer through the crossing")}],
                    "subject": _ref(patient_url),
                    "basedOn": [_ref(request_url)],
                    "actualPeriod": {"start": crossed.at.isoformat()},
                    "location": [{"location": {"display": crossed.crossing.name_en}}],
                },
            )
        )
    data = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"fullUrl": url, "resource": resource} for url, resource in entries],
    }
    bundle = Bundle.model_validate(data)  # raises when the bundle is not valid FHIR
    result: dict[str, Any] = json.loads(bundle.model_dump_json())
    return result
