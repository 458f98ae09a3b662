"""Running policies day by day on common random numbers, and comparing them."""

from __future__ import annotations

import numpy as np

from corridor.simulation import (
    CorridorPlanner,
    FirstComeFirstServed,
    StrictUrgency,
    compare,
    draw_world,
    measure,
    run,
    summarise,
    table,
)
from tests.simulation.helpers import small


def test_every_policy_is_offered_the_same_seats_in_the_same_world() -> None:
    world = draw_world(small(), 21)
    outcomes = [run(world, p) for p in (FirstComeFirstServed(), StrictUrgency(), CorridorPlanner())]
    assert len({o.seats_offered for o in outcomes}) == 1
    assert len({o.cancelled_days for o in outcomes}) == 1


def test_nobody_refused_clearance_crosses_and_no_seat_is_used_twice() -> None:
    world = draw_world(small(refusal_probability=0.3), 22)
    for policy in (FirstComeFirstServed(), CorridorPlanner()):
        outcome = run(world, policy)
        crossed = np.isfinite(outcome.evacuated_day)
        assert not (crossed & world.patient_refused).any()
        assert outcome.seats_used <= outcome.seats_offered
        assert (outcome.evacuated_day[crossed] < world.death_time[crossed]).all()


def test_standby_lists_fill_seats_freed_by_refusals_and_no_shows() -> None:
    world = draw_world(small(refusal_probability=0.15, no_show_probability=0.05), 23)
    planner = measure(world, run(world, CorridorPlanner()))
    baseline = measure(world, run(world, StrictUrgency()))
    assert planner.seat_fill > baseline.seat_fill
    assert planner.seat_fill >= 0.95


def test_a_comparison_reports_means_intervals_and_paired_differences() -> None:
    comparison = compare(
        small(days=15), seeds=[1, 2], policies=[StrictUrgency(), CorridorPlanner()]
    )
    summary = comparison.summary()
    assert set(summary) == {"strict-urgency", "corridor"}
    fill = summary["corridor"]["seat_fill"]
    assert fill.runs == 2 and fill.low <= fill.mean <= fill.high
    difference = comparison.difference("seats_used", "corridor", "strict-urgency")
    assert difference.runs == 2
    rendered = table(comparison)
    assert rendered.splitlines()[0] == "| metric | strict-urgency | corridor |"
    assert "seats used / offered on open days" in rendered


def test_a_summary_of_one_value_has_no_width_and_nan_is_ignored() -> None:
    single = summarise([3.0, float("nan")])
    assert (single.mean, single.low, single.high, single.runs) == (3.0, 3.0, 3.0, 1)
    spread = summarise([1.0, 2.0, 3.0])
    assert spread.low < 2.0 < spread.high
