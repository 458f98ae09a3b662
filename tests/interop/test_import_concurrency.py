"""Two imports writing at the same moment, each through its own database connection.

Only PostgreSQL can show this: SQLite takes the write lock at BEGIN, so its writers never overlap.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.utils import translation

from corridor.accounts.models import Facility
from corridor.cases.models import Case, UrgencyTier
from corridor.interop.readers import read_table
from corridor.interop.services import ImportReport, import_table
from corridor.people.models import Person
from tests.factories import FacilityFactory, UrgencyTierFactory
from tests.interop.test_import import CASE_HEADERS, valid_id, write_csv

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgresql_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            f"concurrency needs PostgreSQL's locks; this run uses {connection.vendor} "
            "(set CORRIDOR_DATABASE_URL to a PostgreSQL database)"
        )


@pytest.fixture
def hospital(db: None) -> Facility:
    return FacilityFactory(code="al-amal", name_ar="مستشفى الأمل", name_en="Al-Amal Hospital")


@pytest.fixture
def tier(db: None) -> UrgencyTier:
    return UrgencyTierFactory(code="urgent", name_ar="عاجل", name_en="Urgent", rank=2)


def _race(*calls: Callable[[], Any]) -> list[Any]:
    """Run `calls` at once, one thread and one connection each; return results or exceptions."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int, call: Callable[[], Any]) -> None:
        try:
            with translation.override("en"):
                barrier.wait(timeout=10)
                results[index] = call()
        except Exception as exc:  # the test inspects what each call raised
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a racing import never finished"
    return results


def _case_file(path: Path, first_eights: list[str]) -> Callable[[], ImportReport]:
    names = [
        "ليلى سمير حسن قديح",
        "أحمد محمود خليل عياد",
        "سعيد علي حسن الغول",
        "منى خالد يوسف شاهين",
    ]
    rows = [
        [names[i % len(names)], f"02/03/19{60 + i}", "F", valid_id(first_eight), "al-amal"]
        + ["21/01/2026", "cancer", "", "urgent", ""]
        for i, first_eight in enumerate(first_eights)
    ]
    table = read_table(write_csv(path, CASE_HEADERS, rows))
    return lambda: import_table("cases", table, file_name=path.name)


def test_two_imports_at_once_number_their_cases_without_colliding(
    tmp_path: Path, hospital: Facility, tier: UrgencyTier
) -> None:
    first = _case_file(tmp_path / "a.csv", [f"4012{n:04d}" for n in range(20)])
    second = _case_file(tmp_path / "b.csv", [f"8023{n:04d}" for n in range(20)])

    results = _race(first, second)

    assert all(isinstance(r, ImportReport) and r.written for r in results), results
    references = list(Case.objects.values_list("reference", flat=True))
    assert len(references) == len(set(references)) == 40
    assert sorted(references) == [f"EV-2026-{n:06d}" for n in range(1, 41)]


def test_the_same_file_imported_twice_at_once_is_written_once(
    tmp_path: Path, hospital: Facility, tier: UrgencyTier
) -> None:
    same = _case_file(tmp_path / "a.csv", [f"4012{n:04d}" for n in range(10)])

    results = _race(same, same)

    assert all(isinstance(r, ImportReport) and r.written for r in results), results
    assert sorted(r.counts()["unchanged"] for r in results) == [0, 10]
    assert Person.objects.count() == 10 and Case.objects.count() == 10
