"""A small world for the API: the named cast, each with a token, and one batch per situation."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from corridor.accounts import policy
from corridor.accounts.models import PartyKind, Role, User
from corridor.api.services import create_token
from corridor.cases.models import Case, OfferStatus
from corridor.crossings.models import Batch, BatchMember, BatchStatus, MemberRole
from tests.factories import (
    BatchFactory,
    CaseFactory,
    CrossingFactory,
    PartyFactory,
    PersonFactory,
    ReturnRegistrationFactory,
    UserFactory,
)

CLINICAL = "API-CLINICAL-SUMMARY-MARKER"


@dataclass
class ApiWorld:
    users: dict[str, User]
    tokens: dict[str, str]
    case: Case
    batch_today: Batch
    batch_later: Batch
    batch_elsewhere: Batch
    submitted: Batch
    extra: dict[str, Any] = field(default_factory=dict)

    def get(self, who: str, path: str, **extra: Any) -> Any:
        return Client(HTTP_ACCEPT_LANGUAGE="en").get(
            path, HTTP_AUTHORIZATION=f"Bearer {self.tokens[who]}", **extra
        )

    def post(self, who: str, path: str, data: dict[str, Any]) -> Any:
        return Client(HTTP_ACCEPT_LANGUAGE="en").post(
            path,
            data,
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {self.tokens[who]}",
        )


def all_actions(user: User) -> list[str]:
    return [action for action in policy.RULES if policy.allows(user, action)]


@pytest.fixture
def api_world(db: None) -> ApiWorld:
    who = PartyFactory(code="who", kind=PartyKind.COORDINATING_AGENCY)
    authority = PartyFactory(code="authority", kind=PartyKind.CROSSING_AUTHORITY)
    hospital = PartyFactory(code="hosp-a", kind=PartyKind.RECEIVING_HOSPITAL)
    other_hospital = PartyFactory(code="hosp-b", kind=PartyKind.RECEIVING_HOSPITAL)
    monitors = PartyFactory(code="eubam", kind=PartyKind.BORDER_MISSION)
    embassy = PartyFactory(code="embassy", kind=PartyKind.EMBASSY)
    crossing = CrossingFactory(code="rafah", operated_by=authority)
    elsewhere = CrossingFactory(code="kerem")
    patient = PersonFactory(national_id="900000011")
    case = CaseFactory(patient=patient, clinical_summary=CLINICAL)
    case.offers.create(
        receiving_party=hospital, status=OfferStatus.ACCEPTED, offered_on=datetime.date(2026, 1, 5)
    )
    today = timezone.localdate()
    batch_today = BatchFactory(crossing=crossing, planned_date=today)
    BatchMember.objects.create(
        batch=batch_today, person=patient, role=MemberRole.PATIENT, case=case, seat=1
    )
    batch_later = BatchFactory(crossing=crossing, planned_date=today + datetime.timedelta(days=5))
    batch_elsewhere = BatchFactory(crossing=elsewhere, planned_date=today)
    submitted = BatchFactory(crossing=crossing, planned_date=today, status=BatchStatus.SUBMITTED)
    BatchMember.objects.create(
        batch=submitted, person=PersonFactory(national_id="900000012"), role=MemberRole.PATIENT,
        case=CaseFactory(), seat=1,
    )  # fmt: skip
    officer = UserFactory(username="officer", party=monitors, roles=[Role.CROSSING_OFFICER])
    officer.crossing = crossing
    officer.save()
    ReturnRegistrationFactory(registered_with=embassy, person=PersonFactory(national_id="9000013"))
    ReturnRegistrationFactory(
        registered_with=PartyFactory(code="embassy-2", kind=PartyKind.EMBASSY)
    )
    users = {
        "coordinator": UserFactory(username="coord", party=who, roles=[Role.COORDINATOR]),
        "liaison": UserFactory(username="liaison", party=hospital, roles=[Role.RECEIVING_LIAISON]),
        "liaison_elsewhere": UserFactory(
            username="liaison2", party=other_hospital, roles=[Role.RECEIVING_LIAISON]
        ),
        "officer": officer,
        "returns": UserFactory(username="returns", party=embassy, roles=[Role.RETURNS_OFFICER]),
        "analyst": UserFactory(username="analyst", party=who, roles=[Role.ANALYST]),
    }
    tokens = {
        key: create_token(user, f"{key} integration", all_actions(user), actor=None)[1]
        for key, user in users.items()
    }
    return ApiWorld(users, tokens, case, batch_today, batch_later, batch_elsewhere, submitted)
