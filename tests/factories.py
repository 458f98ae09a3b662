"""Factories that build valid domain rows with the fewest arguments a test needs to give."""

from __future__ import annotations

import datetime

import factory
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from factory.django import DjangoModelFactory

from corridor.accounts.mfa import requires_mfa
from corridor.accounts.models import Facility, FacilityKind, Party, PartyKind, User
from corridor.accounts.services import grant_role
from corridor.cases.models import (
    Case,
    CaseStatus,
    ClinicalCategory,
    Companion,
    CompanionStatus,
    Relationship,
    UrgencyTier,
)
from corridor.crossings.models import (
    Batch,
    BatchStatus,
    Crossing,
    CrossingDay,
    Direction,
    Incident,
    IncidentKind,
)
from corridor.people.models import Governorate, Person, Sex
from corridor.returns.models import EligibilityRule, ReturnRegistration, ReturnStatus
from tests.helpers import CROSSING_DATE, at_local

REGISTERED_AT = at_local(CROSSING_DATE - datetime.timedelta(days=30), 9)
# The authenticator app secret of every test user whose role requires two-factor authentication.
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


class PartyFactory(DjangoModelFactory):
    class Meta:
        model = Party
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"party-{n}")
    name_ar = factory.Sequence(lambda n: f"جهة {n}")
    name_en = factory.Sequence(lambda n: f"Party {n}")
    kind = PartyKind.OTHER


class FacilityFactory(DjangoModelFactory):
    class Meta:
        model = Facility

    party = factory.SubFactory(PartyFactory, kind=PartyKind.HEALTH_MINISTRY)
    code = factory.Sequence(lambda n: f"facility-{n}")
    name_ar = factory.Sequence(lambda n: f"مستشفى {n}")
    name_en = factory.Sequence(lambda n: f"Hospital {n}")
    kind = FacilityKind.HOSPITAL


class UserFactory(DjangoModelFactory):
    """A user; pass `roles=[Role.COORDINATOR, ...]` to grant roles through the service."""

    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = factory.django.Password("correct horse battery staple")
    party = factory.SubFactory(PartyFactory)

    @factory.post_generation
    def roles(self, create: bool, extracted: list[str] | None, **kwargs: object) -> None:
        if create and extracted:
            for role in extracted:
                grant_role(self, role)

    @factory.post_generation
    def totp(self, create: bool, extracted: bool | None, **kwargs: object) -> None:
        """Whoever must use two-factor authentication has set it up; `totp=False` has not yet."""
        if create and extracted is not False and requires_mfa(self):
            give_totp(self)


def give_totp(user: User) -> None:
    """An authenticator app and recovery codes for `user`, set up off the record like a fixture."""
    TOTP.activate(user, TOTP_SECRET)
    RecoveryCodes.activate(user)


class GovernorateFactory(DjangoModelFactory):
    class Meta:
        model = Governorate
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"governorate-{n}")
    name_ar = factory.Sequence(lambda n: f"محافظة {n}")
    name_en = factory.Sequence(lambda n: f"Governorate {n}")
    territory = "gaza-strip"


class PersonFactory(DjangoModelFactory):
    class Meta:
        model = Person

    given_name_ar = factory.Sequence(lambda n: f"اسم{n}")
    father_name_ar = "محمد"
    family_name_ar = factory.Sequence(lambda n: f"عائلة{n}")
    name_latin = factory.Sequence(lambda n: f"Person {n}")
    date_of_birth = datetime.date(1990, 5, 17)
    sex = Sex.FEMALE


class UrgencyTierFactory(DjangoModelFactory):
    class Meta:
        model = UrgencyTier
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"tier-{n}")
    name_ar = factory.Sequence(lambda n: f"درجة {n}")
    name_en = factory.Sequence(lambda n: f"Tier {n}")
    rank = factory.Sequence(lambda n: n + 1)


class CaseFactory(DjangoModelFactory):
    """An approved case, waiting for a seat."""

    class Meta:
        model = Case

    reference = factory.Sequence(lambda n: f"CASE-{n:05d}")
    patient = factory.SubFactory(PersonFactory)
    referring_facility = factory.SubFactory(FacilityFactory)
    referral_date = REGISTERED_AT.date()
    registered_at = REGISTERED_AT
    clinical_category = ClinicalCategory.TRAUMA
    urgency = factory.SubFactory(UrgencyTierFactory)
    status = CaseStatus.APPROVED
    status_changed_at = REGISTERED_AT
    approved_at = factory.LazyAttribute(
        lambda case: case.status_changed_at if case.status == CaseStatus.APPROVED else None
    )


class CompanionFactory(DjangoModelFactory):
    class Meta:
        model = Companion

    case = factory.SubFactory(CaseFactory)
    person = factory.SubFactory(PersonFactory, sex=Sex.MALE)
    relationship = Relationship.PARENT
    status = CompanionStatus.PROPOSED
    status_changed_at = REGISTERED_AT


class CrossingFactory(DjangoModelFactory):
    class Meta:
        model = Crossing
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"crossing-{n}")
    name_ar = factory.Sequence(lambda n: f"معبر {n}")
    name_en = factory.Sequence(lambda n: f"Crossing {n}")
    opens_at = datetime.time(9, 0)
    closes_at = datetime.time(16, 0)


class CrossingDayFactory(DjangoModelFactory):
    class Meta:
        model = CrossingDay

    crossing = factory.SubFactory(CrossingFactory)
    date = CROSSING_DATE
    quota_out = 10
    quota_in = 10


class BatchFactory(DjangoModelFactory):
    """A draft batch built directly; tests of transitions use `create_batch` instead."""

    class Meta:
        model = Batch

    number = factory.Sequence(lambda n: n + 1)
    crossing = factory.SubFactory(CrossingFactory)
    direction = Direction.OUT
    planned_date = CROSSING_DATE
    first_planned_date = factory.SelfAttribute("planned_date")
    status = BatchStatus.DRAFT
    status_changed_at = REGISTERED_AT
    created_at = REGISTERED_AT


class EligibilityRuleFactory(DjangoModelFactory):
    class Meta:
        model = EligibilityRule

    code = factory.Sequence(lambda n: f"rule-{n}")
    name_ar = "المقيمون في قطاع غزة الذين غادروا بعد 7 أكتوبر 2023"
    name_en = "Gaza residents who left after 7 October 2023"
    residence_territory = "gaza-strip"
    left_on_or_after = datetime.date(2023, 10, 7)
    active = True


class ReturnRegistrationFactory(DjangoModelFactory):
    class Meta:
        model = ReturnRegistration

    person = factory.SubFactory(
        PersonFactory, residence=factory.SubFactory(GovernorateFactory, territory="gaza-strip")
    )
    registered_with = factory.SubFactory(PartyFactory, kind=PartyKind.EMBASSY)
    registered_on = REGISTERED_AT.date()
    current_location = "Cairo"
    departure_date = datetime.date(2024, 3, 1)
    status = ReturnStatus.REGISTERED
    status_changed_at = REGISTERED_AT


class IncidentFactory(DjangoModelFactory):
    """A protection incident at a crossing; pass `people=[...]` for those involved."""

    class Meta:
        model = Incident
        skip_postgeneration_save = True

    crossing = factory.SubFactory(CrossingFactory)
    kind = IncidentKind.INTERROGATION
    occurred_on = CROSSING_DATE
    narrative = "Questioned for hours about relatives; phone searched."
    recorded_at = factory.LazyAttribute(lambda incident: at_local(incident.occurred_on, 18))

    @factory.post_generation
    def people(self, create: bool, extracted: list[Person] | None, **kwargs: object) -> None:
        if create and extracted:
            self.people.set(extracted)
