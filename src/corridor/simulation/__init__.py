"""The simulator: a day-by-day stochastic model of the corridor, and policy comparison.

Pure Python (numpy): imports nothing from Django. See docs/planning.md and docs/performance.md.
"""

from corridor.simulation.compare import Comparison, compare, table
from corridor.simulation.engine import Outcome, run
from corridor.simulation.metrics import RunMetrics, Summary, measure, summarise
from corridor.simulation.parameters import Parameters, default_parameters, documented
from corridor.simulation.policies import (
    CorridorPlanner,
    DayView,
    FirstComeFirstServed,
    Policy,
    StrictUrgency,
    all_policies,
)
from corridor.simulation.world import World, draw_world

__all__ = [
    "Comparison",
    "CorridorPlanner",
    "DayView",
    "FirstComeFirstServed",
    "Outcome",
    "Parameters",
    "Policy",
    "RunMetrics",
    "StrictUrgency",
    "Summary",
    "World",
    "all_policies",
    "compare",
    "default_parameters",
    "documented",
    "draw_world",
    "measure",
    "run",
    "summarise",
    "table",
]
