"""The crossing log: per crossing day and direction, the quota, the agreed figure, the people
planned on confirmed batches and what became of them; and finding the person a crossing officer
scans or types among today's travellers.

Each figure is one aggregate query over the whole range, whatever its length.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from corridor.accounts import policy
from corridor.crossings.check_in import looks_like_code, normalise, read_check_in_code
from corridor.crossings.models import (
    QUOTA_HOLDING_STATUSES,
    Batch,
    BatchMember,
    Crossing,
    CrossingDay,
    DayStatus,
    Direction,
    Movement,
    MovementOutcome,
    Outcome,
)
from corridor.exceptions import DomainError
from corridor.i18n import local_name

# People a confirmed list expected at the crossing: still travelling, or with an outcome there.
AT_THE_CROSSING = Q(active=True) | Q(
    outcome__in=[Outcome.CROSSED, Outcome.TURNED_BACK, Outcome.NO_SHOW]
)


def _percent(part: int, whole: int | None) -> int | None:
    return round(100 * part / whole) if whole else None


@dataclass
class Figures:
    """Planned and actual movements of one direction, against the quota and the agreed figure."""

    quota: int = 0
    agreed: int | None = None
    planned: int = 0
    crossed: int = 0
    turned_back: int = 0
    no_show: int = 0

    @property
    def crossed_of_quota(self) -> int | None:
        """Crossed as a percentage of the quota."""
        return _percent(self.crossed, self.quota)

    @property
    def crossed_of_agreed(self) -> int | None:
        """Crossed as a percentage of the agreed figure."""
        return _percent(self.crossed, self.agreed)

    @property
    def crossed_of_planned(self) -> int | None:
        return _percent(self.crossed, self.planned)

    def add(self, other: Figures) -> None:
        self.quota += other.quota
        if other.agreed is not None:
            self.agreed = (self.agreed or 0) + other.agreed
        self.planned += other.planned
        self.crossed += other.crossed
        self.turned_back += other.turned_back
        self.no_show += other.no_show


@dataclass
class LogRow(Figures):
    """One crossing day in one direction."""

    crossing: str = ""
    date: datetime.date = datetime.date.min
    direction: str = Direction.OUT
    direction_label: str = ""
    day_status: str = ""
    day_status_label: str = ""


@dataclass
class Log:
    rows: list[LogRow]
    totals: list[tuple[str, Figures]] = field(default_factory=list)
    several_crossings: bool = False


def crossing_log(
    user: Any,
    first: datetime.date,
    last: datetime.date,
    crossing: Crossing | None = None,
) -> Log:
    """The log from `first` to `last` of the crossing days `user` may see, latest day first."""
    days = policy.scope(user, policy.MOVEMENT_VIEW, CrossingDay.objects.all()).filter(
        date__range=(first, last)
    )
    movements = policy.scope(user, policy.MOVEMENT_VIEW, Movement.objects.all()).filter(
        date__range=(first, last)
    )
    if crossing is not None:
        days = days.filter(crossing=crossing)
        movements = movements.filter(crossing=crossing)
    calendar = {(d.crossing_id, d.date): d for d in days.select_related("crossing")}
    moved: dict[tuple[int, datetime.date, str], dict[str, int]] = {}
    crossings = {d.crossing_id: d.crossing for d in calendar.values()}
    for row in movements.values("crossing_id", "date", "direction", "outcome").annotate(
        n=Count("id")
    ):
        key = (row["crossing_id"], row["date"], row["direction"])
        moved.setdefault(key, {})[row["outcome"]] = row["n"]
    missing = {key[0] for key in moved} - set(crossings)
    if missing:
        crossings.update(Crossing.objects.in_bulk(missing))
    planned = {
        (r["batch__crossing_id"], r["batch__planned_date"], r["batch__direction"]): r
        for r in BatchMember.objects.filter(
            batch__crossing_id__in=list(crossings), batch__planned_date__range=(first, last)
        )
        .values("batch__crossing_id", "batch__planned_date", "batch__direction")
        .annotate(
            planned=Count(
                "id", filter=AT_THE_CROSSING & Q(batch__status__in=QUOTA_HOLDING_STATUSES)
            ),
            no_show=Count("id", filter=Q(outcome=Outcome.NO_SHOW)),
        )
        .order_by()
    }
    keys = set(calendar) | {(c, d) for c, d, _direction in moved}
    labels = dict(Direction.choices)
    rows: list[LogRow] = []
    for crossing_id, date in sorted(keys, key=lambda k: (k[1], crossings[k[0]].code), reverse=True):
        place = crossings[crossing_id]
        day = calendar.get((crossing_id, date))
        directions = [d for d in (Direction.OUT, Direction.IN) if d in place.directions]
        directions += [
            d
            for d in (Direction.OUT, Direction.IN)
            if d not in directions and (crossing_id, date, d) in moved
        ]
        for direction in directions:
            key = (crossing_id, date, direction)
            outcomes = moved.get(key, {})
            seats = planned.get(key, {})
            status = day.status if day else ""
            rows.append(
                LogRow(
                    crossing=local_name(place),
                    date=date,
                    direction=direction,
                    direction_label=str(labels[direction]),
                    day_status=status,
                    day_status_label=str(DayStatus(status).label)
                    if day
                    else _("No crossing day recorded"),
                    quota=day.quota(direction) if day else 0,
                    agreed=(
                        day.agreed_quota_out if direction == Direction.OUT else day.agreed_quota_in
                    )
                    if day
                    else None,
                    planned=seats.get("planned", 0),
                    crossed=outcomes.get(MovementOutcome.CROSSED, 0),
                    turned_back=outcomes.get(MovementOutcome.TURNED_BACK, 0),
                    no_show=seats.get("no_show", 0),
                )
            )
    totals: dict[str, Figures] = {}
    for line in rows:
        totals.setdefault(line.direction, Figures()).add(line)
    return Log(
        rows=rows,
        totals=[(str(labels[d]), totals[d]) for d in (Direction.OUT, Direction.IN) if d in totals],
        several_crossings=len(crossings) > 1,
    )


class NotTravellingToday(DomainError):
    """What was scanned or typed names nobody on a batch crossing today that the user may mark."""


def todays_batches(user: Any, today: datetime.date) -> Any:
    """Today's batches at the crossings where `user` may record movements."""
    return policy.scope(user, policy.MOVEMENT_RECORD, Batch.objects.all()).filter(
        planned_date=today
    )


def find_traveller(user: Any, text: str, today: datetime.date) -> BatchMember:
    """The place on one of today's batches that a scanned check-in code or an ID number names."""
    value = normalise(text)
    members = BatchMember.objects.filter(batch__in=todays_batches(user, today)).select_related(
        "person", "batch__crossing", "case"
    )
    if not value:
        raise NotTravellingToday(_("Scan a check-in code or type an ID number."))
    if looks_like_code(value):
        batch_id, member_id = read_check_in_code(value)
        member = members.filter(pk=member_id, batch_id=batch_id).first()
        if member is None:
            raise NotTravellingToday(
                _("This check-in code is for a person who is not on a batch crossing here today.")
            )
        return member
    # Someone moved off a batch and back on has their active place found first.
    member = members.filter(person__national_id=value).order_by("-active", "-pk").first()
    if member is None:
        raise NotTravellingToday(
            _("Nobody with ID number %(id_number)s is on a batch crossing here today.")
            % {"id_number": value}
        )
    return member
