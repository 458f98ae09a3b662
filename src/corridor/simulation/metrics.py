"""What a run achieved, and means with 95% intervals over seeds."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np

from corridor.simulation.engine import CHILD_AGE, Outcome
from corridor.simulation.parameters import TIERS
from corridor.simulation.world import STABLE, World

# Student's t at 97.5% for 1..30 degrees of freedom; 1.96 beyond.
T_975 = (
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
    2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
    2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
)  # fmt: skip


@dataclass(frozen=True)
class RunMetrics:
    """The issue's metrics for one policy in one world (waits in days)."""

    seat_fill: float
    seats_used: int
    seats_offered: int
    deaths_while_waiting: int
    evacuated: int
    children_evacuated: int
    refused: int
    wait_median_critical: float
    wait_p90_critical: float
    wait_median_urgent: float
    wait_p90_urgent: float
    wait_median_stable: float
    wait_p90_stable: float
    longest_wait_stable_evacuated: float
    # Among stable cases accepted by a destination and still waiting at the end.
    longest_wait_stable_still_waiting: float
    cancelled_days: int


def measure(world: World, outcome: Outcome) -> RunMetrics:
    """The metrics of `outcome` in `world`."""
    days = world.parameters.days
    evacuated = np.isfinite(outcome.evacuated_day)
    died = (
        (world.death_time >= 0)
        & (world.death_time < days)
        & (world.death_time < outcome.evacuated_day)
    )
    wait = outcome.evacuated_day - world.referral_day
    waits: dict[str, float] = {}
    for index, tier in enumerate(TIERS):
        chosen = wait[evacuated & (outcome.evacuated_tier == index)]
        waits[f"wait_median_{tier}"] = float(np.median(chosen)) if chosen.size else math.nan
        waits[f"wait_p90_{tier}"] = float(np.percentile(chosen, 90)) if chosen.size else math.nan
    stable_evacuated = wait[evacuated & (outcome.evacuated_tier == STABLE)]
    # Only cases a policy could have listed: accepted by a destination, alive, not refused.
    still_waiting = (
        ~evacuated
        & ~outcome.refused
        & (world.death_time >= days)
        & (world.accepted_day <= days - 1)
        & (world.tier_on(days - 1) == STABLE)
    )
    return RunMetrics(
        seat_fill=outcome.seats_used / outcome.seats_offered if outcome.seats_offered else math.nan,
        seats_used=outcome.seats_used,
        seats_offered=outcome.seats_offered,
        deaths_while_waiting=int(died.sum()),
        evacuated=int(evacuated.sum()),
        children_evacuated=int((evacuated & (world.age < CHILD_AGE)).sum()),
        refused=int(outcome.refused.sum()),
        longest_wait_stable_evacuated=float(stable_evacuated.max())
        if stable_evacuated.size
        else 0.0,
        longest_wait_stable_still_waiting=float(
            (days - world.referral_day[still_waiting]).max() if still_waiting.any() else 0.0
        ),
        cancelled_days=outcome.cancelled_days,
        **waits,
    )


@dataclass(frozen=True)
class Summary:
    """A metric over seeds: mean and the 95% confidence interval of the mean."""

    mean: float
    low: float
    high: float
    runs: int


def summarise(values: Sequence[float]) -> Summary:
    """Mean and 95% interval (Student's t) of `values`, ignoring NaN."""
    data = np.array([v for v in values if not math.isnan(v)], dtype=np.float64)
    if data.size == 0:
        return Summary(math.nan, math.nan, math.nan, 0)
    mean = float(data.mean())
    if data.size == 1:
        return Summary(mean, mean, mean, 1)
    t = T_975[data.size - 2] if data.size - 1 <= len(T_975) else 1.96
    half = t * float(data.std(ddof=1)) / math.sqrt(data.size)
    return Summary(mean, mean - half, mean + half, int(data.size))


def summarise_runs(runs: Sequence[RunMetrics]) -> dict[str, Summary]:
    """Every metric of `runs` summarised over the runs."""
    rows = [asdict(run) for run in runs]
    return {name: summarise([float(row[name]) for row in rows]) for name in rows[0]} if rows else {}
