"""A small simulated corridor that runs in a blink."""

from __future__ import annotations

from typing import Any

from corridor.simulation import Parameters, default_parameters


def small(**overrides: Any) -> Parameters:
    """Thirty days, 400 cases waiting, 6 referrals a day, a quota of 20."""
    values: dict[str, Any] = {
        "days": 30,
        "initial_waiting": 400,
        "referrals_per_day": 6.0,
        "quota_out": 20,
        "stretcher_places": 3,
        "beds_per_day": 40.0,
        "initial_accepted_share": 0.5,
        "planner_candidates": 60,
    }
    values.update(overrides)
    return default_parameters(**values)
