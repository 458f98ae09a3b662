"""Listing policies: whom to put on a day's list, and (for the planner) on its standby list."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from corridor.planning import (
    Acceptance,
    BedCapacity,
    Candidate,
    Companion,
    CrossingDay,
    Mobility,
    Options,
    Problem,
    Rules,
    plan,
)
from corridor.planning.planner import SolverChoice
from corridor.simulation.parameters import TIERS
from corridor.simulation.world import MAX_COMPANIONS, BoolArray, FloatArray, IntArray, World

PARTY = "receiving"


@dataclass(frozen=True)
class DayView:
    """What a policy may see when it forms the list of `day`."""

    world: World
    day: int
    eligible: IntArray
    seats: IntArray
    active_companions: BoolArray
    tier: IntArray
    bumps: IntArray

    def date(self) -> datetime.date:
        """The calendar date of the day."""
        return self.world.parameters.first_day + datetime.timedelta(days=self.day)


class Policy(Protocol):
    """Forms a day's list (and standby list) from the eligible cases."""

    name: str

    def lists(self, view: DayView) -> tuple[list[int], list[int]]:
        """The day's list and its standby list, as case indices in seat and call order."""
        ...


def first_fit(view: DayView, order: Iterable[int]) -> list[int]:
    """Cases in `order` that fit the day's quota, stretcher places and beds, as a person would."""
    world = view.world
    p = world.parameters
    seats_left = p.quota_out
    stretchers_left = p.stretcher_places
    beds_left = world.beds[view.day].copy()
    chosen: list[int] = []
    for case in order:
        seats = int(view.seats[case])
        category = int(world.category[case])
        stretcher = bool(world.stretcher[case])
        if seats > seats_left or beds_left[category] < 1 or (stretcher and stretchers_left < 1):
            continue
        chosen.append(case)
        seats_left -= seats
        stretchers_left -= stretcher
        beds_left[category] -= 1
        if seats_left == 0:
            break
    return chosen


class FirstComeFirstServed:
    """Earliest referral first; no standby list."""

    name = "first-come-first-served"

    def lists(self, view: DayView) -> tuple[list[int], list[int]]:
        """The list in referral order."""
        referral = view.world.referral_day[view.eligible]
        order = view.eligible[np.argsort(referral, kind="stable")]
        return first_fit(view, order.tolist()), []


class StrictUrgency:
    """Most urgent tier first, earliest referral within a tier; no standby list."""

    name = "strict-urgency"

    def lists(self, view: DayView) -> tuple[list[int], list[int]]:
        """The list in tier, then referral order."""
        eligible = view.eligible
        keys = (view.world.referral_day[eligible], view.tier[eligible])
        order = eligible[np.lexsort(keys)]
        return first_fit(view, order.tolist()), []


class CorridorPlanner:
    """Corridor's planner (priority score, packing, standby lists) on the best-scored cases."""

    name = "corridor"

    def __init__(self, rules: Rules | None = None, options: Options | None = None) -> None:
        self.rules = rules or Rules()
        self.options = options

    def scores(self, view: DayView) -> FloatArray:
        """The planner's priority score of every eligible case, computed on arrays.

        Lists are made the day before, so waiting time counts to the day before, as in `plan`.
        """
        world = view.world
        weights = self.rules.weights
        eligible = view.eligible
        points = np.array([weights.urgency.get(tier, 0.0) for tier in TIERS])
        age = world.age[eligible]
        result: FloatArray = (
            points[view.tier[eligible]]
            + weights.waiting_per_day * np.maximum(0, view.day - 1 - world.referral_day[eligible])
            + weights.child * (age < self.rules.child_age)
            + weights.elderly * (age >= self.rules.elderly_age)
            + weights.deterioration * deteriorating(world, view.day)[eligible]
            + weights.bump * view.bumps[eligible]
        )
        return result

    def lists(self, view: DayView) -> tuple[list[int], list[int]]:
        """Plan the day with the planner; its list and standby list."""
        p = view.world.parameters
        solver: SolverChoice = "greedy" if p.planner_solver == "greedy" else "auto"
        options = self.options or Options(time_limit=0.2, workers=1, solver=solver)
        scores = self.scores(view)
        count = min(p.planner_candidates, scores.shape[0])
        if count == 0:
            return [], []
        top = np.argpartition(-scores, count - 1)[:count] if count < scores.shape[0] else None
        chosen = view.eligible if top is None else view.eligible[top]
        result = plan(to_problem(view, chosen.tolist(), self.rules), options)
        day = result.days[0]
        main = [int(case_id) for case_id in day.case_ids()]
        standby = list(dict.fromkeys(int(entry.case_id) for entry in day.standby))
        return main, standby


def deteriorating(world: World, day: int) -> BoolArray:
    """Cases whose tier rose within the last `deteriorating_days` days."""
    window = world.parameters.deteriorating_days
    rose_urgent = (world.to_urgent <= day) & (world.to_urgent > day - window)
    rose_critical = (world.to_critical <= day) & (world.to_critical > day - window)
    result: BoolArray = rose_urgent | rose_critical
    return result


def to_problem(view: DayView, cases: list[int], rules: Rules) -> Problem:
    """A one-day planning problem for `cases`, listed the day before the crossing."""
    world = view.world
    p = world.parameters
    date = view.date()
    first = p.first_day
    flagged = deteriorating(world, view.day)
    candidates = []
    for case in cases:
        referral = first + datetime.timedelta(days=int(world.referral_day[case]))
        companions = tuple(
            Companion(f"{case}-{slot}", adult=bool(world.companion_adult[case, slot]))
            for slot in range(MAX_COMPANIONS)
            if view.active_companions[case, slot]
        )
        candidates.append(
            Candidate(
                id=str(case),
                urgency=TIERS[int(view.tier[case])],
                category=world.categories[int(world.category[case])],
                referral_date=referral,
                registered_on=referral,
                age=int(world.age[case]),
                mobility=Mobility.STRETCHER if world.stretcher[case] else Mobility.SEATED,
                companions=companions,
                acceptances=(Acceptance(PARTY, date),),
                deteriorating=bool(flagged[case]),
                bump_count=int(view.bumps[case]),
            )
        )
    beds = tuple(
        BedCapacity(PARTY, category, date, int(world.beds[view.day, index]))
        for index, category in enumerate(world.categories)
    )
    day = CrossingDay(date, True, p.quota_out, p.quota_out, p.stretcher_places)
    planned_at = datetime.datetime.combine(date - datetime.timedelta(days=1), datetime.time(8))
    return Problem(planned_at, (day,), tuple(candidates), beds, rules=rules)


def all_policies() -> tuple[Policy, ...]:
    """The three policies the comparison runs."""
    return (FirstComeFirstServed(), StrictUrgency(), CorridorPlanner())
