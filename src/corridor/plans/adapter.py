"""Translate the database into a planning problem, and a plan's ids back into records.

Candidate ids are case references; a companion's id is "companion-<pk>".
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import json
from collections import defaultdict
from typing import Any

from django.conf import settings
from django.utils import timezone

from corridor import clock, planning
from corridor.cases.models import (
    ACTIVE_COMPANION_STATUSES,
    WAITING_STATUSES,
    Case,
    Companion,
    CompanionStatus,
    DestinationOffer,
    OfferStatus,
    UrgencyTier,
)
from corridor.crossings.models import (
    BatchMember,
    BatchStatus,
    Clearance,
    Crossing,
    CrossingDay,
    Direction,
    MemberRole,
)

# Batches whose people were told their date.
TOLD_STATUSES = frozenset(
    {BatchStatus.CONFIRMED, BatchStatus.RESUMED, BatchStatus.DEPARTED, BatchStatus.CROSSED}
)
# Batches whose people still hold a place: not yet gone, cancelled or closed.
ACTIVE_BATCH_STATUSES = frozenset(BatchStatus.values) - {
    BatchStatus.CANCELLED,
    BatchStatus.DEPARTED,
    BatchStatus.CROSSED,
    BatchStatus.CLOSED,
}
_CLEARANCE: dict[str, planning.Clearance] = {
    Clearance.CLEARED: planning.Clearance.CLEARED,
    Clearance.REFUSED: planning.Clearance.REFUSED,
    Clearance.NO_ANSWER: planning.Clearance.PENDING,
    Clearance.PENDING: planning.Clearance.PENDING,
}


def companion_id(pk: int) -> str:
    return f"companion-{pk}"


def rules() -> planning.Rules:
    """The rules in force: the urgency tiers configured in the database and the settings."""
    tiers = tuple(
        planning.Tier(t.code, t.rank, t.name_en, t.name_ar)
        for t in UrgencyTier.objects.order_by("rank")
    )
    kwargs: dict[str, Any] = {"max_companions": settings.CORRIDOR_MAX_COMPANIONS}
    if tiers:
        kwargs["tiers"] = tiers
    base = planning.Rules(child_age=settings.CORRIDOR_CHILD_AGE_LIMIT, **kwargs)
    # The version names the configuration actually in force, so a plan can be explained later.
    fingerprint = hashlib.sha256(
        json.dumps(
            {
                "tiers": [(t.code, t.rank) for t in base.tiers],
                "max_companions": base.max_companions,
                "child_age": base.child_age,
                "weights": repr(base.weights),
            },
            sort_keys=True,
        ).encode()
    ).hexdigest()[:10]
    return dataclasses.replace(base, version=f"{base.version}+{fingerprint}")


def build_problem(
    crossing: Crossing,
    first_day: datetime.date,
    days: int,
    *,
    at: datetime.datetime | None = None,
) -> planning.Problem:
    """The planning problem of `crossing` for `days` days from `first_day`, as of `at`."""
    planned_at = timezone.localtime(at or clock.now())
    last_day = first_day + datetime.timedelta(days=days - 1)
    calendar = {
        d.date: d
        for d in CrossingDay.objects.filter(crossing=crossing, date__range=(first_day, last_day))
    }
    stretchers: int = settings.CORRIDOR_STRETCHER_PLACES
    crossing_days = []
    for offset in range(days):
        date = first_day + datetime.timedelta(days=offset)
        day_row = calendar.get(date)
        crossing_days.append(
            planning.CrossingDay(
                date=date,
                open=bool(day_row and day_row.is_open),
                quota_out=day_row.quota_out if day_row else 0,
                quota_in=day_row.quota_in if day_row else 0,
                stretcher_places=stretchers if day_row and day_row.is_open else 0,
            )
        )

    listed = {
        m["case_id"]: m
        for m in BatchMember.objects.filter(
            active=True,
            role=MemberRole.PATIENT,
            batch__crossing=crossing,
            batch__direction=Direction.OUT,
            batch__status__in=ACTIVE_BATCH_STATUSES,
            batch__planned_date__range=(first_day, last_day),
        ).values("case_id", "clearance", "batch_id", "batch__planned_date", "batch__status")
    }
    rows = (
        Case.objects.filter(status__in=WAITING_STATUSES) | Case.objects.filter(pk__in=list(listed))
    ).values(
        "pk",
        "reference",
        "urgency__code",
        "clinical_category",
        "referral_date",
        "registered_at",
        "patient__date_of_birth",
        "mobility",
        "bump_count",
        "status",
    )
    cases = list(rows)
    case_ids = [c["pk"] for c in cases]
    companions: dict[int, list[planning.Companion]] = defaultdict(list)
    member_clearance = dict(
        BatchMember.objects.filter(
            active=True, role=MemberRole.COMPANION, case_id__in=list(listed)
        ).values_list("companion_id", "clearance")
    )
    for row in Companion.objects.filter(
        case_id__in=case_ids, status__in=ACTIVE_COMPANION_STATUSES
    ).values("pk", "case_id", "status", "person__date_of_birth"):
        if row["pk"] in member_clearance:
            clearance = _CLEARANCE[member_clearance[row["pk"]]]
        elif row["status"] == CompanionStatus.CONFIRMED:
            clearance = planning.Clearance.CLEARED
        else:
            clearance = planning.Clearance.NOT_ASKED
        companions[row["case_id"]].append(
            planning.Companion(
                id=companion_id(row["pk"]),
                clearance=clearance,
                adult=_age(row["person__date_of_birth"], planned_at.date())
                >= settings.CORRIDOR_CHILD_AGE_LIMIT,
            )
        )
    acceptances: dict[int, list[planning.Acceptance]] = defaultdict(list)
    for offer in DestinationOffer.objects.filter(
        case_id__in=case_ids, status=OfferStatus.ACCEPTED
    ).values("case_id", "receiving_party__code", "available_from", "answered_on"):
        acceptances[offer["case_id"]].append(
            planning.Acceptance(
                party=offer["receiving_party__code"],
                available_from=offer["available_from"] or offer["answered_on"] or first_day,
            )
        )

    candidates = []
    for c in cases:
        membership = listed.get(c["pk"])
        listing = None
        patient_clearance = planning.Clearance.NOT_ASKED
        if membership is not None:
            listing = planning.Listing(
                date=membership["batch__planned_date"],
                batch=str(membership["batch_id"]),
                told_date=membership["batch__status"] in TOLD_STATUSES,
            )
            patient_clearance = _CLEARANCE[membership["clearance"]]
        candidates.append(
            planning.Candidate(
                id=c["reference"],
                urgency=c["urgency__code"],
                category=c["clinical_category"],
                referral_date=c["referral_date"],
                registered_on=timezone.localtime(c["registered_at"]).date(),
                age=_age(c["patient__date_of_birth"], planned_at.date()),
                mobility=planning.Mobility(c["mobility"]),
                companions=tuple(companions.get(c["pk"], ())),
                acceptances=tuple(acceptances.get(c["pk"], ())),
                patient_clearance=patient_clearance,
                bump_count=c["bump_count"],
                listed=listing,
            )
        )
    return planning.Problem(
        planned_at=planned_at,
        days=tuple(crossing_days),
        candidates=tuple(sorted(candidates, key=lambda cand: cand.id)),
        crossing=planning.Crossing(
            code=crossing.code,
            opens_at=crossing.opens_at,
            lead_time_hours=settings.CORRIDOR_LIST_LEAD_HOURS,
        ),
        direction=planning.Direction.OUT,
        rules=rules(),
    )


def _age(born: datetime.date, on: datetime.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def change_to_dict(change: planning.Change) -> dict[str, Any]:
    return {
        "case": change.case_id,
        "kind": str(change.kind),
        "before": change.before.isoformat() if change.before else None,
        "after": change.after.isoformat() if change.after else None,
        "destination_before": change.destination_before,
        "destination_after": change.destination_after,
        "told_date": change.told_date,
        "reason": str(change.reason.code),
        "text_en": change.text_en,
        "text_ar": change.text_ar,
    }
