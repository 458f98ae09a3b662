"""Compare listing policies on common random numbers over several seeds."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

from corridor.simulation.engine import run
from corridor.simulation.metrics import RunMetrics, Summary, measure, summarise, summarise_runs
from corridor.simulation.parameters import Parameters
from corridor.simulation.policies import Policy, all_policies
from corridor.simulation.world import draw_world


@dataclass(frozen=True)
class Comparison:
    """Per-policy metrics of every seed, and their summaries."""

    parameters: Parameters
    seeds: tuple[int, ...]
    runs: dict[str, tuple[RunMetrics, ...]]
    seconds: dict[str, float]

    def summary(self) -> dict[str, dict[str, Summary]]:
        """For each policy, each metric's mean and 95% interval over the seeds."""
        return {policy: summarise_runs(runs) for policy, runs in self.runs.items()}

    def difference(self, metric: str, policy: str, baseline: str) -> Summary:
        """`policy` minus `baseline` on `metric`, paired seed by seed (same random numbers)."""
        pairs = zip(self.runs[policy], self.runs[baseline], strict=True)
        return summarise([getattr(a, metric) - getattr(b, metric) for a, b in pairs])


def compare(
    parameters: Parameters, seeds: Sequence[int], policies: Sequence[Policy] | None = None
) -> Comparison:
    """Run every policy in the same world for each seed (common random numbers)."""
    policies = policies or all_policies()
    runs: dict[str, list[RunMetrics]] = {policy.name: [] for policy in policies}
    seconds = dict.fromkeys(runs, 0.0)
    for seed in seeds:
        world = draw_world(parameters, seed)
        for policy in policies:
            started = time.perf_counter()
            runs[policy.name].append(measure(world, run(world, policy)))
            seconds[policy.name] += time.perf_counter() - started
    return Comparison(
        parameters=parameters,
        seeds=tuple(seeds),
        runs={name: tuple(values) for name, values in runs.items()},
        seconds=seconds,
    )


ROWS = (
    ("seat_fill", "seats used / offered on open days", "{:.1%}"),
    ("deaths_while_waiting", "deaths while waiting", "{:.1f}"),
    ("evacuated", "patients evacuated", "{:.0f}"),
    ("children_evacuated", "children evacuated", "{:.0f}"),
    ("wait_median_critical", "median wait, critical (days)", "{:.0f}"),
    ("wait_p90_critical", "90th pct wait, critical (days)", "{:.0f}"),
    ("wait_median_urgent", "median wait, urgent (days)", "{:.0f}"),
    ("wait_p90_urgent", "90th pct wait, urgent (days)", "{:.0f}"),
    ("wait_median_stable", "median wait, stable (days)", "{:.0f}"),
    ("wait_p90_stable", "90th pct wait, stable (days)", "{:.0f}"),
    ("longest_wait_stable_evacuated", "longest wait, stable evacuated", "{:.0f}"),
    ("longest_wait_stable_still_waiting", "longest wait, stable accepted, waiting", "{:.0f}"),
    ("refused", "patients refused clearance", "{:.0f}"),
)


def table(comparison: Comparison) -> str:
    """A Markdown table: one row per metric, one column per policy, mean [95% interval]."""
    summary = comparison.summary()
    policies = list(summary)
    lines = [
        "| metric | " + " | ".join(policies) + " |",
        "|---|" + "---|" * len(policies),
    ]
    for key, label, fmt in ROWS:
        cells = []
        for policy in policies:
            s = summary[policy][key]
            cell = fmt.format(s.mean)
            if s.runs > 1:
                cell += f" [{fmt.format(s.low)}, {fmt.format(s.high)}]"
            cells.append(cell)
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)
