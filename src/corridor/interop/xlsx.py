"""Spreadsheets out: a list of rows as an XLSX workbook, laid right-to-left for Arabic readers."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font


def workbook_bytes(
    rows: Sequence[dict[str, Any]],
    keys: Sequence[str],
    headers: Sequence[str],
    *,
    right_to_left: bool = False,
    title: str = "",
) -> bytes:
    """One sheet: a bold header row of `headers`, then exactly the columns `keys` of each row."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # a new workbook always has one sheet
    if title:
        # Excel limits sheet titles to 31 characters and forbids a few punctuation marks.
        sheet.title = "".join(ch for ch in title if ch not in "[]:*?/\\")[:31] or "Sheet"
    sheet.sheet_view.rightToLeft = right_to_left
    sheet.append([str(header) for header in headers])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([row[key] for key in keys])
    for line in sheet.iter_rows(min_row=2):
        for cell in line:
            # A value that looks like a formula stays text: a list never computes anything.
            if cell.data_type == "f":
                cell.data_type = "s"
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
