"""Time pages on the demo data, server side: p50 / p95 of each, with its number of queries.

    .venv/bin/python bench/pages.py                 # a fresh SQLite database (loads ~40-60 s)
    .venv/bin/python bench/pages.py --requests 100  # more requests per page
    CORRIDOR_DATA_DIR=var .venv/bin/python bench/pages.py            # an existing SQLite demo
    CORRIDOR_DATABASE_URL=postgres://... .venv/bin/python bench/pages.py

A temporary data directory (SQLite) is used unless CORRIDOR_DATA_DIR or CORRIDOR_DATABASE_URL is
set; the rafah-2026-02 scenario is loaded when the database does not hold it yet. Requests go
through Django's test client (every middleware, the template rendered), signed in as a
coordinator with two-factor authentication set up, on the demo clock (5 February 2026). The
target is a p95 under 150 ms. Writes bench/results/pages-<database>.json.

To time another page, add it to `PAGES`: a name and a function giving its address.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).parent / "results"
TARGET_P95_MS = 150.0
DEMO_DATE = "2026-02-05"
BENCH_USER = "bench-coordinator"


def _first_waiting_case_reference() -> str:
    from corridor.cases.models import Case

    case = Case.objects.waiting().order_by("pk").first()
    assert case is not None
    return case.reference


def _a_patients_name_with_a_slip() -> str:
    """The given and family names of a waiting patient, one letter of the given name changed."""
    from corridor.cases.models import Case

    case = Case.objects.waiting().select_related("patient").order_by("pk")[100]
    given, family = case.patient.given_name_ar, case.patient.family_name_ar
    slipped = given[:-1] + ("ب" if given[-1] != "ب" else "ت")
    return f"{slipped} {family}"


def _a_national_id() -> str:
    from corridor.cases.models import Case

    case = Case.objects.waiting().select_related("patient").order_by("pk")[200]
    return case.patient.national_id


def _a_patient_of_batch_3() -> str:
    """A patient of batch 3, postponed: clearances, coordination events and messages to show."""
    from corridor.crossings.models import BatchMember

    member = (
        BatchMember.objects.filter(batch__number=3, batch__kind="evacuation", role="patient")
        .select_related("case")
        .order_by("seat")
        .first()
    )
    assert member is not None and member.case is not None
    return f"/cases/{member.case.reference}/"


def _the_waiting_case_explained_last() -> str:
    """The waiting case whose explanation comes last in the plan, the one slowest to find.

    Proposes a plan as of the demo clock first when there is none yet (the scenario's own
    re-plans are dated when it was loaded, after the demo's day).
    """
    from corridor import clock
    from corridor.accounts.models import User
    from corridor.cases.models import Case
    from corridor.crossings.models import Crossing
    from corridor.plans.services import propose_plan
    from corridor.plans.standing import latest_proposal

    if latest_proposal() is None:
        now = clock.now()
        propose_plan(
            Crossing.objects.get(code="rafah"),
            now.date() + datetime.timedelta(days=1),
            actor=User.objects.get(username=BENCH_USER),
            at=now,
        )
    case = Case.objects.waiting().order_by("-reference").first()
    assert case is not None
    return f"/cases/{case.reference}/"


def _a_case_closed_by_death() -> str:
    from corridor.cases.models import Case

    case = Case.objects.filter(status="died").order_by("pk").first()
    assert case is not None
    return f"/cases/{case.reference}/"


# name -> a function giving the address to time (called once, after the data is loaded)
PAGES: dict[str, Callable[[], str]] = {
    "waiting list, first page": lambda: "/cases/",
    "waiting list, page 100 by waiting time": lambda: "/cases/?sort=longest&page=100",
    "waiting list, filtered (critical children, no destination)": lambda: (
        "/cases/?urgency=critical&age=child&destination=no"
    ),
    "waiting list, filtered (urgent, 300+ days, cancer)": lambda: (
        "/cases/?urgency=urgent&waited_min=300&category=cancer"
    ),
    "waiting list, search a common given name": lambda: "/cases/?q=محمد",
    "waiting list, search given and family name, one letter wrong": lambda: (
        "/cases/?q=" + _a_patients_name_with_a_slip()
    ),
    "waiting list, search a Latin family name": lambda: "/cases/?q=Al-Agha",
    "waiting list, search an ID number": lambda: "/cases/?q=" + _a_national_id(),
    "waiting list, search a case reference": lambda: "/cases/?q=" + _first_waiting_case_reference(),
    "case page, a patient of batch 3": _a_patient_of_batch_3,
    "case page, the waiting case explained last in the plan": _the_waiting_case_explained_last,
    "case page, a case closed by death": _a_case_closed_by_death,
}


def _setup() -> str:
    """Configure Django on the chosen database; load the scenario if needed. Returns the vendor."""
    if not os.environ.get("CORRIDOR_DATABASE_URL") and not os.environ.get("CORRIDOR_DATA_DIR"):
        os.environ["CORRIDOR_DATA_DIR"] = tempfile.mkdtemp(prefix="corridor-bench-")
    os.environ.setdefault("CORRIDOR_DEMO_DATE", DEMO_DATE)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "corridor.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from corridor.crossings.models import Crossing
    from corridor.scenarios import rafah_2026_02

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    call_command("migrate", verbosity=0)
    if not Crossing.objects.filter(code="rafah").exists():
        sys.stdout.write("loading the rafah-2026-02 scenario...\n")
        rafah_2026_02.load()
    return str(connection.vendor)


def _coordinator() -> Any:
    from corridor.accounts.mfa import has_totp
    from corridor.accounts.models import Party, Role, User
    from corridor.accounts.services import activate_totp, grant_role

    user, _ = User.objects.get_or_create(
        username=BENCH_USER, defaults={"party": Party.objects.get(code="who")}
    )
    grant_role(user, Role.COORDINATOR)
    if not has_totp(user):
        activate_totp(user)
    return user


def _percentile(values: list[float], percent: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[percent - 1]


def measure(client: Any, url: str, requests: int) -> dict[str, Any]:
    """Time `requests` GETs of `url` after three warm-up ones; count the queries of one more."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(3):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return {
        "url": url,
        "requests": requests,
        "queries": len(queries.captured_queries),
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(_percentile(times, 95), 1),
        "max_ms": round(max(times), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=50, help="timed requests per page")
    args = parser.parse_args()
    vendor = _setup()
    from django.test import Client

    from corridor.cases.models import Case
    from corridor.people.models import Person

    client = Client(HTTP_ACCEPT_LANGUAGE="ar")
    client.force_login(_coordinator())
    results = {name: measure(client, address(), args.requests) for name, address in PAGES.items()}
    report = {
        "measured": datetime.datetime.now().isoformat(timespec="seconds"),
        "database": vendor,
        "cpu_count": os.cpu_count(),
        "load_average": list(os.getloadavg()),
        "python": platform.python_version(),
        "cases": Case.objects.count(),
        "people": Person.objects.count(),
        "target_p95_ms": TARGET_P95_MS,
        "pages": results,
    }
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"pages-{vendor}.json"
    path.write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n", "utf-8")

    out = sys.stdout
    width = max(len(name) for name in results)
    out.write(f"{vendor}, {report['cases']} cases, {report['people']} people, ")
    out.write(f"load average {report['load_average'][0]:.1f} on {report['cpu_count']} cores\n")
    out.write(f"{'page'.ljust(width)}  queries  p50 ms  p95 ms  max ms\n")
    for name, row in results.items():
        flag = "" if row["p95_ms"] < TARGET_P95_MS else "  over target"
        out.write(
            f"{name.ljust(width)}  {row['queries']:7d}  {row['p50_ms']:6.1f}  {row['p95_ms']:6.1f}"
            f"  {row['max_ms']:6.1f}{flag}\n"
        )
    out.write(f"\nwritten: {path}\n")


if __name__ == "__main__":
    main()
