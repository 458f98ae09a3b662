"""Time `corridor plan` on the loaded rafah-2026-02 scenario: building the problem from the
database, planning 7 days, and re-planning after batch 3 is cancelled. Prints a table.

Uses a temporary SQLite data directory (the scenario is loaded first, ~40 s) unless
CORRIDOR_DATABASE_URL is set, in which case that database must already hold the scenario.
"""

from __future__ import annotations

import datetime
import os
import statistics
import sys
import tempfile
import time


def main() -> None:
    fresh = not os.environ.get("CORRIDOR_DATABASE_URL")
    if fresh:
        os.environ["CORRIDOR_DATA_DIR"] = tempfile.mkdtemp(prefix="corridor-bench-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "corridor.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from corridor import planning
    from corridor.crossings.models import Crossing
    from corridor.plans.adapter import build_problem
    from corridor.scenarios import rafah_2026_02

    if fresh:
        call_command("migrate", verbosity=0)
        rafah_2026_02.load()
    crossing = Crossing.objects.get(code="rafah")
    first_day = datetime.date(2026, 2, 5)
    at = timezone.make_aware(datetime.datetime(2026, 2, 4, 13, 0))
    build, solve, again = [], [], []
    problem = result = None
    for _ in range(5):
        started = time.perf_counter()
        problem = build_problem(crossing, first_day, 7, at=at)
        build.append(time.perf_counter() - started)
        started = time.perf_counter()
        result = planning.plan(problem)
        solve.append(time.perf_counter() - started)
        started = time.perf_counter()
        planning.replan(
            problem, result, planning.BatchCancelled(date=first_day + datetime.timedelta(days=1))
        )
        again.append(time.perf_counter() - started)
    assert problem is not None and result is not None
    rows = [
        ("database", connection.vendor),
        ("candidates", str(len(problem.candidates))),
        ("people planned", str(sum(d.seats_used for d in result.days))),
        ("build problem, median s", f"{statistics.median(build):.2f}"),
        ("plan 7 days, median s", f"{statistics.median(solve):.2f}"),
        ("re-plan after a cancelled day, median s", f"{statistics.median(again):.2f}"),
    ]
    width = max(len(k) for k, _ in rows)
    for key, value in rows:
        sys.stdout.write(f"{key.ljust(width)}  {value}\n")


if __name__ == "__main__":
    main()
