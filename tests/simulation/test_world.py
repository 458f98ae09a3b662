"""The drawn world: reproducible per seed, the same for every policy."""

from __future__ import annotations

import numpy as np

from corridor.simulation import draw_world
from corridor.simulation.world import CRITICAL, STABLE
from tests.simulation.helpers import small


def test_a_seed_draws_the_same_world_every_time() -> None:
    first, second = draw_world(small(), 7), draw_world(small(), 7)
    assert np.array_equal(first.referral_day, second.referral_day)
    assert np.array_equal(first.death_time, second.death_time)
    assert np.array_equal(first.no_show, second.no_show)


def test_different_seeds_draw_different_worlds() -> None:
    assert not np.array_equal(draw_world(small(), 1).death_time, draw_world(small(), 2).death_time)


def test_the_backlog_is_referred_before_day_zero_and_new_cases_after() -> None:
    world = draw_world(small(), 3)
    assert (world.referral_day[:400] < 0).all()
    assert (world.referral_day[400:] >= 0).all()


def test_a_case_only_grows_more_urgent_and_dies_after_its_referral() -> None:
    world = draw_world(small(escalation_per_day={"stable": 0.05, "urgent": 0.05}), 4)
    earlier, later = world.tier_on(0), world.tier_on(29)
    assert (later <= earlier).all()
    assert (later == CRITICAL).sum() > (earlier == CRITICAL).sum()
    assert (world.death_time >= np.maximum(world.referral_day, 0)).all()
    assert (earlier <= STABLE).all()


def test_critical_cases_die_sooner_than_stable_ones() -> None:
    world = draw_world(
        small(initial_waiting=4000, escalation_per_day={"stable": 1e-9, "urgent": 1e-9}), 5
    )
    critical = np.median(world.death_time[world.tier == CRITICAL])
    stable = np.median(world.death_time[world.tier == STABLE])
    assert critical < stable
