"""`corridor load_scenario rafah-2026-02`: load a demo scenario into an empty database."""

import time
from typing import Any

from django.core.management.base import CommandError, CommandParser

from corridor.accounts import policy
from corridor.commands import CorridorCommand
from corridor.scenarios import rafah_2026_02

SCENARIOS = {rafah_2026_02.NAME: rafah_2026_02}


class Command(CorridorCommand):
    policy_action = policy.OPERATOR_COMMAND
    help = "Load a demo scenario (deterministic for a given seed) into an empty database."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("scenario", help=f"one of: {', '.join(SCENARIOS)}")
        parser.add_argument("--seed", type=int, default=20260204, help="random seed")
        parser.add_argument(
            "--cases", type=int, default=rafah_2026_02.WAITING_CASES, help="waiting cases"
        )
        parser.add_argument(
            "--returns",
            type=int,
            default=rafah_2026_02.RETURN_REGISTRATIONS,
            help="return registrations",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        module = SCENARIOS.get(options["scenario"])
        if module is None:
            raise CommandError(
                f"unknown scenario {options['scenario']!r}; known: {', '.join(SCENARIOS)}"
            )
        if options["cases"] < 200 or options["returns"] < 200:
            raise CommandError("--cases and --returns must each be at least 200")
        started = time.perf_counter()
        try:
            loaded = module.load(
                options["seed"],
                waiting_cases=options["cases"],
                return_registrations=options["returns"],
                progress=lambda step: self.stdout.write(f"  loading {step}"),
            )
        except module.ScenarioAlreadyLoaded as exc:
            raise CommandError(str(exc)) from exc
        elapsed = time.perf_counter() - started
        counts = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in loaded.counts.items())
        self.stdout.write(f"loaded {options['scenario']} in {elapsed:.1f} s: {counts}")
