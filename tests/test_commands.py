"""Commands run as a user would run them: a bad argument is one line and a non-zero exit."""

import os
import subprocess
import sys

import pytest


def run_corridor(*args: str, tmp_path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CORRIDOR_DATA_DIR": str(tmp_path)}
    env.pop("CORRIDOR_DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "corridor", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["status", "--bogus"], "unrecognized arguments: --bogus"),
        (["status", "--today", "Wednesday"], "--today must be a date as YYYY-MM-DD"),
        (["audit", "frobnicate"], "invalid choice: 'frobnicate'"),
        (["load_scenario", "nowhere"], "unknown scenario 'nowhere'"),
        (["load_scenario", "rafah-2026-02", "--cases", "3"], "at least 200"),
    ],
)
def test_bad_arguments_print_one_line_and_exit_non_zero(args, expected, tmp_path):
    result = run_corridor(*args, tmp_path=tmp_path)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert expected in lines[0]
    assert "Traceback" not in result.stderr


def test_help_describes_the_status_command(tmp_path):
    result = run_corridor("status", "--help", tmp_path=tmp_path)
    assert result.returncode == 0
    assert "--json" in result.stdout


def test_help_describes_the_demo_without_two_factor(tmp_path):
    result = run_corridor("demo", "--help", tmp_path=tmp_path)
    assert result.returncode == 0
    assert "--no-mfa" in result.stdout
