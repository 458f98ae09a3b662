"""Time the planner and measure its quality; print tables and write them to bench/results/.

    .venv/bin/python bench/planning.py            # full run (a few minutes)
    .venv/bin/python bench/planning.py --quick    # smaller, for a smoke test

Measures, for a 7-day horizon: time to plan (median of several runs) on a Rafah-shaped waiting
list of 22,000 cases and on synthetic lists of 5,000 / 22,000 / 100,000 cases; time to re-plan
after a cancelled batch; and plan quality against the proven optimum on small problems.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from corridor.planning import BatchCancelled, Options, Problem, Rules, plan, replan
from corridor.planning.planner import collector_paused
from corridor.planning.prepared import prepare
from corridor.planning.solver import objective, solve
from corridor.planning.synthetic import generate_problem

RESULTS = Path(__file__).parent / "results"


def time_planning(problem: Problem, repeats: int, options: Options) -> dict[str, Any]:
    """Plan `problem` `repeats` times, then re-plan after cancelling the first planned day."""
    plan_times, replan_times = [], []
    result = None
    for _ in range(repeats):
        started = time.perf_counter()
        result = plan(problem, options)
        plan_times.append(time.perf_counter() - started)
    assert result is not None
    first = next(day for day in result.days if day.listable and day.members)
    replan_options = Options(time_limit=0.3, workers=options.workers)
    replanned = None
    for _ in range(repeats):
        started = time.perf_counter()
        replanned = replan(problem, result, BatchCancelled(first.date), replan_options)
        replan_times.append(time.perf_counter() - started)
    assert replanned is not None
    return {
        "candidates": len(problem.candidates),
        "eligible": result.stats.eligible,
        "preselected": result.stats.preselected,
        "planned_cases": sum(len(day.case_ids()) for day in result.days),
        "seats_used": sum(day.seats_used for day in result.days),
        "seats_offered": sum(day.quota for day in result.days),
        "solver": f"{result.stats.solver} ({result.stats.status})",
        "plan_seconds": plan_times,
        "plan_median": statistics.median(plan_times),
        "replan_seconds": replan_times,
        "replan_median": statistics.median(replan_times),
        "replan_changes": len(replanned.changes),
        "replan_solver": f"{replanned.plan.stats.solver} ({replanned.plan.stats.status})",
    }


def exact_optimum(problem: Problem, time_limit: float) -> tuple[int, str]:
    """The objective of the best plan over every eligible case, with the solver's status."""
    with collector_paused():
        prepared = prepare(problem)
        pinned = {u.index: u.pinned for u in prepared.units if u.pinned is not None and u.eligible}
        units = [unit for unit in prepared.units if unit.eligible]
        solution = solve(prepared, units, pinned, {}, time_limit=time_limit, workers=2)
        return objective(prepared, solution.placements), solution.status


def quality(count: int, seed: int) -> dict[str, Any]:
    """Plan small problems with the default options and with the greedy packer alone; compare
    both to the proven optimum."""
    rows: list[dict[str, Any]] = []
    for index in range(count):
        problem = generate_problem(
            120, days=5, seed=seed + index, accepted_share=0.6, quota=20, stretcher_places=2,
            rules=Rules(),
        )  # fmt: skip
        best, status = exact_optimum(problem, time_limit=60.0)
        default = plan(problem).stats.objective
        greedy = plan(problem, Options(solver="greedy")).stats.objective
        rows.append({"seed": seed + index, "status": status, "optimum": best,
                     "plan": default, "greedy": greedy})  # fmt: skip
    plan_ratios = [row["plan"] / row["optimum"] if row["optimum"] else 1.0 for row in rows]
    greedy_ratios = [row["greedy"] / row["optimum"] if row["optimum"] else 1.0 for row in rows]
    return {
        "problems": rows,
        "all_optimal": all(row["status"] == "OPTIMAL" for row in rows),
        "plan_worst": min(plan_ratios),
        "plan_median": statistics.median(plan_ratios),
        "greedy_worst": min(greedy_ratios),
        "greedy_median": statistics.median(greedy_ratios),
    }


def main() -> None:
    """Run the benchmarks and print their tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes and fewer repeats")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--time-limit", type=float, default=1.0, help="CP-SAT seconds")
    args = parser.parse_args()
    repeats = 2 if args.quick else args.repeats
    options = Options(time_limit=args.time_limit, workers=2)
    scenarios = [("rafah-shaped", 22_000, 0.15)]
    sizes = (5_000, 22_000) if args.quick else (5_000, 22_000, 100_000)
    scenarios += [(f"synthetic-{size}", size, 0.6) for size in sizes]

    timing: dict[str, Any] = {}
    out = sys.stdout
    machine = platform.processor() or platform.machine()
    out.write(f"machine: {machine}, {os.cpu_count()} cores, Python {platform.python_version()}, ")
    out.write(f"load average {os.getloadavg()[0]:.1f}\n")
    header = (
        "| list | candidates | eligible | model | solver | plan median (s) | re-plan median (s)"
    )
    out.write(f"\n{header} | seats used / offered |\n|{'---|' * 8}\n")
    for name, size, accepted in scenarios:
        problem = generate_problem(size, days=7, seed=1, accepted_share=accepted)
        row = time_planning(problem, repeats, options)
        timing[name] = row
        out.write(
            f"| {name} | {size:,} | {row['eligible']:,} | {row['preselected']} | {row['solver']} "
            f"| {row['plan_median']:.2f} | {row['replan_median']:.2f} "
            f"| {row['seats_used']} / {row['seats_offered']} |\n"
        )
        out.flush()

    small = quality(5 if args.quick else 20, seed=100)
    out.write(
        f"\nquality on {len(small['problems'])} problems of 120 candidates x 5 days "
        f"(optimum proven: {small['all_optimal']}):\n"
        f"  default plan: worst {small['plan_worst']:.4%}, median {small['plan_median']:.4%}"
        f" of the optimum\n"
        f"  greedy alone: worst {small['greedy_worst']:.4%}, median {small['greedy_median']:.4%}"
        f" of the optimum\n"
    )
    RESULTS.mkdir(exist_ok=True)
    report = {
        "measured": datetime.datetime.now().isoformat(timespec="seconds"),
        "cpu_count": os.cpu_count(),
        "load_average": os.getloadavg(),
        "python": platform.python_version(),
        "time_limit": args.time_limit,
        "repeats": repeats,
        "timing": timing,
        "quality": small,
    }
    (RESULTS / "planning.json").write_text(json.dumps(report, indent=1) + "\n", "utf-8")
    out.write(f"\nwritten: {RESULTS / 'planning.json'}\n")


if __name__ == "__main__":
    main()
