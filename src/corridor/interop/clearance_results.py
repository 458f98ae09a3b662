"""Clearance results read back: the authority's returned list, matched by ID number to a batch.

The authority answers on its own copy of the clearance list (XLSX or CSV) with one word per
person: cleared, refused or no answer, in Arabic or English. Nothing is guessed: a line whose ID
is not on the batch, whose answer cannot be read or whose ID appears twice with different answers
is listed for a person to resolve, and so is every member the file does not mention.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import IO, Any

from django.db import transaction
from django.utils.translation import gettext as _

from corridor.accounts.models import Party
from corridor.audit import services as audit
from corridor.crossings import services as crossing_services
from corridor.crossings.models import Batch, BatchMember, Clearance
from corridor.exceptions import DomainError
from corridor.uploads import check_upload

# Headers are compared after `_normalise_text`; both languages, and the clearance list's own.
ID_HEADERS = frozenset(
    {
        "national_id",
        "national id",
        "id number",
        "id no",
        "id",
        "national id number",
        "identity number",
        "رقم الهوية",
        "الهوية",
        "رقم هوية",
        "هوية",
    }
)
RESULT_HEADERS = frozenset(
    {
        "result",
        "clearance",
        "clearance result",
        "answer",
        "decision",
        "status",
        "النتيجة",
        "الرد",
        "القرار",
        "الحالة",
        "الموافقة الأمنية",
        "الفحص الأمني",
    }
)
ANSWERS = {
    Clearance.CLEARED: frozenset(
        {"cleared", "clear", "approved", "موافق", "موافقة", "تمت الموافقة", "مسموح", "مقبول"}
    ),
    Clearance.REFUSED: frozenset(
        {"refused", "refuse", "denied", "rejected", "مرفوض", "رفض", "ممنوع", "غير موافق"}
    ),
    Clearance.NO_ANSWER: frozenset(
        {"no answer", "no_answer", "no reply", "لا رد", "لا يوجد رد", "بدون رد", "لم يرد"}
    ),
}
_WORD_TO_ANSWER = {word: answer for answer, words in ANSWERS.items() for word in words}
# Arabic-Indic and Persian digits, as typed on Arabic keyboards, read as Latin digits.
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_DIACRITICS = re.compile("[\u064b-\u0652\u0640]")  # harakat and tatweel


@dataclass(frozen=True)
class ResultLine:
    """One line of the returned file: its row number, the ID as read and the answer as written."""

    row: int
    national_id: str
    answer_text: str

    @property
    def answer(self) -> str | None:
        return _WORD_TO_ANSWER.get(_normalise_text(self.answer_text))


@dataclass
class Mismatch:
    row: int | None
    national_id: str
    reason: str
    seat: int | None = None


@dataclass
class ClearanceResultsReport:
    """What the read-back did, or would do in a dry run, and every line it could not match."""

    batch: int
    party: str
    dry_run: bool
    recorded: list[dict[str, Any]] = field(default_factory=list)
    unchanged: list[dict[str, Any]] = field(default_factory=list)
    not_on_batch: list[Mismatch] = field(default_factory=list)
    unreadable: list[Mismatch] = field(default_factory=list)
    missing_from_file: list[Mismatch] = field(default_factory=list)
    left_batch: list[Mismatch] = field(default_factory=list)

    @property
    def mismatches(self) -> int:
        return (
            len(self.not_on_batch)
            + len(self.unreadable)
            + len(self.missing_from_file)
            + len(self.left_batch)
        )

    def counts(self) -> dict[str, int]:
        return {
            "recorded": len(self.recorded),
            "unchanged": len(self.unchanged),
            "not_on_batch": len(self.not_on_batch),
            "unreadable": len(self.unreadable),
            "missing_from_file": len(self.missing_from_file),
            "left_batch": len(self.left_batch),
        }

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["counts"] = self.counts()
        return data


def _normalise_text(value: Any) -> str:
    text = "" if value is None else str(value)
    text = _DIACRITICS.sub("", text.translate(_DIGITS))
    text = text.replace("_", " ").replace("\u200f", "").replace("\u200e", "")
    return " ".join(text.split()).casefold()


def normalise_id(value: Any) -> str:
    """An ID number as written, with Arabic digits made Latin and spaces and dashes dropped."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a spreadsheet stored the ID as a number
    text = ("" if value is None else str(value)).translate(_DIGITS)
    return re.sub(r"[\s\-\u200e\u200f]", "", text)


def _header_index(header: Sequence[Any], names: frozenset[str]) -> int | None:
    for index, cell in enumerate(header):
        if _normalise_text(cell) in names:
            return index
    return None


def _lines_from_table(table: Iterable[Sequence[Any]]) -> list[ResultLine]:
    header: Sequence[Any] | None = None
    lines: list[ResultLine] = []
    id_col = result_col = 0
    for row_number, row in enumerate(table, start=1):
        if header is None:
            if not any(_normalise_text(c) for c in row):
                continue
            header = row
            found_id = _header_index(row, ID_HEADERS | _profile_header("national_id"))
            found_result = _header_index(row, RESULT_HEADERS)
            if found_id is None or found_result is None:
                raise DomainError(
                    _(
                        "Row %(row)s should name the columns: an ID number column (e.g. "
                        "'ID number' or 'رقم الهوية') and a result column (e.g. 'Result' or "
                        "'النتيجة')."
                    )
                    % {"row": row_number}
                )
            id_col, result_col = found_id, found_result
            continue
        cells = list(row)
        national_id = normalise_id(cells[id_col] if id_col < len(cells) else None)
        answer = cells[result_col] if result_col < len(cells) else None
        answer_text = "" if answer is None else str(answer).strip()
        if not national_id and not answer_text:
            continue  # a blank line
        lines.append(ResultLine(row_number, national_id, answer_text))
    if header is None:
        raise DomainError(_("The file has no rows."))
    return lines


def _profile_header(key: str) -> frozenset[str]:
    """The clearance list's own label for `key`, in both languages, so its layout reads back."""
    from django.utils import translation

    from corridor.profiles import CLEARANCE_LIST

    column = next(c for c in CLEARANCE_LIST.columns if c.key == key)
    labels = set()
    for language in ("en", "ar"):
        with translation.override(language):
            labels.add(_normalise_text(str(column.label)))
    return frozenset(labels)


def read_result_lines(stream: IO[bytes], size: int) -> list[ResultLine]:
    """The lines of a returned clearance list (XLSX or CSV), checked for type and size first."""
    kind = check_upload(stream, size, allowed=("xlsx", "csv"))
    if kind == "xlsx":
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(stream, read_only=True, data_only=True)
        except (OSError, ValueError, KeyError) as exc:
            raise DomainError(_("The spreadsheet cannot be read.")) from exc
        try:
            sheet = workbook.worksheets[0]
            return _lines_from_table(sheet.iter_rows(values_only=True))
        finally:
            workbook.close()
    raw = stream.read()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DomainError(_("The CSV file is not UTF-8 text.")) from exc
    try:
        dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return _lines_from_table(csv.reader(io.StringIO(text), dialect))


# Between the ID number and the answer of a pasted line: comma, semicolon, tab, bar, or their
# Arabic forms (a spreadsheet copied to the clipboard gives tabs).
_PASTE_SEPARATOR = re.compile("[,;\t|\u060c\u061b]")


def read_pasted_lines(text: str) -> list[ResultLine]:
    """Lines of "ID number, answer" pasted as text, one person a line; a header line is skipped.

    Each line's number is its row, so a mismatch names the line to look at.
    """
    lines: list[ResultLine] = []
    header_names = ID_HEADERS | _profile_header("national_id")
    seen_first = False
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        parts = _PASTE_SEPARATOR.split(raw, maxsplit=2)
        if len(parts) < 2:
            parts = raw.split(maxsplit=1)  # "123456789 cleared"
        id_text = parts[0].strip().strip("\"'")
        answer = parts[1].strip().strip("\"'") if len(parts) > 1 else ""
        if not seen_first:
            seen_first = True
            if _normalise_text(id_text) in header_names:
                continue
        lines.append(ResultLine(number, normalise_id(id_text), answer))
    if not lines:
        raise DomainError(_("Paste at least one line: an ID number, then the answer."))
    return lines


def apply_clearance_results(
    batch: Batch,
    lines: Sequence[ResultLine],
    *,
    party: Party,
    actor: Any,
    dry_run: bool = False,
    source: str = "",
) -> ClearanceResultsReport:
    """Record each matched line's answer through `record_clearance`, all or nothing.

    A dry run goes through the same steps inside a transaction it rolls back, so it reports
    exactly what a real run would do (including companions who leave with a refused patient).
    """
    report = ClearanceResultsReport(batch=batch.pk, party=party.code, dry_run=dry_run)
    with transaction.atomic():
        batch = Batch.objects.select_for_update().get(pk=batch.pk)
        if batch.status not in crossing_services.CLEARING_STATUSES:
            raise DomainError(
                _("Batch %(number)s is %(status)s: no clearance answers can be recorded on it.")
                % {"number": batch.number, "status": batch.get_status_display()}
            )
        members = list(
            BatchMember.objects.filter(batch=batch, active=True)
            .select_related("person")
            .order_by("seat")
        )
        by_id: dict[str, list[BatchMember]] = {}
        for member in members:
            key = normalise_id(member.person.national_id)
            if key:
                by_id.setdefault(key, []).append(member)
        answers_by_id: dict[str, set[str]] = {}
        for line in lines:
            answers_by_id.setdefault(line.national_id, set()).add(
                line.answer or f"?{line.answer_text}"
            )

        matched: set[int] = set()
        done: set[str] = set()
        for line in lines:
            if not line.national_id:
                report.unreadable.append(Mismatch(line.row, "", _("No ID number on this line.")))
                continue
            candidates = by_id.get(line.national_id, [])
            if not candidates:
                report.not_on_batch.append(
                    Mismatch(line.row, line.national_id, _not_on_batch_reason(batch, line))
                )
                continue
            for member in candidates:
                matched.add(member.pk)
            if len(candidates) > 1:
                report.unreadable.append(
                    Mismatch(
                        line.row,
                        line.national_id,
                        _("Several people on the batch carry this ID number."),
                    )
                )
                continue
            member = candidates[0]
            if line.answer is None:
                report.unreadable.append(
                    Mismatch(
                        line.row,
                        line.national_id,
                        _("The result %(answer)r is not cleared, refused or no answer.")
                        % {"answer": line.answer_text},
                        seat=member.seat,
                    )
                )
                continue
            if len(answers_by_id[line.national_id]) > 1:
                report.unreadable.append(
                    Mismatch(
                        line.row,
                        line.national_id,
                        _("This ID number appears more than once with different results."),
                        seat=member.seat,
                    )
                )
                continue
            if line.national_id in done:
                continue  # the same answer twice counts once
            done.add(line.national_id)
            member.refresh_from_db()
            entry = {
                "row": line.row,
                "seat": member.seat,
                "national_id": line.national_id,
                "role": member.role,
                "result": line.answer,
            }
            if not member.active:
                report.left_batch.append(
                    Mismatch(
                        line.row,
                        line.national_id,
                        _("Left the batch with the patient they accompany (%(outcome)s).")
                        % {"outcome": member.get_outcome_display()},
                        seat=member.seat,
                    )
                )
                continue
            if (
                member.clearance == line.answer
                and member.clearance_party_id == party.pk
                and not member.needs_reconfirmation  # the same answer, given for the new date
            ):
                report.unchanged.append(entry)
                continue
            crossing_services.record_clearance(member, line.answer, party=party, actor=actor)
            report.recorded.append(entry)

        for member in members:
            if member.pk not in matched:
                report.missing_from_file.append(
                    Mismatch(
                        None,
                        member.person.national_id,
                        _("On the batch but not in the returned list."),
                        seat=member.seat,
                    )
                )
        audit.record(
            "batch.clearance_results",
            batch,
            actor=actor,
            data={"party": party.code, "source": source[:200], **report.counts()},
        )
        if dry_run:
            transaction.set_rollback(True)
    return report


def _not_on_batch_reason(batch: Batch, line: ResultLine) -> str:
    former = (
        BatchMember.objects.filter(batch=batch, active=False, person__national_id=line.national_id)
        .order_by("-pk")
        .first()
    )
    if former is not None:
        return _("No longer on this batch (%(outcome)s).") % {
            "outcome": former.get_outcome_display()
        }
    return _("Not on this batch.")
