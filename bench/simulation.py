"""Compare listing policies in the simulator; print tables and write them to bench/results/.

    .venv/bin/python bench/simulation.py                      # 180 days x 20 seeds
    .venv/bin/python bench/simulation.py --days 60 --seeds 4  # a quicker look
    .venv/bin/python bench/simulation.py --set refusal_probability=0.3

Every policy runs in the same drawn world for each seed (common random numbers), so the
differences between policies are reported paired, seed by seed, with 95% intervals.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import json
import math
import os
import sys
import time
from pathlib import Path
from typing import Any

from corridor.simulation import compare, default_parameters, table

RESULTS = Path(__file__).parent / "results"
PAIRED = (
    ("deaths_while_waiting", "deaths while waiting"),
    ("seat_fill", "seat fill"),
    ("evacuated", "patients evacuated"),
    ("children_evacuated", "children evacuated"),
    ("longest_wait_stable_still_waiting", "longest wait, stable accepted, waiting"),
)


def _override(text: str) -> tuple[str, Any]:
    name, _, raw = text.partition("=")
    try:
        return name, json.loads(raw)
    except json.JSONDecodeError:
        return name, raw


def main() -> None:
    """Run the comparison and print its tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=180)
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--set", action="append", default=[], metavar="NAME=JSON",
                        help="override a parameter of parameters.json")  # fmt: skip
    args = parser.parse_args()
    overrides = dict(_override(text) for text in args.set)
    parameters = default_parameters(days=args.days, **overrides)
    started = time.perf_counter()
    comparison = compare(parameters, range(args.seeds))
    elapsed = time.perf_counter() - started

    out = sys.stdout
    out.write(
        f"{args.days} days x {args.seeds} seeds, {os.cpu_count()} cores, "
        f"load {os.getloadavg()[0]:.1f}: {elapsed:.0f} s "
        f"({', '.join(f'{k} {v:.0f} s' for k, v in comparison.seconds.items())})\n\n"
    )
    out.write(table(comparison) + "\n\n")
    out.write("corridor minus each baseline, paired by seed (mean [95% interval]):\n\n")
    out.write("| metric | vs first-come-first-served | vs strict-urgency |\n|---|---|---|\n")
    paired: dict[str, dict[str, Any]] = {}
    for metric, label in PAIRED:
        cells = []
        for baseline in ("first-come-first-served", "strict-urgency"):
            d = comparison.difference(metric, "corridor", baseline)
            paired.setdefault(metric, {})[baseline] = dataclasses.asdict(d)
            fmt = "{:+.1%}" if metric == "seat_fill" else "{:+.1f}"
            cells.append(f"{fmt.format(d.mean)} [{fmt.format(d.low)}, {fmt.format(d.high)}]")
        out.write(f"| {label} | {cells[0]} | {cells[1]} |\n")

    summary = comparison.summary()
    fill = summary["corridor"]["seat_fill"]
    fewer_deaths = all(d["high"] < 0 for d in paired["deaths_while_waiting"].values())
    out.write(
        f"\ntargets: corridor fills {fill.mean:.1%} of offered seats "
        f"(target >= 98%: {'met' if fill.mean >= 0.98 else 'NOT met'}); "
        f"fewer deaths than both baselines: {fewer_deaths}"
        " (95% interval of the paired difference below zero)\n"
    )
    RESULTS.mkdir(exist_ok=True)
    report = {
        "measured": datetime.datetime.now().isoformat(timespec="seconds"),
        "days": args.days,
        "seeds": args.seeds,
        "overrides": overrides,
        "seconds": elapsed,
        "summary": {
            policy: {
                name: {
                    k: (None if isinstance(v, float) and math.isnan(v) else v)
                    for k, v in dataclasses.asdict(s).items()
                }
                for name, s in metrics.items()
            }
            for policy, metrics in summary.items()
        },  # fmt: skip
        "paired": paired,
    }
    name = f"simulation-{args.days}x{args.seeds}"
    if overrides:
        name += "-" + "-".join(f"{key}={value}" for key, value in sorted(overrides.items()))
    (RESULTS / f"{name}.json").write_text(json.dumps(report, indent=1) + "\n", "utf-8")
    (RESULTS / f"{name}.md").write_text(table(comparison) + "\n", "utf-8")
    out.write(f"\nwritten: {RESULTS / name}.json and .md\n")


if __name__ == "__main__":
    main()
