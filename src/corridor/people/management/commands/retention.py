"""`corridor retention --dry-run | --apply`: anonymise closed records past their period."""

import json
from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from corridor.accounts import policy
from corridor.commands import CorridorCommand
from corridor.retention import (
    PERSON,
    KindReport,
    RetentionReport,
    apply_retention,
    review_retention,
)


def _table(headers: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    out = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))]
    out.append("  ".join("-" * w for w in widths))
    out += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    return [line.rstrip() for line in out]


class Command(CorridorCommand):
    policy_action = policy.OPERATOR_COMMAND
    help = gettext_noop(
        "Anonymise closed records whose retention period (CORRIDOR_RETENTION_DAYS) has passed: "
        "--dry-run reports what would change, --apply changes it and writes an audit event."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        mode = parser.add_mutually_exclusive_group(required=True)
        mode.add_argument(
            "--dry-run",
            action="store_true",
            help=_("report what would be anonymised; change nothing"),
        )
        mode.add_argument("--apply", action="store_true", help=_("anonymise and audit it"))
        parser.add_argument("--json", action="store_true", help=_("print JSON instead of a table"))

    def handle(self, *args: Any, **options: Any) -> None:
        report = apply_retention() if options["apply"] else review_retention()
        if options["json"]:
            self.stdout.write(json.dumps(self._as_json(report), ensure_ascii=False, indent=2))
            return

        def period(kind: KindReport) -> str:
            if kind.code == PERSON:
                return _("with their records")
            return _("never") if kind.retention_days is None else str(kind.retention_days)

        rows = [
            [
                kind.label,
                period(kind),
                "" if kind.closed_before is None else kind.closed_before.date().isoformat(),
                str(kind.count),
            ]
            for kind in report.kinds
        ]
        headers = [
            _("records"),
            _("retention (days)"),
            _("closed before"),
            _("anonymised") if report.applied else _("would be anonymised"),
        ]
        for line in _table(headers, rows):
            self.stdout.write(line)
        if not report.applied:
            self.stdout.write(_("Dry run: nothing was changed."))

    @staticmethod
    def _as_json(report: RetentionReport) -> dict[str, Any]:
        return {
            "at": report.at.isoformat(),
            "applied": report.applied,
            "kinds": [
                {
                    "kind": kind.code,
                    "label": kind.label,
                    "retention_days": kind.retention_days,
                    "closed_before": kind.closed_before.isoformat() if kind.closed_before else None,
                    "count": kind.count,
                }
                for kind in report.kinds
            ],
            "total": report.total,
        }
