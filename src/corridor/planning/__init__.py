"""The planner: who goes next, packed into each day's quota, re-planned, and explained.

Pure Python: imports nothing from Django. Frozen dataclasses in (`Problem`), frozen dataclasses
out (`Plan`, `Replan`). See docs/planning.md.
"""

from corridor.planning.events import (
    BatchCancelled,
    BatchPostponed,
    BedWithdrawn,
    CaseHeldBack,
    CaseWithdrawn,
    CrossingDayClosed,
    Event,
    NewCase,
    PersonRefused,
    apply_event,
    event_from_dict,
    event_to_dict,
)
from corridor.planning.planner import Options, plan
from corridor.planning.priority import score, scores
from corridor.planning.problem import (
    Acceptance,
    BedCapacity,
    Candidate,
    Companion,
    Crossing,
    CrossingDay,
    Listing,
    Problem,
)
from corridor.planning.reasons import Reason, ReasonCode
from corridor.planning.replanning import Change, ChangeKind, Replan, replan
from corridor.planning.result import (
    DayPlan,
    Explanation,
    Member,
    Plan,
    Role,
    SolveStats,
    StandbyEntry,
    Status,
)
from corridor.planning.rules import Rules, Tier, Weights
from corridor.planning.serialize import (
    ProblemError,
    dump_problem,
    load_problem,
    problem_from_dict,
    problem_to_dict,
    schema,
)
from corridor.planning.vocabulary import Clearance, Direction, Mobility
from corridor.planning.weights_check import WeightFinding, WeightStatus, check_weights

__all__ = [
    "Acceptance",
    "BatchCancelled",
    "BatchPostponed",
    "BedCapacity",
    "BedWithdrawn",
    "Candidate",
    "CaseHeldBack",
    "CaseWithdrawn",
    "Change",
    "ChangeKind",
    "Clearance",
    "Companion",
    "Crossing",
    "CrossingDay",
    "CrossingDayClosed",
    "DayPlan",
    "Direction",
    "Event",
    "Explanation",
    "Listing",
    "Member",
    "Mobility",
    "NewCase",
    "Options",
    "PersonRefused",
    "Plan",
    "Problem",
    "ProblemError",
    "Reason",
    "ReasonCode",
    "Replan",
    "Role",
    "Rules",
    "SolveStats",
    "StandbyEntry",
    "Status",
    "Tier",
    "WeightFinding",
    "WeightStatus",
    "Weights",
    "apply_event",
    "check_weights",
    "dump_problem",
    "event_from_dict",
    "event_to_dict",
    "load_problem",
    "plan",
    "problem_from_dict",
    "problem_to_dict",
    "replan",
    "schema",
    "score",
    "scores",
]
