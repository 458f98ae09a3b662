"""`corridor export`: files for the outside world; aggregates only, audited as shared."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from corridor.accounts import policy
from corridor.commands import CorridorCommand
from corridor.exports import record_share
from corridor.interop.hxl import hxl_csv, hxl_rows


class Command(CorridorCommand):
    help = gettext_noop(
        "Export aggregates for public reporting: 'hxl' writes departures, arrivals, people "
        "waiting and deaths while waiting as an HXL CSV, small cells suppressed."
    )
    policy_action = policy.AGGREGATES_EXPORT

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("what", choices=["hxl"], help="what to export")
        parser.add_argument("--output", type=Path, help="write to this file (default: stdout)")
        parser.add_argument("--org", default="", help="the reporting organisation's name")

    def handle(self, *args: Any, **options: Any) -> None:
        rows = hxl_rows(
            settings.CORRIDOR_SMALL_CELL, org=options["org"], today=timezone.localdate()
        )
        text = hxl_csv(rows)
        output: Path | None = options["output"]
        if output is None:
            self.stdout.write(text, ending="")
        else:
            try:
                output.write_text(text, encoding="utf-8")
            except OSError as exc:
                raise CommandError(
                    _("Cannot write %(path)s: %(error)s") % {"path": output, "error": exc.strerror}
                ) from exc
        record_share(
            actor=None,
            what="aggregates:hxl",
            subject=None,
            recipient="public",
            purpose="public reporting of aggregates (HXL)",
            legal_basis="public interest",
            people=0,
            fmt="hxl",
        )
