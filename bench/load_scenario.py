"""Time `corridor load_scenario rafah-2026-02` on a fresh database and print a table.

Uses a temporary data directory (SQLite) unless CORRIDOR_DATABASE_URL is set, in which case
that database is flushed first.
"""

from __future__ import annotations

import os
import resource
import sys
import tempfile
import time


def main() -> None:
    if not os.environ.get("CORRIDOR_DATABASE_URL"):
        os.environ["CORRIDOR_DATA_DIR"] = tempfile.mkdtemp(prefix="corridor-bench-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "corridor.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from corridor.scenarios import rafah_2026_02

    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    started = time.perf_counter()
    loaded = rafah_2026_02.load()
    elapsed = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rows = [
        ("database", connection.vendor),
        ("cpu cores", str(os.cpu_count())),
        ("seconds to load", f"{elapsed:.1f}"),
        ("peak memory (MB)", f"{peak_mb:.0f}"),
        *((name.replace("_", " "), str(count)) for name, count in loaded.counts.items()),
    ]
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        sys.stdout.write(f"{name.ljust(width)}  {value}\n")


if __name__ == "__main__":
    main()
