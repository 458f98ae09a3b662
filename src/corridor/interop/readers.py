"""Reading the first sheet of an XLSX, ODS or CSV file into a header row and data rows.

The kind is decided by the file's content (corridor.uploads), never by its name. Cell values
stay as the file typed them (text, number, date); normalising is the importer's job.
"""

from __future__ import annotations

import csv
import datetime
import io
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from django.utils.translation import gettext as _

from corridor.uploads import KINDS, UploadRejected, check_upload

Cell = Any  # str | int | float | datetime.date | None


@dataclass
class Table:
    """The header row and the non-empty data rows, each with its row number in the file."""

    headers: list[str]
    rows: list[tuple[int, list[Cell]]] = field(default_factory=list)


def _is_empty(values: Iterable[Cell]) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values)


def _table(lines: Iterable[list[Cell]]) -> Table:
    iterator = enumerate(lines, start=1)
    for _number, first in iterator:
        if not _is_empty(first):
            headers = ["" if h is None else str(h).strip() for h in first]
            break
    else:
        raise UploadRejected(_("The file has no header row."))
    table = Table(headers=headers)
    for offset, values in iterator:
        if not _is_empty(values):
            table.rows.append((offset, list(values)))
    return table


def read_csv(data: bytes) -> Table:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UploadRejected(_("The CSV file is not UTF-8 text.")) from exc
    try:
        dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return _table(csv.reader(io.StringIO(text, newline=""), dialect))


def read_xlsx(data: bytes) -> Table:
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise UploadRejected(
            _("The XLSX file cannot be read: %(reason)s") % {"reason": exc}
        ) from exc
    try:
        sheet = book.worksheets[0]
        return _table(list(row) for row in sheet.iter_rows(values_only=True))
    finally:
        book.close()


_ODS = {
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
}


def _q(prefix: str, name: str) -> str:
    return f"{{{_ODS[prefix]}}}{name}"


def _ods_value(cell: ElementTree.Element) -> Cell:
    kind = cell.get(_q("office", "value-type"))
    if kind == "date":
        return datetime.date.fromisoformat(cell.get(_q("office", "date-value"), "")[:10])
    if kind in {"float", "percentage", "currency"}:
        return float(cell.get(_q("office", "value"), "0"))
    paragraphs = cell.findall(_q("text", "p"))
    return "\n".join("".join(p.itertext()) for p in paragraphs) or None


def _ods_rows(sheet: ElementTree.Element) -> Iterator[list[Cell]]:
    for row in sheet.iter(_q("table", "table-row")):
        values: list[Cell] = []
        for cell in row:
            if cell.tag not in {_q("table", "table-cell"), _q("table", "covered-table-cell")}:
                continue
            value = _ods_value(cell)
            repeat = int(cell.get(_q("table", "number-columns-repeated"), "1"))
            # Trailing blank cells are stored as one cell repeated to the sheet's edge.
            values.extend([value] * (repeat if value is not None else min(repeat, 1)))
        while values and values[-1] is None:
            values.pop()
        if not values:
            continue
        for _repeat in range(min(int(row.get(_q("table", "number-rows-repeated"), "1")), 10_000)):
            yield list(values)


def read_ods(data: bytes) -> Table:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            content = archive.read("content.xml")
        root = ElementTree.fromstring(content)  # noqa: S314 - ODS content from a zip, no DTDs
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError) as exc:
        raise UploadRejected(
            _("The ODS file cannot be read: %(reason)s") % {"reason": exc}
        ) from exc
    sheet = next(root.iter(_q("table", "table")), None)
    if sheet is None:
        raise UploadRejected(_("The ODS file has no sheet."))
    return _table(_ods_rows(sheet))


READERS: dict[str, Callable[[bytes], Table]] = {"csv": read_csv, "xlsx": read_xlsx, "ods": read_ods}


def read_table(path: Path, max_bytes: int | None = None) -> Table:
    """The first sheet of the file at `path`, whatever of XLSX, ODS or CSV its content is."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UploadRejected(
            _("Cannot read %(path)s: %(reason)s") % {"path": path, "reason": exc.strerror}
        ) from exc
    kind = check_upload(io.BytesIO(data), len(data), KINDS, max_bytes)
    return READERS[kind](data)
