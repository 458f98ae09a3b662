"""Showing an import's report as a terminal table, and writing its rejected rows back out."""

from __future__ import annotations

import csv
import datetime
from pathlib import Path

from django.utils.translation import gettext as _

from corridor.interop.services import ImportReport

MAX_LISTED = 50


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()[:10]
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def table_lines(report: ImportReport) -> list[str]:
    """The counts as a table, then the rejected rows, warnings and duplicates (capped)."""
    labels = {
        "read": _("rows read"),
        "created": _("created"),
        "linked": _("linked to existing"),
        "unchanged": _("already imported (unchanged)"),
        "rejected": _("rejected"),
        "warnings": _("warnings"),
        "duplicates": _("duplicates to review"),
    }
    rows = [(labels[name], str(count)) for name, count in report.counts().items()]
    rows += [
        (_("eligibility: %(status)s") % {"status": s}, str(n))
        for s, n in report.eligibility.items()
    ]
    width = max(len(label) for label, _count in rows)
    lines = [f"{label.ljust(width)}  {count}" for label, count in rows]
    if report.columns.ignored:
        lines.append(
            _("Ignored columns: %(columns)s") % {"columns": ", ".join(report.columns.ignored)}
        )

    def section(title: str, items: list[str]) -> None:
        if not items:
            return
        lines.append("")
        lines.append(title)
        lines.extend(f"  {item}" for item in items[:MAX_LISTED])
        if len(items) > MAX_LISTED:
            lines.append(
                "  " + _("... and %(count)s more (see --json)") % {"count": len(items) - MAX_LISTED}
            )

    section(_("Rejected:"), [str(issue) for issue in report.errors])
    section(_("Warnings:"), [str(issue) for issue in report.warnings])
    section(
        _("Duplicates, linked to the person already known (please review):"),
        [
            _("row %(row)s: %(ref)s, %(reason)s %(note)s")
            % {"row": d.row, "ref": d.match.ref, "reason": d.match.reason, "note": d.note}
            for d in report.duplicates
        ],
    )
    return [line.rstrip() for line in lines]


def write_rejected(path: Path, headers: list[str], report: ImportReport) -> int:
    """Write the rejected rows as CSV (UTF-8 with BOM, for spreadsheets) with a reason column."""
    reason_header = _("reason")
    with path.open("w", encoding="utf-8-sig", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow([_("row"), *headers, reason_header])
        for row in report.rejected_rows:
            cells = [_cell(v) for v in row.raw] + [""] * max(0, len(headers) - len(row.raw))
            reasons = "; ".join(
                f"{issue.column}: {issue.problem}" if issue.column else issue.problem
                for issue in row.errors
            )
            writer.writerow([row.number, *cells[: len(headers)], reasons])
    return len(report.rejected_rows)
