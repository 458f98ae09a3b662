"""`corridor clearance_results`: read back the authority's answers for a batch, matched by ID."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from corridor.accounts import policy
from corridor.accounts.models import Party
from corridor.commands import CorridorCommand
from corridor.crossings.models import Batch
from corridor.interop.clearance_results import (
    ClearanceResultsReport,
    apply_clearance_results,
    read_result_lines,
)


class Command(CorridorCommand):
    help = gettext_noop(
        "Read a batch's returned clearance list (XLSX or CSV: an ID number column and a result "
        "column, cleared / refused / no answer in Arabic or English), record each matched "
        "person's answer and list every mismatch. All or nothing; --dry-run writes nothing."
    )
    policy_action = policy.OPERATOR_COMMAND

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("batch_id", type=int, help="the batch's ID")
        parser.add_argument("file", type=Path, help="the returned list, XLSX or CSV")
        parser.add_argument("--party", required=True, help="code of the party that answered")
        parser.add_argument("--dry-run", action="store_true", help="report, write nothing")
        parser.add_argument("--json", action="store_true", help="print the report as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        batch = Batch.objects.filter(pk=options["batch_id"]).first()
        if batch is None:
            raise CommandError(_("No batch with ID %(id)s.") % {"id": options["batch_id"]})
        party = Party.objects.filter(code=options["party"]).first()
        if party is None:
            raise CommandError(_("No party with code %(code)r.") % {"code": options["party"]})
        path: Path = options["file"]
        try:
            with path.open("rb") as stream:
                lines = read_result_lines(stream, path.stat().st_size)
        except OSError as exc:
            raise CommandError(
                _("Cannot read %(path)s: %(error)s") % {"path": path, "error": exc.strerror}
            ) from exc
        report = apply_clearance_results(
            batch, lines, party=party, actor=None, dry_run=options["dry_run"], source=path.name
        )
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False, indent=1))
        else:
            self._print(report)

    def _print(self, report: ClearanceResultsReport) -> None:
        if report.dry_run:
            self.stdout.write(_("Dry run: nothing was written."))
        for entry in report.recorded:
            self.stdout.write(_("recorded  seat %(seat)s  %(national_id)s  %(result)s") % entry)
        sections = [
            (_("Not on the batch"), report.not_on_batch),
            (_("Unreadable"), report.unreadable),
            (_("Missing from the file"), report.missing_from_file),
            (_("Left the batch"), report.left_batch),
        ]
        for title, mismatches in sections:
            for mismatch in mismatches:
                where = (
                    _("row %(row)s") % {"row": mismatch.row}
                    if mismatch.row is not None
                    else _("seat %(seat)s") % {"seat": mismatch.seat}
                )
                self.stdout.write(f"{title}: {where}  {mismatch.national_id}  {mismatch.reason}")
        counts = report.counts()
        self.stdout.write(
            _(
                "Recorded %(recorded)s, unchanged %(unchanged)s, not on the batch "
                "%(not_on_batch)s, unreadable %(unreadable)s, missing from the file "
                "%(missing_from_file)s, left the batch %(left_batch)s."
            )
            % counts
        )
