"""The Rafah, February 2026 scenario: the first days after the crossing reopened.

Reference data and the waiting lists are bulk-inserted; the story of batches 1 to 3 and the
first return batches is played through the services, so its audit trail is real.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from stdnum import luhn

from corridor.accounts.models import Facility, Party
from corridor.audit import services as audit
from corridor.cases import services as case_services
from corridor.cases.models import (
    Case,
    CaseStatus,
    Companion,
    CompanionStatus,
    DestinationOffer,
    OfferStatus,
    Relationship,
    UrgencyTier,
)
from corridor.crossings import services as crossing_services
from corridor.crossings.models import (
    BatchKind,
    BatchMember,
    Clearance,
    Crossing,
    CrossingDay,
    DayStatus,
    Direction,
)
from corridor.people.models import Governorate, Person
from corridor.returns.models import EligibilityRule, ReturnRegistration, ReturnStatus
from corridor.returns.services import decide
from corridor.scenarios import reference as ref
from corridor.scenarios.names import NamePools, name_pools, romanise

NAME = "rafah-2026-02"
WAITING_CASES = 22_000
RETURN_REGISTRATIONS = 80_000
BULK = 2_000


class ScenarioAlreadyLoaded(Exception):
    pass


@dataclass
class Loaded:
    """What the loader made, for its report."""

    counts: dict[str, int] = field(default_factory=dict)


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(
        day, datetime.time(hour, minute), tzinfo=timezone.get_current_timezone()
    )


class _People:
    """Makes unsaved Person rows with unique, mostly valid national IDs."""

    def __init__(self, rng: random.Random, pools: NamePools, governorates: dict[str, Governorate]):
        self.rng = rng
        self.pools = pools
        self.gaza = [governorates[code] for code in ref.GAZA_GOVERNORATE_WEIGHTS]
        self.gaza_weights = list(ref.GAZA_GOVERNORATE_WEIGHTS.values())
        self.governorates = governorates
        self.used_ids: set[str] = set()

    def national_id(self) -> str:
        while True:
            body = str(self.rng.randint(40_000_000, 99_999_999))
            check = luhn.calc_check_digit(body)
            if self.rng.random() < 0.02:  # typing errors seen in real lists
                check = str((int(check) + 1) % 10)
            value = body + check
            if value not in self.used_ids:
                self.used_ids.add(value)
                return value

    def make(
        self,
        sex: str,
        born: datetime.date,
        *,
        family: str | None = None,
        father: str | None = None,
        residence: Governorate | None = None,
        with_phone: bool = True,
    ) -> Person:
        rng = self.rng
        given = self.pools.given(rng, sex)
        father = father or self.pools.given(rng, "M")
        grandfather = self.pools.given(rng, "M")
        family = family or rng.choice(self.pools.family)
        if residence is None:
            residence = rng.choices(self.gaza, self.gaza_weights)[0]
        phone = ""
        if with_phone and rng.random() < 0.85:
            phone = f"+970{rng.choice(['59', '56'])}{rng.randint(0, 9_999_999):07d}"
        passport = f"{rng.randint(1_000_000, 9_999_999)}" if rng.random() < 0.4 else ""
        return Person(
            given_name_ar=given,
            father_name_ar=father,
            grandfather_name_ar=grandfather,
            family_name_ar=family,
            name_latin=romanise(f"{given} {father} {grandfather} {family}"),
            date_of_birth=born,
            sex=sex,
            national_id=self.national_id(),
            passport_number=passport,
            phone=phone,
            residence=residence,
        )

    def birth_date(self, min_age: int, max_age: int, on: datetime.date) -> datetime.date:
        days = self.rng.randint(min_age * 365 + 1, max_age * 365 + 300)
        return on - datetime.timedelta(days=days)


def _reference_data() -> dict[str, Any]:
    parties = {
        code: Party.objects.create(code=code, name_ar=ar, name_en=en, kind=kind, country=country)
        for code, ar, en, kind, country in ref.PARTIES
    }
    facilities = {
        code: Facility.objects.create(
            code=code,
            party=parties[party],
            name_ar=ar,
            name_en=en,
            kind=kind,
            locality=locality,
        )
        for code, party, ar, en, kind, locality in ref.FACILITIES
    }
    governorates = {
        code: Governorate.objects.create(code=code, name_ar=ar, name_en=en, territory=territory)
        for code, ar, en, territory in ref.GOVERNORATES
    }
    tiers = {
        code: UrgencyTier.objects.create(
            code=code, name_ar=ar, name_en=en, rank=rank, fhir_priority=priority
        )
        for code, ar, en, rank, priority in ref.URGENCY_TIERS
    }
    crossing = Crossing.objects.create(operated_by=parties["crossing-authority"], **ref.CROSSING)
    CrossingDay.objects.bulk_create(
        CrossingDay(
            crossing=crossing,
            date=ref.FIRST_DAY + datetime.timedelta(days=offset),
            status=DayStatus.OPEN,
            quota_out=ref.DAILY_QUOTA,
            quota_in=ref.DAILY_QUOTA,
            agreed_quota_out=ref.DAILY_QUOTA,
            agreed_quota_in=ref.DAILY_QUOTA,
            quota_source=ref.QUOTA_SOURCE,
            companions_count_in_quota=True,
        )
        for offset in range(ref.CALENDAR_DAYS)
    )
    rule = EligibilityRule.objects.create(active=True, **ref.ELIGIBILITY_RULE)
    return {
        "parties": parties,
        "facilities": facilities,
        "governorates": governorates,
        "tiers": tiers,
        "crossing": crossing,
        "rule": rule,
    }


def _waiting_list(
    rng: random.Random, people: _People, data: dict[str, Any], count: int
) -> list[int]:
    """Bulk-insert the waiting cases with their patients, companions and offers."""
    today = ref.FIRST_DAY
    tiers = data["tiers"]
    referring = [f for f in data["facilities"].values() if f.kind == "hospital"]
    receiving = [data["parties"][code] for code in ref.RECEIVING_PARTY_CODES]
    categories = list(ref.CATEGORY_WEIGHTS)
    category_weights = list(ref.CATEGORY_WEIGHTS.values())
    start = datetime.date(2024, 1, 1)
    span = (datetime.date(2026, 1, 31) - start).days

    patients: list[Person] = []
    plans: list[dict[str, Any]] = []
    for _ in range(count):
        child = rng.random() < 0.25
        sex = "M" if rng.random() < 0.55 else "F"
        born = people.birth_date(0, 17, today) if child else people.birth_date(18, 80, today)
        patient = people.make(sex, born, with_phone=not child)
        patients.append(patient)
        roll = rng.random()
        tier = "critical" if roll < 0.014 else "urgent" if roll < 0.15 else "stable"
        category = rng.choices(categories, category_weights)[0]
        if child and category == "trauma" and rng.random() < 0.2:
            category = "congenital"
        if child:
            n_companions = 1 if rng.random() < 0.45 else 2
        else:
            r = rng.random()
            n_companions = 0 if r < 0.15 else 1 if r < 0.35 else 2
        plans.append(
            {
                "child": child,
                "tier": tier,
                "category": category,
                "companions": n_companions,
                "referral": start + datetime.timedelta(days=rng.randint(0, span)),
            }
        )
    Person.objects.bulk_create(patients, batch_size=BULK)

    now = _at(today, 8)
    cases = []
    for number, (patient, plan) in enumerate(zip(patients, plans, strict=True), start=1):
        referral = plan["referral"]
        category = plan["category"]
        status_roll = rng.random()
        status = (
            CaseStatus.APPROVED
            if status_roll < 0.55
            else CaseStatus.OFFERED
            if status_roll < 0.85
            else CaseStatus.ACCEPTED
        )
        mobility = rng.choices(["seated", "wheelchair", "stretcher"], [0.7, 0.2, 0.1])[0]
        if plan["tier"] == "critical" and rng.random() < 0.5:
            mobility = "stretcher"
        cases.append(
            Case(
                reference=f"EV-{referral.year}-{number:06d}",
                patient=patient,
                referring_facility=rng.choice(referring),
                referral_date=referral,
                registered_at=_at(referral, 10) + datetime.timedelta(days=rng.randint(0, 10)),
                clinical_category=category,
                icd10_code=rng.choice(ref.ICD10_BY_CATEGORY[category]),
                clinical_summary=ref.SUMMARY_BY_CATEGORY[category],
                urgency=tiers[plan["tier"]],
                mobility=mobility,
                approved_at=_at(referral, 12) + datetime.timedelta(days=rng.randint(5, 40)),
                status=status,
                status_changed_at=now,
            )
        )
    Case.objects.bulk_create(cases, batch_size=BULK)

    companion_people: list[Person] = []
    companion_links: list[tuple[Case, str, bool]] = []
    offers: list[DestinationOffer] = []
    for case, plan in zip(cases, plans, strict=True):
        patient = case.patient
        for index in range(plan["companions"]):
            if plan["child"] and index == 0:
                sex = "F" if rng.random() < 0.7 else "M"
                born = people.birth_date(22, 55, today)
                relationship, guardian = Relationship.PARENT, True
                person = people.make(
                    sex,
                    born,
                    family=patient.family_name_ar,
                    residence=patient.residence,
                )
            else:
                sex = "F" if rng.random() < 0.6 else "M"
                born = people.birth_date(18, 65, today)
                relationship = rng.choice(
                    [
                        Relationship.SPOUSE,
                        Relationship.SIBLING,
                        Relationship.CHILD,
                        Relationship.OTHER_RELATIVE,
                    ]
                )
                guardian = False
                person = people.make(
                    sex, born, family=patient.family_name_ar, residence=patient.residence
                )
            companion_people.append(person)
            companion_links.append((case, relationship, guardian))
        if case.status in {CaseStatus.OFFERED, CaseStatus.ACCEPTED}:
            party = rng.choice(receiving)
            offered_on = case.referral_date + datetime.timedelta(days=rng.randint(20, 90))
            offered_on = min(offered_on, today - datetime.timedelta(days=1))
            accepted = case.status == CaseStatus.ACCEPTED
            offers.append(
                DestinationOffer(
                    case=case,
                    receiving_party=party,
                    status=OfferStatus.ACCEPTED if accepted else OfferStatus.OFFERED,
                    offered_on=offered_on,
                    answered_on=offered_on + datetime.timedelta(days=7) if accepted else None,
                    available_from=today + datetime.timedelta(days=rng.randint(0, 20))
                    if accepted
                    else None,
                )
            )
    Person.objects.bulk_create(companion_people, batch_size=BULK)
    Companion.objects.bulk_create(
        (
            Companion(
                case=case,
                person=person,
                relationship=relationship,
                is_guardian=guardian,
                status=CompanionStatus.PROPOSED,
                status_changed_at=now,
            )
            for person, (case, relationship, guardian) in zip(
                companion_people, companion_links, strict=True
            )
        ),
        batch_size=BULK,
    )
    DestinationOffer.objects.bulk_create(offers, batch_size=BULK)
    return [case.pk for case in cases]


def _returns(rng: random.Random, people: _People, data: dict[str, Any], count: int) -> None:
    """Bulk-insert the return registrations, each decided by the rule in force."""
    rule: EligibilityRule = data["rule"]
    governorates = data["governorates"]
    outside = [g for g in governorates.values() if g.territory != rule.residence_territory]
    embassy = data["parties"]["embassy-cairo"]
    locations = [name for name, _ in ref.RETURNEE_LOCATIONS]
    location_weights = [w for _, w in ref.RETURNEE_LOCATIONS]
    war = rule.left_on_or_after
    after_span = (datetime.date(2025, 12, 31) - war).days
    now = _at(ref.FIRST_DAY, 8)
    for start in range(0, count, BULK * 5):
        chunk = min(BULK * 5, count - start)
        persons = []
        details = []
        for _ in range(chunk):
            roll = rng.random()
            if roll < 0.06:  # left before the war
                left = war - datetime.timedelta(days=rng.randint(30, 2000))
                residence = None
            elif roll < 0.09:  # not a resident of the territory
                left = war + datetime.timedelta(days=rng.randint(0, after_span))
                residence = rng.choice(outside)
            else:
                left = war + datetime.timedelta(days=rng.randint(0, after_span))
                residence = None
            sex = "M" if rng.random() < 0.5 else "F"
            person = people.make(sex, people.birth_date(1, 85, ref.FIRST_DAY), residence=residence)
            persons.append(person)
            details.append(left)
        Person.objects.bulk_create(persons, batch_size=BULK)
        registrations = []
        for person, left in zip(persons, details, strict=True):
            territory = person.residence.territory if person.residence else None
            eligible, reason = decide(rule, territory, left)
            registered_on = max(left, datetime.date(2025, 10, 10)) + datetime.timedelta(
                days=rng.randint(0, 90)
            )
            registrations.append(
                ReturnRegistration(
                    person=person,
                    registered_with=embassy,
                    registered_on=min(registered_on, ref.FIRST_DAY),
                    current_location=rng.choices(locations, location_weights)[0],
                    departure_date=left,
                    status=ReturnStatus.ELIGIBLE if eligible else ReturnStatus.INELIGIBLE,
                    status_changed_at=now,
                    eligibility_rule=rule,
                    eligibility_reason=reason[:300],
                )
            )
        ReturnRegistration.objects.bulk_create(registrations, batch_size=BULK)


def _evacuation_batch(
    data: dict[str, Any],
    case_ids: list[int],
    day: datetime.date,
    *,
    crossed: bool,
    refuse_companion: bool = False,
) -> Any:
    """Play one evacuation batch through the services, up to confirmation or crossing."""
    parties = data["parties"]
    who, authority = parties["who"], parties["crossing-authority"]
    batch = crossing_services.create_batch(
        data["crossing"],
        Direction.OUT,
        day,
        actor=None,
        assembly_point=data["facilities"]["al-amal-khan-younis"],
        at=_at(day - datetime.timedelta(days=3), 9),
    )
    for case in Case.objects.filter(pk__in=case_ids).order_by(
        "urgency__rank", "referral_date", "pk"
    ):
        # Everyone listed had a bed accepted for them by then.
        for offer in case.offers.filter(status__in=[OfferStatus.OFFERED, OfferStatus.ACCEPTED]):
            if offer.status == OfferStatus.OFFERED:
                case_services.accept_offer(
                    offer,
                    actor=None,
                    available_from=day - datetime.timedelta(days=4),
                    on=day - datetime.timedelta(days=5),
                )
            elif offer.available_from is None or offer.available_from > day:
                DestinationOffer.objects.filter(pk=offer.pk).update(
                    available_from=day - datetime.timedelta(days=4)
                )
        case.refresh_from_db()
        crossing_services.add_case_to_batch(
            batch, case, actor=None, at=_at(day - datetime.timedelta(days=3), 10)
        )
    crossing_services.submit_batch(
        batch, party=who, actor=None, at=_at(day - datetime.timedelta(days=2), 11)
    )
    refused_one = False
    for member in batch.members.order_by("seat"):
        member.refresh_from_db()
        if not member.active:
            continue
        answer = Clearance.CLEARED
        if refuse_companion and not refused_one and member.role == "companion":
            answer, refused_one = Clearance.REFUSED, True
        crossing_services.record_clearance(
            member, answer, party=authority, actor=None, at=_at(day - datetime.timedelta(days=1), 9)
        )
    crossing_services.confirm_batch(
        batch,
        party=authority,
        relayed_by=who,
        actor=None,
        at=_at(day - datetime.timedelta(days=1), 18),
    )
    if crossed:
        minute = 0
        for member in batch.members.filter(active=True).order_by("seat"):
            crossing_services.check_in_member(member, actor=None, at=_at(day, 7, minute % 60))
        for role in ("patient", "companion"):
            for member in batch.members.filter(active=True, role=role).order_by("seat"):
                minute += 3
                crossing_services.mark_member_crossed(
                    member, actor=None, at=_at(day, 10 + minute // 60, minute % 60)
                )
        crossing_services.close_batch(batch, actor=None, at=_at(day, 16))
    return batch


def _return_batch(
    data: dict[str, Any], day: datetime.date, crossed: int, turned_back: int, rng: random.Random
) -> None:
    egypt = data["parties"]["egypt"]
    authority = data["parties"]["crossing-authority"]
    batch = crossing_services.create_batch(
        data["crossing"],
        Direction.IN,
        day,
        actor=None,
        kind=BatchKind.RETURN,
        assembly_point=data["facilities"]["arish-returns-point"],
        at=_at(day - datetime.timedelta(days=3), 9),
    )
    eligible = list(
        ReturnRegistration.objects.eligible()
        .filter(batch_memberships=None)
        .order_by("registered_on", "pk")
        .values_list("pk", flat=True)[: crossed + turned_back + 40]
    )
    for pk in rng.sample(eligible, crossed + turned_back):
        crossing_services.add_returnee_to_batch(
            batch,
            ReturnRegistration.objects.get(pk=pk),
            actor=None,
            at=_at(day - datetime.timedelta(days=3), 10),
        )
    crossing_services.submit_batch(
        batch, party=egypt, actor=None, at=_at(day - datetime.timedelta(days=2), 11)
    )
    for member in batch.members.order_by("seat"):
        crossing_services.record_clearance(
            member,
            Clearance.CLEARED,
            party=authority,
            actor=None,
            at=_at(day - datetime.timedelta(days=1), 9),
        )
    crossing_services.confirm_batch(
        batch,
        party=authority,
        relayed_by=egypt,
        actor=None,
        at=_at(day - datetime.timedelta(days=1), 17),
    )
    members = list(batch.members.order_by("seat"))
    for index, member in enumerate(members):
        at = _at(day, 11 + index // 20, (index * 3) % 60)
        if index >= crossed:
            crossing_services.mark_member_turned_back(
                member, actor=None, reason="Turned back after questioning", at=at
            )
        else:
            crossing_services.mark_member_crossed(member, actor=None, at=at)
    crossing_services.close_batch(batch, actor=None, at=_at(day, 16))


def _pick_cases(case_ids: list[int], rng: random.Random, patients: int, people: int) -> list[int]:
    """Pick waiting cases whose patients plus companions make exactly `people` travellers."""
    chosen: list[int] = []
    remaining_people = people
    pool = list(
        Case.objects.filter(pk__in=case_ids, status__in=[CaseStatus.ACCEPTED, CaseStatus.OFFERED])
        .exclude(batch_memberships__isnull=False)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    rng.shuffle(pool)
    sizes = dict(
        (pk, 1 + Companion.objects.filter(case_id=pk).count()) for pk in pool[: patients * 6]
    )
    for pk, size in sizes.items():
        slots = patients - len(chosen)
        if slots == 0:
            break
        # keep the remaining people reachable with the remaining patients (1 to 3 each)
        rest = remaining_people - size
        if slots - 1 <= rest <= 3 * (slots - 1):
            chosen.append(pk)
            remaining_people = rest
    if len(chosen) != patients or remaining_people != 0:
        raise RuntimeError("could not pick cases to fill the scenario's batches")
    return chosen


def load(
    seed: int = 20260204,
    *,
    waiting_cases: int = WAITING_CASES,
    return_registrations: int = RETURN_REGISTRATIONS,
    progress: Callable[[str], None] = lambda message: None,
) -> Loaded:
    """Load the scenario into an empty database; the same seed gives the same data."""
    if Crossing.objects.filter(code=ref.CROSSING["code"]).exists():
        raise ScenarioAlreadyLoaded(
            f"scenario {NAME} is already loaded (crossing {ref.CROSSING['code']!r} exists)"
        )
    rng = random.Random(seed)
    with transaction.atomic():
        progress("reference data")
        data = _reference_data()
        people = _People(rng, name_pools(seed), data["governorates"])
        progress(f"{waiting_cases} waiting cases with companions")
        case_ids = _waiting_list(rng, people, data, waiting_cases)
        progress(f"{return_registrations} return registrations")
        _returns(rng, people, data, return_registrations)

        progress("batches 1 and 2 (crossed), returns of 2-4 Feb")
        day1, day2, day3, day4 = (ref.FIRST_DAY + datetime.timedelta(days=i) for i in range(4))
        _evacuation_batch(data, _pick_cases(case_ids, rng, 12, 30), day1, crossed=True)
        _evacuation_batch(data, _pick_cases(case_ids, rng, 12, 31), day2, crossed=True,
                          refuse_companion=True)  # fmt: skip
        _return_batch(data, day1, crossed=12, turned_back=0, rng=rng)
        _return_batch(data, day2, crossed=22, turned_back=2, rng=rng)
        _return_batch(data, day3, crossed=18, turned_back=0, rng=rng)

        progress("batch 3: confirmed, cancelled with no reason given, postponed")
        parties = data["parties"]
        batch3 = _evacuation_batch(data, _pick_cases(case_ids, rng, 14, 35), day3, crossed=False)
        crossing_services.cancel_batch(
            batch3,
            party=parties["crossing-authority"],
            relayed_by=parties["who"],
            relayed_to=parties["prcs"],
            no_reason_given=True,
            actor=None,
            at=_at(day3, 7, 40),
        )
        crossing_services.postpone_batch(
            batch3,
            day4,
            party=parties["who"],
            reason="Coordination cancelled on the day; postponed in the hope of leaving Thursday",
            actor=None,
            at=_at(day3, 12, 15),
        )

        progress("deaths while waiting")
        for case in (
            Case.objects.filter(pk__in=rng.sample(case_ids, 40))
            .exclude(batch_memberships__isnull=False)
            .order_by("pk")
        ):
            case_services.record_death(case, actor=None, at=_at(day3, 6))

        loaded = Loaded(
            counts={
                "people": Person.objects.count(),
                "cases": Case.objects.count(),
                "waiting_cases": Case.objects.waiting().count(),
                "companions": Companion.objects.count(),
                "return_registrations": ReturnRegistration.objects.count(),
                "batch_members": BatchMember.objects.count(),
            }
        )
        with transaction.atomic():
            audit.record(
                "scenario.loaded", None, data={"scenario": NAME, "seed": seed, **loaded.counts}
            )
    _refresh_statistics()
    return loaded


def _refresh_statistics() -> None:
    """Let the query planner see the tables just filled (SQLite has no autovacuum to do it).

    Without statistics SQLite walks the status index of every waiting case to search the list,
    up to twice as slow as the plan it picks once it knows nearly all cases are waiting.
    """
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
