"""What the Today page shows: each crossing's day, today's and tomorrow's batches, and alerts.

Each part is a fixed number of aggregate queries, whatever the size of the waiting list.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from corridor import clock
from corridor.accounts import policy
from corridor.cases.models import Case, UrgencyTier
from corridor.crossings.models import (
    QUOTA_HOLDING_STATUSES,
    Batch,
    BatchMember,
    BatchStatus,
    Clearance,
    CoordinationEvent,
    Crossing,
    CrossingDay,
    DayStatus,
    Direction,
    Movement,
    MovementOutcome,
)
from corridor.crossings.services import SEAT_HOLDING
from corridor.i18n import local_name
from corridor.plans.models import StandbyEntry

# Batches listed for a day whose seats are not confirmed yet (a postponed batch waits for
# coordination to be confirmed again).
LISTED = {
    BatchStatus.DRAFT,
    BatchStatus.SUBMITTED,
    BatchStatus.PARTLY_CLEARED,
    BatchStatus.CLEARED,
    BatchStatus.POSTPONED,
}
STOP_KINDS = ("cancelled", "suspended")


@dataclass
class Alert:
    level: str  # "danger" or "warning"
    text: str
    url: str = ""


@dataclass
class DirectionDay:
    direction: str
    label: str
    quota: int
    agreed: int | None
    used: int
    listed: int
    crossed: int
    turned_back: int

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.used / self.quota)) if self.quota else 0


@dataclass
class DayView:
    crossing: Crossing
    date: datetime.date
    status: str
    status_label: str
    directions: list[DirectionDay] = field(default_factory=list)

    @property
    def is_open(self) -> bool:
        return self.status == DayStatus.OPEN


def _days(today: datetime.date) -> list[dict[str, Any]]:
    """Per crossing: today's and tomorrow's day, quota, seats used and movements."""
    dates = [today, today + datetime.timedelta(days=1)]
    crossings = list(Crossing.objects.order_by("code"))
    days = {
        (day.crossing_id, day.date): day
        for day in CrossingDay.objects.filter(date__in=dates, crossing__in=crossings)
    }
    seats = {
        (row["batch__crossing_id"], row["batch__planned_date"], row["batch__direction"]): row
        for row in BatchMember.objects.filter(batch__planned_date__in=dates)
        .values("batch__crossing_id", "batch__planned_date", "batch__direction")
        .annotate(
            used=Count("id", filter=SEAT_HOLDING & Q(batch__status__in=QUOTA_HOLDING_STATUSES)),
            listed=Count("id", filter=Q(active=True, batch__status__in=LISTED)),
        )
        .order_by()
    }
    moved = {
        (row["crossing_id"], row["date"], row["direction"], row["outcome"]): row["n"]
        for row in Movement.objects.filter(date__in=dates)
        .values("crossing_id", "date", "direction", "outcome")
        .annotate(n=Count("id"))
    }
    result = []
    for crossing in crossings:
        views = []
        for date in dates:
            day = days.get((crossing.pk, date))
            status = day.status if day else DayStatus.CLOSED
            view = DayView(
                crossing=crossing,
                date=date,
                status=status,
                status_label=str(DayStatus(status).label)
                if day
                else _("No crossing day recorded (closed)"),
            )
            for direction, allowed in (
                (Direction.OUT, crossing.allows_out),
                (Direction.IN, crossing.allows_in),
            ):
                if not allowed:
                    continue
                out = direction == Direction.OUT
                view.directions.append(
                    DirectionDay(
                        direction=direction,
                        label=str(direction.label),
                        quota=(day.quota_out if out else day.quota_in) if day else 0,
                        agreed=(day.agreed_quota_out if out else day.agreed_quota_in)
                        if day
                        else None,
                        used=seats.get((crossing.pk, date, direction), {}).get("used", 0),
                        listed=seats.get((crossing.pk, date, direction), {}).get("listed", 0),
                        crossed=moved.get(
                            (crossing.pk, date, direction, MovementOutcome.CROSSED), 0
                        ),
                        turned_back=moved.get(
                            (crossing.pk, date, direction, MovementOutcome.TURNED_BACK), 0
                        ),
                    )
                )
            views.append(view)
        result.append({"crossing": crossing, "name": local_name(crossing), "days": views})
    return result


def _batches(user: Any, today: datetime.date) -> list[dict[str, Any]]:
    """Today's and tomorrow's batches the user may see, with clearance counts and last event."""
    dates = [today, today + datetime.timedelta(days=1)]
    members = Q(members__active=True)
    batches = list(
        policy.scope(
            user,
            policy.BATCH_VIEW,
            Batch.objects.filter(Q(planned_date__in=dates) | Q(first_planned_date__in=dates)),
        )
        .select_related("crossing", "assembly_point")
        .annotate(
            people=Count("members", filter=members),
            cleared=Count("members", filter=members & Q(members__clearance=Clearance.CLEARED)),
            refused=Count("members", filter=members & Q(members__clearance=Clearance.REFUSED)),
            no_answer=Count("members", filter=members & Q(members__clearance=Clearance.NO_ANSWER)),
            pending=Count("members", filter=members & Q(members__clearance=Clearance.PENDING)),
            checked_in=Count("members", filter=members & Q(members__checked_in_at__isnull=False)),
            crossed=Count("members", filter=Q(members__outcome="crossed")),
        )
        .order_by("planned_date", "crossing__code", "direction", "number")
    )
    events: dict[int, list[CoordinationEvent]] = {}
    for event in (
        CoordinationEvent.objects.filter(batch__in=batches)
        .select_related("party", "relayed_by", "relayed_to")
        .order_by("at", "id")
    ):
        events.setdefault(event.batch_id, []).append(event)
    # Who is on standby, and how urgent, is case data: only for those who may see cases.
    standby: dict[int, list[StandbyEntry]] = {}
    for entry in (
        StandbyEntry.objects.filter(
            batch__in=batches if policy.allows(user, policy.CASE_VIEW) else []
        )
        .select_related("case__urgency")
        .order_by("batch", "position")
    ):
        standby.setdefault(entry.batch_id, []).append(entry)
    result = []
    for batch in batches:
        history = events.get(batch.pk, [])
        stop = next(
            (e for e in reversed(history) if e.kind in STOP_KINDS),
            None,
        )
        result.append(
            {
                "batch": batch,
                "last_event": history[-1] if history else None,
                "stop_event": stop if history and stop is not history[-1] else None,
                "events": history,
                "moved_here": batch.planned_date != batch.first_planned_date,
                "standby": standby.get(batch.pk, []),
            }
        )
    return result


def _alerts(user: Any, batches: list[dict[str, Any]], now: datetime.datetime) -> list[Alert]:
    alerts: list[Alert] = []
    today = timezone.localdate(now)
    for item in batches:
        batch = item["batch"]
        for event in item["events"]:
            if event.kind not in STOP_KINDS or timezone.localdate(event.at) < (
                today - datetime.timedelta(days=1)
            ):
                continue
            alerts.append(
                Alert(
                    "danger",
                    _("Batch %(number)s (%(date)s): %(what)s by %(party)s, %(reason)s.")
                    % {
                        "number": batch.number,
                        "date": date_format(timezone.localdate(event.at), "D j M"),
                        "what": event.get_kind_display().lower(),
                        "party": local_name(event.party),
                        "reason": event.reason_text,
                    },
                    _batch_url(batch.pk),
                )
            )
    if policy.allows(user, policy.BATCH_VIEW):
        lead = datetime.timedelta(hours=settings.CORRIDOR_LIST_LEAD_HOURS)
        horizon = today + datetime.timedelta(days=(lead.days + 3))
        drafts = policy.scope(
            user,
            policy.BATCH_VIEW,
            Batch.objects.filter(
                status=BatchStatus.DRAFT, planned_date__gte=today, planned_date__lte=horizon
            ),
        ).select_related("crossing")
        for batch in drafts.order_by("planned_date", "number"):
            departure = datetime.datetime.combine(
                batch.planned_date, batch.crossing.opens_at, tzinfo=timezone.get_current_timezone()
            )
            due = departure - lead
            if due - now <= datetime.timedelta(hours=24):
                text = (
                    _("The list for batch %(number)s (%(date)s) is overdue: it was due %(due)s.")
                    if due <= now
                    else _("The list for batch %(number)s (%(date)s) is due by %(due)s.")
                )
                alerts.append(
                    Alert(
                        "danger" if due <= now else "warning",
                        text
                        % {
                            "number": batch.number,
                            "date": date_format(batch.planned_date, "D j M"),
                            "due": timezone.localtime(due).strftime("%Y-%m-%d %H:%M"),
                        },
                        _batch_url(batch.pk),
                    )
                )
    days = settings.CORRIDOR_CRITICAL_WAIT_ALERT_DAYS
    most_urgent = UrgencyTier.objects.order_by("rank").first()
    if most_urgent is not None:
        waiting_long = (
            Case.objects.waiting()
            .filter(urgency=most_urgent, referral_date__lte=today - datetime.timedelta(days=days))
            .count()
        )
        if waiting_long:
            shown: int | str = waiting_long
            if not policy.allows(user, policy.SITUATION_DETAIL) and waiting_long < (
                settings.CORRIDOR_SMALL_CELL
            ):
                shown = f"<{settings.CORRIDOR_SMALL_CELL}"
            alerts.append(
                Alert(
                    "warning",
                    _("%(count)s %(tier)s cases have been waiting more than %(days)s days.")
                    % {"count": shown, "tier": local_name(most_urgent), "days": days},
                    _cases_url(user, most_urgent.code, days),
                )
            )
    return alerts


def _batch_url(pk: int) -> str:
    return reverse("crossings:manifest", args=[pk])


def _cases_url(user: Any, urgency: str, days: int) -> str:
    if not policy.allows(user, policy.CASE_VIEW):
        return ""
    return f"{reverse('cases:list')}?urgency={urgency}&waited_min={days}"


def today_page(user: Any) -> dict[str, Any]:
    """Everything the Today page shows for this user, on Corridor's clock."""
    now = clock.now()
    today = timezone.localdate(now)
    batches = _batches(user, today) if policy.allows(user, policy.BATCH_VIEW) else []
    return {
        "today": today,
        "tomorrow": today + datetime.timedelta(days=1),
        "now": now,
        "crossings": _days(today),
        "batches": batches,
        "alerts": _alerts(user, batches, now),
        "can_see_cases": policy.allows(user, policy.CASE_VIEW),
    }
