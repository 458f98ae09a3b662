"""One simulated world, drawn in advance so every policy meets the same random events.

Common random numbers: who is referred when, who deteriorates and dies when, who would be
refused, who would not come on each listing, which days open or are cancelled and how many
beds are offered are all drawn here, once per seed. Policies differ only in whom they list.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from corridor.simulation.parameters import TIERS, Parameters

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

CRITICAL, URGENT, STABLE = 0, 1, 2
MAX_COMPANIONS = 2
# Per-listing draws are kept for this many listings of one case; later ones reuse the last.
LISTINGS = 8


@dataclass(frozen=True)
class World:
    """Every random draw of one simulated corridor (arrays indexed by case, day or both)."""

    parameters: Parameters
    seed: int
    categories: tuple[str, ...]
    referral_day: IntArray
    tier: IntArray
    to_urgent: FloatArray
    to_critical: FloatArray
    death_time: FloatArray
    age: IntArray
    companions: IntArray
    companion_adult: BoolArray
    companion_refused: BoolArray
    patient_refused: BoolArray
    stretcher: BoolArray
    category: IntArray
    accepted_day: FloatArray
    no_show: FloatArray
    no_answer: FloatArray
    open_day: BoolArray
    cancelled: BoolArray
    beds: IntArray

    @property
    def cases(self) -> int:
        """How many cases the world holds: the initial waiting list and every referral."""
        return int(self.referral_day.shape[0])

    def tier_on(self, day: int) -> IntArray:
        """Every case's urgency tier (0 critical, 1 urgent, 2 stable) on `day`."""
        result = np.where(day >= self.to_urgent, URGENT, self.tier)
        result = np.where(day >= self.to_critical, CRITICAL, result)
        tiers: IntArray = np.minimum(result, self.tier).astype(np.int64)
        return tiers


def _tiers(rng: np.random.Generator, shares: dict[str, float], size: int) -> IntArray:
    p = np.array([shares[t] for t in TIERS], dtype=np.float64)
    drawn: IntArray = rng.choice(len(TIERS), size=size, p=p / p.sum()).astype(np.int64)
    return drawn


def draw_world(parameters: Parameters, seed: int) -> World:
    """Draw a world for `parameters` from `seed` (numpy's default Generator)."""
    p = parameters
    streams = np.random.SeedSequence(seed).spawn(4)
    people, crossing, listing, clinical = (np.random.default_rng(s) for s in streams)

    arrivals = people.poisson(p.referrals_per_day, size=p.days)
    backlog = p.initial_waiting
    n = backlog + int(arrivals.sum())
    referral_day = np.concatenate(
        [
            -people.integers(1, p.initial_referral_span_days + 1, size=backlog),
            np.repeat(np.arange(p.days), arrivals),
        ]
    ).astype(np.int64)
    tier = np.concatenate(
        [
            _tiers(people, dict(p.initial_tier_shares), backlog),
            _tiers(people, dict(p.referral_tier_shares), n - backlog),
        ]
    )
    start = np.maximum(referral_day, 0).astype(np.float64)

    accepted_now = people.random(backlog) < p.initial_accepted_share
    accepted_day = start + people.exponential(p.acceptance_delay_days, size=n)
    accepted_day[:backlog][accepted_now] = people.integers(0, 21, size=int(accepted_now.sum()))

    child = people.random(n) < p.child_share
    age = np.where(child, people.integers(0, 18, size=n), people.integers(18, 81, size=n))
    shares_adult = np.array(p.companion_shares_adult) / sum(p.companion_shares_adult)
    shares_child = np.array(p.companion_shares_child) / sum(p.companion_shares_child)
    companions = np.where(
        child,
        people.choice(3, size=n, p=shares_child),
        people.choice(3, size=n, p=shares_adult),
    ).astype(np.int64)
    companion_adult = people.random((n, MAX_COMPANIONS)) < 0.95
    companion_adult[:, 0] |= child
    companion_refused = people.random((n, MAX_COMPANIONS)) < p.refusal_probability
    patient_refused = people.random(n) < p.refusal_probability
    stretcher = people.random(n) < p.stretcher_share
    stretcher |= (tier == CRITICAL) & (people.random(n) < p.critical_stretcher_share)
    categories = tuple(p.category_shares)
    weights = np.array([p.category_shares[c] for c in categories], dtype=np.float64)
    category = people.choice(len(categories), size=n, p=weights / weights.sum()).astype(np.int64)

    to_urgent, to_critical, death_time = _clinical_course(clinical, p, tier, start)

    open_day = crossing.random(p.days) < p.open_probability
    cancelled = open_day & (crossing.random(p.days) < p.cancellation_probability)
    beds = crossing.poisson(
        np.outer(np.full(p.days, p.beds_per_day), weights / weights.sum())
    ).astype(np.int64)

    return World(
        parameters=p,
        seed=seed,
        categories=categories,
        referral_day=referral_day,
        tier=tier,
        to_urgent=to_urgent,
        to_critical=to_critical,
        death_time=death_time,
        age=age.astype(np.int64),
        companions=companions,
        companion_adult=companion_adult,
        companion_refused=companion_refused,
        patient_refused=patient_refused,
        stretcher=stretcher,
        category=category,
        accepted_day=accepted_day,
        no_show=listing.random((n, LISTINGS)),
        no_answer=listing.random((n, LISTINGS, 1 + MAX_COMPANIONS)),
        open_day=open_day,
        cancelled=cancelled,
        beds=beds,
    )


def _clinical_course(
    rng: np.random.Generator, p: Parameters, tier: IntArray, start: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """When each case's tier rises, and when it dies if never evacuated.

    The hazard of death depends on the tier of the day, so the time of death is found on the
    piecewise-linear cumulative hazard from the case's start: stable, then urgent, then
    critical. One exponential draw per case fixes it, whatever any policy does.
    """
    n = tier.shape[0]
    rise_stable = rng.exponential(1.0 / p.escalation_per_day["stable"], size=n)
    rise_urgent = rng.exponential(1.0 / p.escalation_per_day["urgent"], size=n)
    to_urgent = np.where(tier == STABLE, start + rise_stable, -np.inf)
    to_critical = np.where(tier == CRITICAL, -np.inf, np.maximum(start, to_urgent) + rise_urgent)
    hazard = [p.death_hazard_per_day[t] for t in TIERS]
    threshold = rng.exponential(1.0, size=n)

    stable_end = np.maximum(start, to_urgent)
    urgent_end = np.maximum(stable_end, to_critical)
    stable_hazard = hazard[STABLE] * (stable_end - start)
    urgent_hazard = hazard[URGENT] * (urgent_end - stable_end)
    with np.errstate(invalid="ignore", divide="ignore"):
        in_stable = threshold <= stable_hazard
        in_urgent = ~in_stable & (threshold - stable_hazard <= urgent_hazard)
        death = np.where(
            in_stable,
            start + threshold / hazard[STABLE],
            np.where(
                in_urgent,
                stable_end + (threshold - stable_hazard) / hazard[URGENT],
                urgent_end + (threshold - stable_hazard - urgent_hazard) / hazard[CRITICAL],
            ),
        )
    return to_urgent, to_critical, death.astype(np.float64)
