"""`corridor status [--json]`: the situation at a glance, read from the database."""

import datetime
import json
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils import translation

from corridor.accounts import policy
from corridor.commands import CorridorCommand
from corridor.scenarios.status import situation


def _table(headers: list[str], rows: list[list[Any]]) -> list[str]:
    cells = [[str(c) for c in row] for row in rows]
    widths = [
        max(len(h), *(len(r[i]) for r in cells)) if cells else len(h) for i, h in enumerate(headers)
    ]
    line = "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))
    out = [line, "  ".join("-" * w for w in widths)]
    out += ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in cells]
    return out


def _since_confirmation(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The last confirmation and what followed it, or the last event when none followed."""
    confirmed = [i for i, e in enumerate(events) if e["kind"] == "confirmed"]
    if confirmed and confirmed[-1] < len(events) - 1:
        return events[confirmed[-1] + 1 :]
    return events[-1:]


def _describe(event: dict[str, Any]) -> str:
    text = f"{event['kind']} by {event['party']}"
    if event["relayed_by"]:
        text += f" via {event['relayed_by']}"
    if event["relayed_to"]:
        text += f" to {event['relayed_to']}"
    if event["new_date"]:
        text += f" to {event['new_date']}"
    if event["reason_text"]:
        text += f": {event['reason_text']}"
    return text


class Command(CorridorCommand):
    policy_action = policy.SITUATION_VIEW
    help = (
        "Show the situation: crossing days with quota and movements, batches and their last "
        "coordination event, waiting cases by urgency, return registrations by status."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="print JSON instead of tables")
        parser.add_argument(
            "--language", default="en", choices=["en", "ar"], help="language of the labels"
        )
        parser.add_argument(
            "--today", help="the date to treat as today, YYYY-MM-DD (default: the real date)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today = None
        if options["today"]:
            try:
                today = datetime.date.fromisoformat(options["today"])
            except ValueError:
                raise CommandError(
                    f"--today must be a date as YYYY-MM-DD, not {options['today']!r}"
                ) from None
        with translation.override(options["language"]):
            data = situation(today)
        if options["json"]:
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        write = self.stdout.write
        write("Crossing days")
        write(
            "\n".join(
                _table(
                    [
                        "crossing",
                        "date",
                        "status",
                        "quota out",
                        "departed",
                        "quota in",
                        "arrived",
                        "turned back",
                    ],
                    [
                        [
                            d["crossing"],
                            d["date"],
                            d["status"],
                            d["quota_out"],
                            d["crossed_out"],
                            d["quota_in"],
                            d["crossed_in"],
                            d["turned_back_out"] + d["turned_back_in"],
                        ]
                        for d in data["crossing_days"]
                    ],
                )
            )
        )
        totals = data["totals"]
        write(f"In all: {totals['crossed_out']} departed, {totals['crossed_in']} arrived\n")
        write("Batches")
        rows = []
        for b in data["batches"]:
            rows.append(
                [
                    b["number"],
                    b["kind"],
                    b["direction"],
                    b["planned_date"],
                    b["status"],
                    b["members"],
                    "; ".join(_describe(e) for e in _since_confirmation(b["coordination_events"])),
                ]
            )
        write(
            "\n".join(
                _table(
                    ["#", "kind", "dir", "date", "status", "people", "coordination"],
                    rows,
                )
            )
        )
        write("")
        write("Waiting cases by urgency")
        write(
            "\n".join(
                _table(
                    ["urgency", "cases"],
                    [[r["urgency"], r["count"]] for r in data["waiting_by_urgency"]]
                    + [["total", data["waiting_total"]]],
                )
            )
        )
        write("")
        write("Return registrations")
        eligibility = data["returns_eligibility"]
        write(
            "\n".join(
                _table(
                    ["status", "registrations"],
                    [[r["status"], r["count"]] for r in data["returns_by_status"]],
                )
            )
        )
        write(
            f"Eligibility decided for {eligibility['decided']}: "
            f"{eligibility['eligible']} eligible, {eligibility['ineligible']} not eligible, "
            f"{eligibility['undecided']} undecided"
        )
