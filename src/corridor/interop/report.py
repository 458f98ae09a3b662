"""Showing an import's report as a terminal table, and writing its rejected rows back out."""

from __future__ import annotations

import csv
import datetime
import io
from pathlib import Path

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from corridor.interop.services import ImportReport

MAX_LISTED = 50
COUNT_LABELS = {
    "read": gettext_lazy("rows read"),
    "created": gettext_lazy("created"),
    "linked": gettext_lazy("linked to existing"),
    "unchanged": gettext_lazy("already imported (unchanged)"),
    "rejected": gettext_lazy("rejected"),
    "warnings": gettext_lazy("warnings"),
    "duplicates": gettext_lazy("duplicates to review"),
}


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
    rows = [(str(COUNT_LABELS[name]), str(count)) for name, count in report.counts().items()]
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


def rejected_csv(headers: list[str], report: ImportReport) -> str:
    """The rejected rows as CSV text, each with its row number and a reason column."""
    stream = io.StringIO(newline="")
    writer = csv.writer(stream)
    writer.writerow([_("row"), *headers, _("reason")])
    for row in report.rejected_rows:
        cells = [_cell(v) for v in row.raw] + [""] * max(0, len(headers) - len(row.raw))
        reasons = "; ".join(
            f"{issue.column}: {issue.problem}" if issue.column else issue.problem
            for issue in row.errors
        )
        writer.writerow([row.number, *cells[: len(headers)], reasons])
    return stream.getvalue()


def write_rejected(path: Path, headers: list[str], report: ImportReport) -> int:
    """Write the rejected rows as CSV (UTF-8 with BOM, for spreadsheets) with a reason column."""
    with path.open("w", encoding="utf-8-sig", newline="") as stream:
        stream.write(rejected_csv(headers, report))
    return len(report.rejected_rows)
