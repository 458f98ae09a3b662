"""The weights check: which weights change no ranking on the waiting list at hand.

An inert weight misleads the people who tune it, so each weight is set to zero and doubled in
turn; a weight is inert when neither changes the order of any two candidates.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from corridor.planning import priority
from corridor.planning.problem import Problem


class WeightStatus(StrEnum):
    """What a weight does on the given waiting list."""

    EFFECTIVE = "effective"
    INERT = "inert"
    ZERO = "zero"


@dataclass(frozen=True)
class WeightFinding:
    """One weight: its value, status, and how many candidates change place without it."""

    name: str
    value: float
    status: WeightStatus
    moved_without: int
    moved_doubled: int
    message: str


def check_weights(problem: Problem) -> tuple[WeightFinding, ...]:
    """Report, for every weight of the problem's rules, whether it changes any ranking."""
    rules = problem.rules
    candidates = problem.candidates
    names, matrix = priority.components(candidates, rules, problem.planned_at.date())
    base = priority.weight_vector(rules.weights)
    keys = priority.tie_breaks(candidates)
    reference = priority.rank_order(matrix @ base, keys) if candidates else np.zeros(0)
    findings = []
    for column, name in enumerate(names):
        value = float(base[column])
        moved = []
        for factor in (0.0, 2.0):
            trial = base.copy()
            trial[column] = value * factor
            order = priority.rank_order(matrix @ trial, keys) if candidates else reference
            moved.append(int(np.count_nonzero(order != reference)))
        if value == 0.0:
            status = WeightStatus.ZERO
            message = f"{name} is 0: it counts for nothing"
        elif moved[0] == 0 and moved[1] == 0:
            status = WeightStatus.INERT
            message = (
                f"{name} = {value:g} changes no ranking on this waiting list "
                f"({len(candidates)} candidates)"
            )
        else:
            status = WeightStatus.EFFECTIVE
            message = (
                f"{name} = {value:g}: without it {moved[0]} candidates change place, "
                f"doubled {moved[1]}"
            )
        findings.append(WeightFinding(name, value, status, moved[0], moved[1], message))
    return tuple(findings)
