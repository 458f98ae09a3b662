"""The day-by-day loop: list, clear, cancel or cross, fill from standby, and keep the record."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from corridor.simulation.policies import DayView, Policy
from corridor.simulation.world import (
    LISTINGS,
    MAX_COMPANIONS,
    BoolArray,
    FloatArray,
    IntArray,
    World,
)

CHILD_AGE = 18


@dataclass(frozen=True)
class Outcome:
    """What happened to every case under one policy in one world."""

    policy: str
    evacuated_day: FloatArray
    evacuated_tier: IntArray
    refused: BoolArray
    seats_offered: int
    seats_used: int
    open_days: int
    cancelled_days: int
    listed_people: int


class _State:
    """The mutable record of one run."""

    def __init__(self, world: World) -> None:
        n = world.cases
        self.evacuated = np.full(n, np.inf)
        self.evacuated_tier = np.full(n, -1, dtype=np.int64)
        self.refused = np.zeros(n, dtype=np.bool_)
        self.ready = np.full(n, -np.inf)
        self.bumps = np.zeros(n, dtype=np.int64)
        self.listings = np.zeros(n, dtype=np.int64)
        self.dropped = np.zeros((n, MAX_COMPANIONS), dtype=np.bool_)
        self.replaced = np.zeros((n, MAX_COMPANIONS), dtype=np.bool_)
        self.slots = np.arange(MAX_COMPANIONS)[None, :] < world.companions[:, None]


def _clear(world: World, state: _State, case: int, day: int) -> int | None:
    """The crossing authority's answer for one listed case: companions travelling, or None."""
    p = world.parameters
    listing = min(int(state.listings[case]), LISTINGS - 1)
    state.listings[case] += 1
    if world.patient_refused[case]:
        state.refused[case] = True
        return None
    answers = world.no_answer[case, listing]
    if answers[0] < p.no_answer_probability:
        return None
    travelling = []
    for slot in range(MAX_COMPANIONS):
        if not state.slots[case, slot] or state.dropped[case, slot]:
            continue
        if world.companion_refused[case, slot] and not state.replaced[case, slot]:
            state.dropped[case, slot] = True
            continue
        if answers[1 + slot] >= p.no_answer_probability:
            travelling.append(slot)
    if world.age[case] < CHILD_AGE and not any(world.companion_adult[case, s] for s in travelling):
        adults = [
            s
            for s in range(MAX_COMPANIONS)
            if state.slots[case, s] and world.companion_adult[case, s]
        ]
        if all(state.dropped[case, s] for s in adults):
            # Companion refused, replacement needed: a new adult is proposed and cleared later.
            slot = adults[0] if adults else 0
            state.slots[case, slot] = True
            state.dropped[case, slot] = False
            state.replaced[case, slot] = True
            state.ready[case] = day + p.replacement_days
        return None
    return len(travelling)


def run(world: World, policy: Policy) -> Outcome:
    """Run `policy` through every day of `world`."""
    p = world.parameters
    state = _State(world)
    adult = world.companion_adult
    child = world.age < CHILD_AGE
    seats_offered = seats_used = open_days = cancelled_days = listed_people = 0
    for day in range(p.days):
        if not world.open_day[day]:
            continue
        tier = world.tier_on(day)
        active = state.slots & ~state.dropped
        has_adult = (active & adult).any(axis=1)
        eligible = np.flatnonzero(
            (world.referral_day < day)
            & (world.death_time > day - 1)
            & np.isinf(state.evacuated)
            & ~state.refused
            & (world.accepted_day <= day)
            & (state.ready <= day)
            & (~child | has_adult)
        )
        seats = 1 + active.sum(axis=1)
        view = DayView(world, day, eligible, seats, active, tier, state.bumps)
        main, standby = policy.lists(view)
        listed_people += int(seats[main].sum() + seats[standby].sum()) if main or standby else 0
        cleared_main = [(case, _clear(world, state, case, day)) for case in main]
        cleared_standby = [(case, _clear(world, state, case, day)) for case in standby]
        if world.cancelled[day]:
            cancelled_days += 1
            for case, _ in cleared_main:
                state.bumps[case] += 1
            continue
        open_days += 1
        seats_offered += p.quota_out
        seats_left = p.quota_out
        stretchers_left = p.stretcher_places
        beds_left = world.beds[day].copy()
        for from_standby, cleared in ((False, cleared_main), (True, cleared_standby)):
            for case, companions in cleared:
                if companions is None:
                    continue
                listing = min(int(state.listings[case]) - 1, LISTINGS - 1)
                if world.no_show[case, listing] < p.no_show_probability:
                    continue
                if world.death_time[case] <= day:
                    continue
                people = 1 + companions
                category = int(world.category[case])
                stretcher = bool(world.stretcher[case])
                if from_standby and (
                    people > seats_left
                    or beds_left[category] < 1
                    or (stretcher and stretchers_left < 1)
                ):
                    continue
                state.evacuated[case] = day
                state.evacuated_tier[case] = tier[case]
                seats_left -= people
                stretchers_left -= stretcher
                beds_left[category] -= 1
                seats_used += people
    return Outcome(
        policy=policy.name,
        evacuated_day=state.evacuated,
        evacuated_tier=state.evacuated_tier,
        refused=state.refused,
        seats_offered=seats_offered,
        seats_used=seats_used,
        open_days=open_days,
        cancelled_days=cancelled_days,
        listed_people=listed_people,
    )
