"""Synthetic planning problems shaped like the Rafah waiting list of February 2026.

Proportions follow the `rafah-2026-02` scenario (domain.md): about a quarter children, half
trauma, 1.4% critical and 13.6% urgent, about 1.5 companions per patient, 10% on stretchers;
referrals since 1 Jan 2024; 15% of cases already accepted by a destination, from a date up to
20 days ahead. Used by tests and benchmarks; deterministic for a given seed.
"""

from __future__ import annotations

import datetime

import numpy as np

from corridor.planning.problem import (
    Acceptance,
    BedCapacity,
    Candidate,
    Companion,
    CrossingDay,
    Problem,
)
from corridor.planning.rules import Rules
from corridor.planning.vocabulary import Clearance, Mobility

CATEGORIES = {
    "trauma": 0.50, "cancer": 0.22, "cardiac": 0.07, "renal": 0.06, "congenital": 0.05,
    "neurological": 0.04, "burns": 0.03, "other": 0.03,
}  # fmt: skip
PARTIES = ("recv-egypt", "recv-uae", "recv-qatar", "recv-jordan", "recv-turkiye", "recv-italy")
FIRST_DAY = datetime.date(2026, 2, 5)


def generate_problem(
    candidates: int,
    days: int = 7,
    seed: int = 0,
    *,
    first_day: datetime.date = FIRST_DAY,
    accepted_share: float = 0.15,
    quota: int = 50,
    stretcher_places: int = 5,
    family_share: float = 0.02,
    limited_beds: bool = True,
    rules: Rules | None = None,
) -> Problem:
    """A waiting list of `candidates` cases and `days` crossing days from `first_day`."""
    rng = np.random.default_rng(seed)
    planned_at = datetime.datetime.combine(first_day - datetime.timedelta(days=2), datetime.time(8))
    today = planned_at.date()
    start = datetime.date(2024, 1, 1)
    span = (today - start).days
    category_names = list(CATEGORIES)
    category_p = np.array(list(CATEGORIES.values()))
    category_p /= category_p.sum()
    result = []
    group_open: str | None = None
    for number in range(candidates):
        child = rng.random() < 0.25
        roll = rng.random()
        urgency = "critical" if roll < 0.014 else "urgent" if roll < 0.15 else "stable"
        category = str(rng.choice(category_names, p=category_p))
        age = int(rng.integers(0, 18)) if child else int(rng.integers(18, 81))
        if child:
            companion_count = 1 if rng.random() < 0.45 else 2
        else:
            r = rng.random()
            companion_count = 0 if r < 0.15 else 1 if r < 0.35 else 2
        companions = tuple(
            Companion(
                id=f"P{number:06d}-C{index}",
                clearance=Clearance.REFUSED if rng.random() < 0.03 else Clearance.NOT_ASKED,
                adult=True if (child and index == 0) else bool(rng.random() < 0.95),
            )
            for index in range(companion_count)
        )
        mobility = Mobility.STRETCHER if rng.random() < 0.1 else Mobility.SEATED
        if urgency == "critical" and rng.random() < 0.5:
            mobility = Mobility.STRETCHER
        acceptances: tuple[Acceptance, ...] = ()
        if rng.random() < accepted_share:
            count = 1 if rng.random() < 0.8 else 2
            parties = rng.choice(len(PARTIES), size=count, replace=False)
            acceptances = tuple(
                Acceptance(
                    PARTIES[int(p)], first_day + datetime.timedelta(days=int(rng.integers(0, 20)))
                )
                for p in parties
            )
        referral = start + datetime.timedelta(days=int(rng.integers(0, span)))
        family = None
        if rng.random() < family_share:
            family = group_open or f"F{number:06d}"
            group_open = None if group_open else family
        result.append(
            Candidate(
                id=f"P{number:06d}",
                urgency=urgency,
                category=category,
                referral_date=referral,
                registered_on=referral + datetime.timedelta(days=int(rng.integers(0, 10))),
                age=age,
                mobility=mobility,
                companions=companions,
                acceptances=acceptances,
                family_group=family,
                patient_clearance=Clearance.REFUSED if rng.random() < 0.01 else Clearance.NOT_ASKED,
                deteriorating=bool(rng.random() < 0.02),
                bump_count=int(rng.random() < 0.01),
            )
        )
    crossing_days = tuple(
        CrossingDay(
            date=first_day + datetime.timedelta(days=offset),
            open=offset % 7 not in (1, 2) if days > 3 else True,
            quota_out=quota,
            quota_in=quota,
            stretcher_places=stretcher_places,
        )
        for offset in range(days)
    )
    beds: tuple[BedCapacity, ...] = ()
    if limited_beds:
        beds = tuple(
            BedCapacity("recv-italy", category, day.date, int(rng.integers(0, 3)))
            for category in ("cancer", "trauma")
            for day in crossing_days
        )
    return Problem(
        planned_at=planned_at,
        days=crossing_days,
        candidates=tuple(result),
        beds=beds,
        rules=rules or Rules(),
    )
