"""The pure core imports nothing from Django."""

from __future__ import annotations

import subprocess
import sys


def test_planning_and_simulation_import_without_django() -> None:
    code = (
        "import sys, corridor.planning, corridor.simulation; "
        "assert 'django' not in sys.modules, sorted(m for m in sys.modules if 'django' in m)"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
