"""Time `corridor import returns` of 80,000 embassy rows (CSV and XLSX) and print a table.

Uses a temporary data directory (SQLite) unless CORRIDOR_DATABASE_URL is set, in which case
that database is flushed first. Usage: bench/import_returns.py [ROWS]
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

HEADERS = ["الاسم الرباعي", "تاريخ الميلاد", "رقم الجواز", "رقم الهوية", "رقم الجوال"]
HEADERS += ["تاريخ المغادرة", "مكان التواجد", "المحافظة"]
GIVEN = "محمد أحمد محمود علي حسن خالد يوسف إبراهيم عمر سامي فاطمة مريم آمنة سارة ليلى هدى".split()
FAMILY = "النجار الشوا الفرا حلس السقا الكرد عياد شراب البطش الغول قديح عاشور المدهون صيام".split()


def _check_digit(digits: str) -> str:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char) * (2 if index % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return str((10 - total % 10) % 10)


def generate(rows: int, seed: int = 7) -> list[list[object]]:
    rng = random.Random(seed)
    result: list[list[object]] = []
    for number in range(rows):
        stem = f"4{number:07d}"
        born = datetime.date(1940, 1, 1) + datetime.timedelta(days=rng.randrange(80 * 365))
        left = datetime.date(2023, 6, 1) + datetime.timedelta(days=rng.randrange(500))
        name = " ".join(
            [rng.choice(GIVEN), rng.choice(GIVEN), rng.choice(GIVEN), rng.choice(FAMILY)]
        )
        result.append(
            [
                name,
                born.strftime("%d/%m/%Y"),
                f"P{number:07d}",
                stem + _check_digit(stem),
                f"059{rng.randrange(10**7):07d}",
                left.strftime("%d/%m/%Y"),
                rng.choice(["القاهرة", "العريش", "الإسكندرية"]),
                "خان يونس",
            ]
        )
    return result


def write_files(directory: Path, rows: list[list[object]]) -> dict[str, Path]:
    import openpyxl

    csv_path = directory / "returns.csv"
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADERS)
    writer.writerows(rows)
    csv_path.write_text(buffer.getvalue(), encoding="utf-8-sig")
    xlsx_path = directory / "returns.xlsx"
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    book.save(xlsx_path)
    return {"csv": csv_path, "xlsx": xlsx_path}


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 80_000
    if not os.environ.get("CORRIDOR_DATABASE_URL"):
        os.environ["CORRIDOR_DATA_DIR"] = tempfile.mkdtemp(prefix="corridor-bench-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "corridor.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from corridor.accounts.models import Party, PartyKind
    from corridor.people.models import Governorate
    from corridor.returns.models import EligibilityRule

    call_command("migrate", verbosity=0)
    files = write_files(Path(tempfile.mkdtemp(prefix="corridor-bench-files-")), generate(count))
    results: list[tuple[str, str]] = [
        ("database", connection.vendor),
        ("cpu cores", str(os.cpu_count())),
        ("rows", f"{count:,}"),
    ]
    for kind, path in files.items():
        call_command("flush", interactive=False, verbosity=0)
        Party.objects.create(
            code="embassy", name_ar="السفارة", name_en="Embassy", kind=PartyKind.EMBASSY
        )
        Governorate.objects.create(
            code="khan-younis", name_ar="خان يونس", name_en="Khan Younis", territory="gaza-strip"
        )
        EligibilityRule.objects.create(
            code="after-7-oct",
            name_ar="غادروا بعد 7 أكتوبر 2023",
            name_en="Left after 7 October 2023",
            residence_territory="gaza-strip",
            left_on_or_after=datetime.date(2023, 10, 7),
        )
        for run in ("first import", "re-import"):
            started = time.perf_counter()
            out = io.StringIO()
            call_command("import", "returns", str(path), "--json", stdout=out)
            elapsed = time.perf_counter() - started
            counts = json.loads(out.getvalue())["counts"]
            summary = ", ".join(
                f"{counts[name]} {name}" for name in ("created", "linked", "unchanged", "rejected")
            )
            results.append((f"{kind} {run} (s)", f"{elapsed:.1f}  ({summary})"))
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    results.append(("peak memory (MB)", f"{peak_mb:.0f}"))
    width = max(len(name) for name, _value in results)
    for name, value in results:
        sys.stdout.write(f"{name.ljust(width)}  {value}\n")


if __name__ == "__main__":
    main()
