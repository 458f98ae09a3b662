"""`corridor import cases|returns FILE`: bring a spreadsheet of patients or returnees in."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from corridor.accounts import policy
from corridor.accounts.models import Party, PartyKind
from corridor.commands import CorridorCommand
from corridor.exceptions import DomainError
from corridor.interop.readers import read_table
from corridor.interop.report import table_lines, write_rejected
from corridor.interop.services import import_table
from corridor.people.identity import DEFAULT_PHONE_REGION


def _party(code: str | None) -> Party:
    if code:
        party = Party.objects.filter(code=code).first()
        if party is None:
            raise DomainError(_("No party with code %(code)r.") % {"code": code})
        return party
    embassies = list(Party.objects.filter(kind=PartyKind.EMBASSY)[:2])
    if len(embassies) != 1:
        raise DomainError(_("Say which party registered the returnees with --party CODE."))
    return embassies[0]


class Command(CorridorCommand):
    policy_action = policy.OPERATOR_COMMAND
    help = gettext_noop(
        "Import a list of patients (cases) or returnees from an XLSX, ODS or CSV file: headers in "
        "Arabic or English, values normalised and checked per row, duplicates linked and listed. "
        "A real run writes every row or none (unless --keep-valid)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=["cases", "returns"], help=_("what the list holds"))
        parser.add_argument("file", type=Path, help=_("the XLSX, ODS or CSV file"))
        parser.add_argument(
            "--dry-run", action="store_true", help=_("check and report; write nothing")
        )
        parser.add_argument(
            "--keep-valid",
            action="store_true",
            help=_("write the valid rows even if some are rejected"),
        )
        parser.add_argument(
            "--rejected",
            type=Path,
            help=_("where to write rejected rows with a reason column (CSV)"),
        )
        parser.add_argument(
            "--source", default="", help=_("who sent the file; its column mapping is saved")
        )
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="HEADER=FIELD",
            help=_("map a header to a field (saved with --source)"),
        )
        parser.add_argument(
            "--party", help=_("code of the party that registered the returnees (returns)")
        )
        parser.add_argument(
            "--phone-region",
            default=DEFAULT_PHONE_REGION,
            help=_("country of phone numbers written without a country code"),
        )
        parser.add_argument("--json", action="store_true", help=_("print JSON instead of a table"))

    def handle(self, *args: Any, **options: Any) -> None:
        kind: str = options["kind"]
        path: Path = options["file"]
        table = read_table(path)
        report = import_table(
            kind,
            table,
            file_name=path.name,
            source=options["source"],
            mapping=options["map"],
            dry_run=options["dry_run"],
            keep_valid=options["keep_valid"],
            registered_with=_party(options["party"]) if kind == "returns" else None,
            phone_region=options["phone_region"].upper(),
        )
        rejected_path: Path | None = None
        if report.rejected_rows and not report.dry_run and (report.written or options["rejected"]):
            rejected_path = options["rejected"] or path.with_name(f"{path.stem}.rejected.csv")
            write_rejected(rejected_path, table.headers, report)
        if options["json"]:
            data = report.as_json()
            data["rejected_file"] = str(rejected_path) if rejected_path else None
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
        else:
            for line in table_lines(report):
                self.stdout.write(line)
            if rejected_path:
                self.stdout.write(_("Rejected rows written to %(path)s.") % {"path": rejected_path})
        if not report.dry_run and not report.written:
            raise CommandError(
                _(
                    "%(count)s rows rejected; nothing was written "
                    "(fix them, or use --keep-valid to write the valid rows)."
                )
                % {"count": len(report.rejected_rows)}
            )
