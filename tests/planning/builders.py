"""Small planning problems for tests, with readable defaults."""

from __future__ import annotations

import datetime
import itertools
from typing import Any

from corridor.planning import (
    Acceptance,
    BedCapacity,
    Candidate,
    Companion,
    Crossing,
    CrossingDay,
    Listing,
    Mobility,
    Options,
    Problem,
    Rules,
)
from corridor.planning.vocabulary import Clearance

FIRST_DAY = datetime.date(2026, 2, 5)
# Planned two days ahead at 08:00: every day of the horizon is listable.
PLANNED_AT = datetime.datetime(2026, 2, 3, 8, 0)
FAST = Options(time_limit=0.5, workers=1)
_numbers = itertools.count(1)


def day(offset: int, quota: int = 10, stretchers: int = 2, open: bool = True) -> CrossingDay:
    """A crossing day `offset` days after FIRST_DAY."""
    return CrossingDay(
        date=FIRST_DAY + datetime.timedelta(days=offset),
        open=open,
        quota_out=quota,
        quota_in=quota,
        stretcher_places=stretchers,
    )


def case(
    id: str | None = None,
    urgency: str = "stable",
    *,
    category: str = "trauma",
    waited: int = 100,
    age: int = 40,
    companions: int | tuple[Companion, ...] = 0,
    accepted_from: int | None = 0,
    party: str = "recv-egypt",
    stretcher: bool = False,
    family: str | None = None,
    listed_on: int | None = None,
    told: bool = False,
    **changes: Any,
) -> Candidate:
    """A candidate accepted by `party` from FIRST_DAY + `accepted_from` days (None: never)."""
    case_id = id or f"C{next(_numbers):04d}"
    referral = PLANNED_AT.date() - datetime.timedelta(days=waited)
    if isinstance(companions, int):
        companions = tuple(Companion(f"{case_id}-c{index}") for index in range(companions))
    acceptances: tuple[Acceptance, ...] = ()
    if accepted_from is not None:
        acceptances = (Acceptance(party, FIRST_DAY + datetime.timedelta(days=accepted_from)),)
    listed = None
    if listed_on is not None:
        listed = Listing(FIRST_DAY + datetime.timedelta(days=listed_on), "B1", told)
    registered = changes.pop("registered_on", referral)
    return Candidate(
        id=case_id,
        urgency=urgency,
        category=category,
        referral_date=referral,
        registered_on=registered,
        age=age,
        mobility=Mobility.STRETCHER if stretcher else Mobility.SEATED,
        companions=companions,
        acceptances=acceptances,
        family_group=family,
        listed=listed,
        **changes,
    )


def companion(id: str, clearance: Clearance = Clearance.NOT_ASKED, adult: bool = True) -> Companion:
    """A companion with a clearance state."""
    return Companion(id, clearance, adult)


def beds(party: str, category: str, offset: int, count: int) -> BedCapacity:
    """Beds of `party` for `category` on FIRST_DAY + `offset` days."""
    return BedCapacity(party, category, FIRST_DAY + datetime.timedelta(days=offset), count)


def problem(
    candidates: list[Candidate],
    days: list[CrossingDay] | None = None,
    *,
    bed_rows: list[BedCapacity] | None = None,
    planned_at: datetime.datetime = PLANNED_AT,
    rules: Rules | None = None,
) -> Problem:
    """A problem over `days` (default: three open days of 10 seats)."""
    return Problem(
        planned_at=planned_at,
        days=tuple(days if days is not None else [day(0), day(1), day(2)]),
        candidates=tuple(candidates),
        beds=tuple(bed_rows or ()),
        crossing=Crossing(),
        rules=rules or Rules(),
    )


def listed_case() -> Candidate:
    """A case on the batch of FIRST_DAY, told its date, with a cleared companion."""
    return case(
        "L",
        "urgent",
        companions=(companion("L-c0", Clearance.CLEARED),),
        listed_on=0,
        told=True,
        deteriorating=True,
        bump_count=2,
    )
