"""`plan`: rank the waiting list, pack each day's quota, keep standby lists, explain everything."""

from __future__ import annotations

import gc
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Literal

from corridor.planning.explain import build_plan
from corridor.planning.packing import (
    Capacity,
    Placement,
    displace_for_urgent,
    greedy,
    pack,
    standby_lists,
)
from corridor.planning.prepared import Prepared, prepare
from corridor.planning.problem import Problem
from corridor.planning.result import Plan, SolveStats
from corridor.planning.solver import Stability, objective, preselect, solve, verify

SolverChoice = Literal["auto", "greedy", "cp-sat"]


@dataclass(frozen=True)
class Options:
    """How hard to search: the CP-SAT time limit, its worker threads, or greedy only."""

    time_limit: float = 1.0
    workers: int = 2
    solver: SolverChoice = "auto"


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while planning.

    Planning allocates many small objects that live until the plan is returned; on a 22,000-case
    list the collector's repeated passes over them doubled the planning time.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def plan(problem: Problem, options: Options | None = None) -> Plan:
    """Plan every listable crossing day of `problem` and explain every candidate."""
    with collector_paused():
        return _plan(problem, options)


def _plan(problem: Problem, options: Options | None) -> Plan:
    started = time.perf_counter()
    options = options or Options()
    prepared = prepare(problem)
    pinned = {
        unit.index: unit.pinned
        for unit in prepared.units
        if unit.pinned is not None and unit.eligible
    }
    placements, capacity, stats, stuck = optimise(prepared, pinned, options, pinned_stay=True)
    standby = standby_lists(prepared, capacity, placements, skip=stuck)
    kept = frozenset(index for index in pinned if index in placements)
    result = build_plan(prepared, placements, capacity, standby, stats, kept, stuck)
    seconds = round(time.perf_counter() - started, 4)
    return replace(result, stats=replace(result.stats, seconds=seconds))


def optimise(
    prepared: Prepared,
    pinned: Mapping[int, int],
    options: Options,
    preferred: Mapping[int, int] | None = None,
    stability: Stability | None = None,
    pinned_stay: bool = False,
) -> tuple[dict[int, Placement], Capacity, SolveStats, dict[int, int]]:
    """Greedy placements, improved by CP-SAT when asked and when it finds a better plan.

    With `pinned_stay`, a pinned unit that no longer fits its day is left unplanned (it is
    "stuck", and returned) rather than moved: only re-planning moves a case off its batch.
    """
    started = time.perf_counter()
    told = dict(stability.told) if stability is not None else {}
    skip = set(pinned) if pinned_stay else set()
    placements, capacity, lost = greedy(prepared, {**told, **pinned}, preferred, skip)
    stuck = {unit: pinned[unit] for unit in lost if unit in pinned and pinned_stay}
    if told and stability is not None:
        displace_for_urgent(prepared, capacity, placements, told, stability.tier_rank)
        pack(prepared, capacity, prepared.units, placements, preferred, stuck)
        told = {unit: day for unit, day in told.items() if unit not in lost}
        stability = replace(stability, told=told)
    pinned = {unit: day for unit, day in pinned.items() if unit not in lost}
    greedy_value = objective(prepared, placements, stability)
    solver_name, status, best_value = "greedy", "GREEDY", greedy_value
    eligible = sum(case.eligible for case in prepared.cases)
    selected = len(placements)
    if options.solver != "greedy" and any(prepared.listable):
        keep = stability.keep_bonus if stability is not None else {}
        units = preselect(prepared, [*placements, *pinned, *told, *keep])
        units = [unit for unit in units if unit.index not in stuck]
        selected = len(units)
        solution = solve(
            prepared,
            units,
            pinned,
            placements,
            time_limit=options.time_limit,
            workers=options.workers,
            stability=stability,
        )
        status = solution.status
        candidate = dict(solution.placements)
        if candidate and verify(prepared, candidate):
            filled = Capacity(prepared)
            for unit_index, placement in candidate.items():
                filled.take(prepared.units[unit_index], placement.day, placement.destinations)
            # Fill any seat the time-limited model left open, in rank order.
            pack(prepared, filled, prepared.units, candidate, skip=stuck)
            value = objective(prepared, candidate, stability)
            if value >= greedy_value:
                placements, capacity, best_value = candidate, filled, value
                solver_name = "cp-sat"
            else:
                solver_name = "greedy-fallback"
        else:
            solver_name = "greedy-fallback"
    stats = SolveStats(
        solver=solver_name,
        status=status,
        candidates=len(prepared.cases),
        eligible=eligible,
        preselected=selected,
        seconds=round(time.perf_counter() - started, 4),
        time_limit=options.time_limit,
        objective=best_value,
        greedy_objective=greedy_value,
    )
    return placements, capacity, stats, stuck
