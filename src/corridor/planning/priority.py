"""The priority score of a waiting case and the ranking of a waiting list.

score = urgency points of the tier + waiting_per_day x days since referral + child points (if
younger than the child age) + elderly points (if at least the elderly age) + deterioration
points (if flagged) + bump points x times bumped off a batch. Ties go to the earlier referral,
then the earlier registration, then the case id, so a ranking never depends on input order.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from corridor.planning.problem import Candidate
from corridor.planning.rules import Rules, Weights

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


def components(
    candidates: Sequence[Candidate], rules: Rules, today: datetime.date
) -> tuple[tuple[str, ...], FloatArray]:
    """A matrix with one row per candidate and one column per weight (see `Weights.names`)."""
    names = rules.weights.names()
    matrix = np.zeros((len(candidates), len(names)), dtype=np.float64)
    column = {name: index for index, name in enumerate(names)}
    today_ordinal = today.toordinal()
    for row, candidate in enumerate(candidates):
        tier_column = column.get(f"urgency.{candidate.urgency}")
        if tier_column is not None:
            matrix[row, tier_column] = 1.0
        matrix[row, column["waiting_per_day"]] = max(
            0, today_ordinal - candidate.referral_date.toordinal()
        )
        matrix[row, column["child"]] = candidate.age < rules.child_age
        matrix[row, column["elderly"]] = candidate.age >= rules.elderly_age
        matrix[row, column["deterioration"]] = candidate.deteriorating
        matrix[row, column["bump"]] = candidate.bump_count
    return names, matrix


def weight_vector(weights: Weights) -> FloatArray:
    """The weights as a vector matching the columns of `components`."""
    return np.array([weights.value(name) for name in weights.names()], dtype=np.float64)


def scores(candidates: Sequence[Candidate], rules: Rules, today: datetime.date) -> FloatArray:
    """The priority score of every candidate, in input order."""
    if not candidates:
        return np.zeros(0, dtype=np.float64)
    _, matrix = components(candidates, rules, today)
    result: FloatArray = matrix @ weight_vector(rules.weights)
    return result


def score(candidate: Candidate, rules: Rules, today: datetime.date) -> float:
    """The priority score of one candidate."""
    return float(scores([candidate], rules, today)[0])


def tie_breaks(candidates: Sequence[Candidate]) -> tuple[IntArray, IntArray, IntArray]:
    """Referral ordinal, registration ordinal and id order: the keys that settle equal scores."""
    referral = np.array([c.referral_date.toordinal() for c in candidates], dtype=np.int64)
    registered = np.array([c.registered_on.toordinal() for c in candidates], dtype=np.int64)
    by_id = sorted(range(len(candidates)), key=lambda index: candidates[index].id)
    id_order = np.empty(len(candidates), dtype=np.int64)
    id_order[by_id] = np.arange(len(candidates), dtype=np.int64)
    return referral, registered, id_order


def rank_order(score_values: FloatArray, keys: tuple[IntArray, IntArray, IntArray]) -> IntArray:
    """Candidate indices from the highest priority down."""
    referral, registered, id_order = keys
    # Rounding keeps float noise from splitting scores that are equal on paper.
    rounded = np.round(score_values, 9)
    order: IntArray = np.lexsort((id_order, registered, referral, -rounded)).astype(np.int64)
    return order
