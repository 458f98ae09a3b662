"""`corridor plan`: who goes next, packed into each day's quota, from the database or a file."""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError, CommandParser
from django.utils import timezone

from corridor import planning
from corridor.accounts import policy
from corridor.commands import CorridorCommand


def _date(value: str, option: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{option} must be a date as YYYY-MM-DD, not {value!r}") from None


class Command(CorridorCommand):
    help = (
        "Plan the next crossing days: each day's list in seat order with destinations, a standby "
        "list, and why each waiting case is or is not planned. Either from the database "
        "(--crossing, --from, --days) or from a problem file (--problem, no database)."
    )
    policy_action = policy.OPERATOR_COMMAND

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--problem", type=Path, help="a planning problem as JSON")
        parser.add_argument("--crossing", help="crossing code, e.g. rafah")
        parser.add_argument("--from", dest="first_day", help="first day, YYYY-MM-DD")
        parser.add_argument("--days", type=int, default=settings.CORRIDOR_PLAN_DAYS)
        parser.add_argument(
            "--as-of", help="plan as of this local time, YYYY-MM-DDTHH:MM (default: now)"
        )
        parser.add_argument("--time-limit", type=float, default=1.0, help="solver seconds")
        parser.add_argument("--json", action="store_true", help="print the plan as JSON")
        parser.add_argument(
            "--check-weights",
            action="store_true",
            help="report each weight that changes no ranking on this waiting list",
        )
        parser.add_argument(
            "--save", action="store_true", help="keep the plan as a proposal to accept"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        solver = planning.Options(time_limit=options["time_limit"])
        if options["problem"] is not None:
            if options["crossing"] or options["save"]:
                raise CommandError(
                    "--problem plans a file; do not combine it with --crossing or --save"
                )
            try:
                problem = planning.load_problem(options["problem"])
            except FileNotFoundError:
                raise CommandError(f"no such problem file: {options['problem']}") from None
            except planning.ProblemError as exc:
                raise CommandError(f"{options['problem']}: {exc}") from None
            self._finish(problem, solver, options)
            return
        if not options["crossing"] or not options["first_day"]:
            raise CommandError("give --problem FILE, or --crossing CODE and --from DATE")
        if not 1 <= options["days"] <= 60:
            raise CommandError("--days must be between 1 and 60")
        from corridor.crossings.models import Crossing
        from corridor.plans.adapter import build_problem
        from corridor.plans.services import propose_plan

        crossing = Crossing.objects.filter(code=options["crossing"]).first()
        if crossing is None:
            known = ", ".join(Crossing.objects.values_list("code", flat=True)) or "none"
            raise CommandError(f"unknown crossing {options['crossing']!r}; known: {known}")
        first_day = _date(options["first_day"], "--from")
        at = None
        if options["as_of"]:
            try:
                at = timezone.make_aware(datetime.datetime.fromisoformat(options["as_of"]))
            except ValueError:
                raise CommandError(
                    f"--as-of must be YYYY-MM-DDTHH:MM, not {options['as_of']!r}"
                ) from None
        if options["save"]:
            proposal = propose_plan(
                crossing, first_day, options["days"], actor=None, at=at, options=solver
            )
            self.stdout.write(f"saved plan proposal {proposal.pk}")
            self._print(planning.Plan.from_dict(proposal.plan), options["json"])
            return
        problem = build_problem(crossing, first_day, options["days"], at=at)
        self._finish(problem, solver, options)

    def _finish(
        self, problem: planning.Problem, solver: planning.Options, options: dict[str, Any]
    ) -> None:
        if options["check_weights"]:
            for finding in planning.check_weights(problem):
                self.stdout.write(f"{finding.name:24} {finding.status:10} {finding.message}")
            return
        self._print(planning.plan(problem, solver), options["json"])

    def _print(self, plan: planning.Plan, as_json: bool) -> None:
        if as_json:
            self.stdout.write(json.dumps(plan.to_dict(), ensure_ascii=False, indent=1))
            return
        write = self.stdout.write
        write(
            f"Plan for {plan.crossing} as of {plan.planned_at:%Y-%m-%d %H:%M}, "
            f"rules {plan.rules_version}, {plan.stats.solver} in {plan.stats.seconds:.2f} s"
        )
        write("date        open  listable  seats/quota  stretchers  cases  standby")
        for day in plan.days:
            is_open = "yes" if day.open else "no"
            listable = "yes" if day.listable else "no"
            write(
                f"{day.date}  {is_open:3}   {listable:3}       {day.seats_used:>3}/{day.quota:<3}"
                f"     {day.stretchers_used:>2}/{day.stretcher_places:<2}"
                f"       {len(day.case_ids()):>4}  {len(day.standby):>6}"
            )
        counts: dict[str, int] = {}
        for explanation in plan.explanations:
            counts[explanation.status] = counts.get(explanation.status, 0) + 1
        write("candidates: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
