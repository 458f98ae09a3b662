"""The CP-SAT model: place pre-selected units on days to maximise the documented objective.

Objective (docs/planning.md): the sum, over placed cases, of value x day factor, where a case's
value is 2 ** (30 + (score - top score) / value_doubling_points) (at least 1) and the day factor
is 2H - d for day d of an H-day plan; re-planning adds a keeping bonus for cases left on their
day. Constraints: each unit on at most one day; per day the quota and stretcher places; per
(party, category, day) the beds; family groups as one unit; only listable days except for
pinned units; cases told their date stay unless a more urgent case enters that day.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from corridor.planning.packing import Capacity, Placement, can_go_on
from corridor.planning.prepared import Prepared, Unit


@dataclass(frozen=True)
class Stability:
    """Re-planning terms: bonuses for keeping units on their day, and units told their date."""

    keep_bonus: Mapping[int, tuple[int, int]] = field(default_factory=dict)
    told: Mapping[int, int] = field(default_factory=dict)
    tier_rank: Mapping[int, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Solution:
    """The model's placements and how the solver ended."""

    placements: dict[int, Placement]
    status: str
    objective: int
    seconds: float


def objective(
    prepared: Prepared, placements: Mapping[int, Placement], stability: Stability | None = None
) -> int:
    """The objective value of `placements`, as the model counts it."""
    total = 0
    for unit_index, placement in placements.items():
        total += prepared.unit_value(prepared.units[unit_index], placement.day)
        if stability is not None:
            kept = stability.keep_bonus.get(unit_index)
            if kept is not None and kept[0] == placement.day:
                total += kept[1]
    return total


def preselect(
    prepared: Prepared, must: Sequence[int], extra_seats_factor: float | None = None
) -> list[Unit]:
    """The units the model considers: `must` plus the best ranked that could go on some day."""
    problem = prepared.problem
    factor = problem.rules.preselect_factor if extra_seats_factor is None else extra_seats_factor
    listable_days = [day for day, ok in enumerate(prepared.listable) if ok]
    target = factor * sum(problem.days[day].quota(problem.direction) for day in listable_days)
    chosen = set(must)
    seats = 0
    for unit in prepared.units:
        if seats >= target:
            break
        if unit.index in chosen or not unit.eligible:
            continue
        if any(can_go_on(prepared, unit, day) for day in listable_days):
            chosen.add(unit.index)
            seats += unit.seats
    return [prepared.units[index] for index in sorted(chosen)]


def solve(
    prepared: Prepared,
    units: Sequence[Unit],
    pinned: Mapping[int, int],
    hint: Mapping[int, Placement],
    time_limit: float,
    workers: int = 2,
    stability: Stability | None = None,
) -> Solution:
    """Build and solve the model over `units`; the placements are empty if nothing was found."""
    started = time.perf_counter()
    stability = stability or Stability()
    model = cp_model.CpModel()
    problem = prepared.problem
    y: dict[tuple[int, int], cp_model.IntVar] = {}
    x: dict[tuple[int, int, str], cp_model.IntVar] = {}
    seats: dict[int, list[tuple[int, cp_model.IntVar]]] = defaultdict(list)
    stretchers: dict[int, list[tuple[int, cp_model.IntVar]]] = defaultdict(list)
    beds: dict[tuple[str, str, int], list[cp_model.IntVar]] = defaultdict(list)
    terms: list[tuple[int, cp_model.IntVar]] = []

    for unit in units:
        if unit.index in pinned:
            days = [pinned[unit.index]]
        else:
            days = [
                day
                for day, ok in enumerate(prepared.listable)
                if ok and can_go_on(prepared, unit, day)
            ]
        for day in days:
            var = model.new_bool_var(f"y_{unit.index}_{day}")
            y[unit.index, day] = var
            seats[day].append((unit.seats, var))
            if unit.stretchers:
                stretchers[day].append((unit.stretchers, var))
            value = prepared.unit_value(unit, day)
            kept = stability.keep_bonus.get(unit.index)
            if kept is not None and kept[0] == day:
                value += kept[1]
            terms.append((value, var))
            _destinations(model, prepared, unit, day, var, x, beds)
        unit_days = [y[unit.index, day] for day in days]
        if unit.index in pinned:
            model.add(unit_days[0] == 1)
        elif unit_days:
            model.add_at_most_one(unit_days)

    for day, used in seats.items():
        model.add(
            sum(count * var for count, var in used) <= problem.days[day].quota(problem.direction)
        )
    for day, used in stretchers.items():
        model.add(sum(count * var for count, var in used) <= problem.days[day].stretcher_places)
    for key, takers in beds.items():
        model.add(sum(takers) <= prepared.beds.get(key, 0))
    _told(model, prepared, units, stability, y)
    model.maximize(sum(value * var for value, var in terms))

    hinted: set[int] = set()
    for (unit_index, day), var in y.items():
        placed = hint.get(unit_index)
        model.add_hint(var, placed is not None and placed.day == day)
        hinted.add(var.index)
    for (case_index, day, party), var in x.items():
        if var.index in hinted:
            continue
        hinted.add(var.index)
        placed = hint.get(prepared.cases[case_index].unit)
        model.add_hint(
            var,
            placed is not None
            and placed.day == day
            and placed.destinations.get(case_index) == party,
        )

    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.01, time_limit)
    solver.parameters.num_workers = max(1, workers)
    solver.parameters.random_seed = 7
    status = solver.solve(model)
    name = solver.status_name(status)
    placements: dict[int, Placement] = {}
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        placements = _decode(prepared, solver, y, x)
    seconds = time.perf_counter() - started
    found = round(solver.objective_value) if placements else 0
    return Solution(placements, name, found, seconds)


def _destinations(
    model: cp_model.CpModel,
    prepared: Prepared,
    unit: Unit,
    day: int,
    var: cp_model.IntVar,
    x: dict[tuple[int, int, str], cp_model.IntVar],
    beds: dict[tuple[str, str, int], list[cp_model.IntVar]],
) -> None:
    """Choose a destination per case when some of its options have limited beds."""
    date = prepared.dates[day]
    for index in unit.cases:
        case = prepared.cases[index]
        category = case.candidate.category
        options = [option.party for option in case.options if option.available_from <= date]
        options = list(dict.fromkeys(options))
        if not any((party, category) in prepared.limited_pairs for party in options):
            continue
        if len(options) == 1:
            beds[options[0], category, day].append(var)
            x[index, day, options[0]] = var
            continue
        choices = []
        for party in options:
            choice = model.new_bool_var(f"x_{index}_{day}_{party}")
            x[index, day, party] = choice
            choices.append(choice)
            if (party, category) in prepared.limited_pairs:
                beds[party, category, day].append(choice)
        model.add(sum(choices) == var)


def _told(
    model: cp_model.CpModel,
    prepared: Prepared,
    units: Sequence[Unit],
    stability: Stability,
    y: Mapping[tuple[int, int], cp_model.IntVar],
) -> None:
    """A unit told its date keeps it unless a unit of a more urgent tier enters that day."""
    for unit_index, day in stability.told.items():
        stay = y.get((unit_index, day))
        if stay is None:
            continue
        rank = stability.tier_rank.get(unit_index, 0)
        entering = [
            y[other.index, day]
            for other in units
            if (other.index, day) in y
            and stability.tier_rank.get(other.index, rank) < rank
            and stability.keep_bonus.get(other.index, (-1, 0))[0] != day
        ]
        model.add(stay + sum(entering) >= 1)


def _decode(
    prepared: Prepared,
    solver: cp_model.CpSolver,
    y: Mapping[tuple[int, int], cp_model.IntVar],
    x: Mapping[tuple[int, int, str], cp_model.IntVar],
) -> dict[int, Placement]:
    """Read placements from the solver, destinations from x or the first open option."""
    placements: dict[int, Placement] = {}
    for (unit_index, day), var in y.items():
        if not solver.boolean_value(var):
            continue
        unit = prepared.units[unit_index]
        date = prepared.dates[day]
        destinations: dict[int, str] = {}
        for index in unit.cases:
            chosen = [
                party
                for option in prepared.cases[index].options
                if (party := option.party)
                and (index, day, party) in x
                and solver.boolean_value(x[index, day, party])
            ]
            if chosen:
                destinations[index] = chosen[0]
            else:
                destinations[index] = next(
                    o.party for o in prepared.cases[index].options if o.available_from <= date
                )
        placements[unit_index] = Placement(day, destinations)
    return placements


def verify(prepared: Prepared, placements: Mapping[int, Placement]) -> bool:
    """True when `placements` fit every quota, stretcher place and bed limit."""
    capacity = Capacity(prepared)
    for unit_index, placement in sorted(placements.items()):
        unit = prepared.units[unit_index]
        if not capacity.fits(unit, placement.day, placement.destinations):
            return False
        capacity.take(unit, placement.day, placement.destinations)
    return True
