"""The situation at a glance, read from the database, for `corridor status` and the home page."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count

from corridor import clock
from corridor.cases.models import Case, UrgencyTier
from corridor.crossings.models import (
    Batch,
    CoordinationEvent,
    CrossingDay,
    Direction,
    Movement,
    MovementOutcome,
)
from corridor.i18n import local_name
from corridor.returns.models import ReturnRegistration, ReturnStatus


def _crossing_days(today: datetime.date) -> list[dict[str, Any]]:
    """Days with movements or batches, plus today and tomorrow, with quota and what moved."""
    movements = {
        (row["crossing_id"], row["date"], row["direction"], row["outcome"]): row["n"]
        for row in Movement.objects.values("crossing_id", "date", "direction", "outcome").annotate(
            n=Count("id")
        )
    }
    busy = {(key[0], key[1]) for key in movements} | set(
        Batch.objects.values_list("crossing_id", "planned_date").distinct()
    )
    near = {today, today + datetime.timedelta(days=1)}
    result = []
    for day in CrossingDay.objects.select_related("crossing").order_by("crossing__code", "date"):
        if (day.crossing_id, day.date) not in busy and day.date not in near:
            continue

        def moved(direction: str, outcome: str, day: CrossingDay = day) -> int:
            return int(movements.get((day.crossing_id, day.date, direction, outcome), 0))

        result.append(
            {
                "crossing": day.crossing.code,
                "crossing_name": local_name(day.crossing),
                "date": day.date.isoformat(),
                "status": day.status,
                "status_label": str(day.get_status_display()),
                "quota_out": day.quota_out,
                "quota_in": day.quota_in,
                "agreed_quota_out": day.agreed_quota_out,
                "agreed_quota_in": day.agreed_quota_in,
                "quota_source": day.quota_source,
                "crossed_out": moved(Direction.OUT, MovementOutcome.CROSSED),
                "crossed_in": moved(Direction.IN, MovementOutcome.CROSSED),
                "turned_back_out": moved(Direction.OUT, MovementOutcome.TURNED_BACK),
                "turned_back_in": moved(Direction.IN, MovementOutcome.TURNED_BACK),
            }
        )
    return result


def _event_data(event: CoordinationEvent) -> dict[str, Any]:
    return {
        "kind": event.kind,
        "kind_label": str(event.get_kind_display()),
        "party": event.party.code,
        "party_name": local_name(event.party),
        "relayed_by_name": local_name(event.relayed_by),
        "relayed_by": event.relayed_by.code if event.relayed_by else None,
        "relayed_to": event.relayed_to.code if event.relayed_to else None,
        "reason": event.reason,
        "no_reason_given": event.no_reason_given,
        "reason_text": str(event.reason_text),
        "at": event.at.isoformat(),
        "previous_date": event.previous_date.isoformat() if event.previous_date else None,
        "new_date": event.new_date.isoformat() if event.new_date else None,
    }


def _batches() -> list[dict[str, Any]]:
    batches = (
        Batch.objects.select_related("crossing", "assembly_point")
        .annotate(member_count=Count("members"))
        .order_by("planned_date", "crossing__code", "direction", "number")
    )
    result = []
    for batch in batches:
        events = [
            _event_data(event)
            for event in batch.coordination_events.select_related(
                "party", "relayed_by", "relayed_to"
            ).order_by("at", "id")
        ]
        result.append(
            {
                "crossing": batch.crossing.code,
                "crossing_name": local_name(batch.crossing),
                "number": batch.number,
                "kind": batch.kind,
                "direction": batch.direction,
                "direction_label": str(batch.get_direction_display()),
                "planned_date": batch.planned_date.isoformat(),
                "first_planned_date": batch.first_planned_date.isoformat(),
                "assembly_point": batch.assembly_point.code if batch.assembly_point else None,
                "assembly_point_name": local_name(batch.assembly_point),
                "status": batch.status,
                "status_label": str(batch.get_status_display()),
                "members": batch.member_count,
                "last_event": events[-1] if events else None,
                "coordination_events": events,
            }
        )
    return result


def waiting_by_urgency() -> list[dict[str, Any]]:
    counts = dict(
        Case.objects.waiting().values_list("urgency_id").annotate(n=Count("id")).order_by()
    )
    return [
        {
            "urgency": tier.code,
            "label": local_name(tier),
            "count": counts.get(tier.pk, 0),
        }
        for tier in UrgencyTier.objects.order_by("rank")
    ]


def returns_summary() -> tuple[list[dict[str, Any]], dict[str, int]]:
    counts = dict(
        ReturnRegistration.objects.values_list("status").annotate(n=Count("id")).order_by()
    )
    by_status = [
        {"status": value, "label": str(label), "count": counts.get(value, 0)}
        for value, label in ReturnStatus.choices
    ]
    decided = ReturnRegistration.objects.exclude(eligibility_rule=None)
    ineligible = decided.filter(status=ReturnStatus.INELIGIBLE).count()
    eligibility = {
        "decided": decided.count(),
        "eligible": decided.count() - ineligible,
        "ineligible": ineligible,
        "undecided": counts.get(ReturnStatus.REGISTERED, 0),
    }
    return by_status, eligibility


def situation(today: datetime.date | None = None) -> dict[str, Any]:
    """Everything `corridor status` shows, as plain data ready for JSON."""
    today = today or clock.today()
    waiting = waiting_by_urgency()
    returns_by_status, eligibility = returns_summary()
    days = _crossing_days(today)
    return {
        "today": today.isoformat(),
        "crossing_days": days,
        "totals": {
            "crossed_out": Movement.objects.filter(
                direction=Direction.OUT, outcome=MovementOutcome.CROSSED
            ).count(),
            "crossed_in": Movement.objects.filter(
                direction=Direction.IN, outcome=MovementOutcome.CROSSED
            ).count(),
        },
        "batches": _batches(),
        "waiting_by_urgency": waiting,
        "waiting_total": sum(row["count"] for row in waiting),
        "returns_by_status": returns_by_status,
        "returns_eligibility": eligibility,
    }
