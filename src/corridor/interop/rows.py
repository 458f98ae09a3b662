"""Turning one spreadsheet row into clean values, with problems that name the row and column."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from corridor import clock
from corridor.cases.models import ClinicalCategory, MobilityNeed
from corridor.interop.mapping import FIELD_LABELS, ColumnMap, value_synonyms
from corridor.interop.normalise import (
    CellProblem,
    arabic_key,
    clean_text,
    parse_date,
    split_name,
)
from corridor.interop.readers import Cell
from corridor.people.identity import InvalidPhoneNumber, national_id_warnings, normalise_phone
from corridor.people.models import EARLIEST_BIRTH_YEAR

_ICD10 = re.compile(r"^[A-Z][0-9][0-9A-Z](\.?[0-9A-Z]{1,4})?$")
_ID_SEPARATORS = re.compile(r"[\s\-./]")


@dataclass(frozen=True)
class Issue:
    """A problem in one cell of one row, or in the row as a whole (column '')."""

    row: int
    column: str
    problem: str

    def __str__(self) -> str:
        if not self.column:
            return _("row %(row)s: %(problem)s") % {"row": self.row, "problem": self.problem}
        return _("row %(row)s, column %(column)s: %(problem)s") % {
            "row": self.row,
            "column": self.column,
            "problem": self.problem,
        }


@dataclass
class ParsedRow:
    number: int
    raw: list[Cell]
    values: dict[str, Any] = field(default_factory=dict)
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.errors

    @property
    def name_key(self) -> str:
        parts = ("given_name", "father_name", "grandfather_name", "family_name")
        return arabic_key(" ".join(self.values.get(p, "") for p in parts))


@dataclass(frozen=True)
class Lookups:
    """Normalised code or name -> primary key, for the coded columns that point at rows."""

    facilities: dict[str, int]
    urgencies: dict[str, int]
    governorates: dict[str, tuple[int, str]]  # -> (pk, territory)


class RowParser:
    """Parses rows of one file, given its column map, the kind of import and the lookups."""

    def __init__(self, columns: ColumnMap, lookups: Lookups, *, phone_region: str) -> None:
        self.columns = columns
        self.lookups = lookups
        self.phone_region = phone_region
        self.today = clock.today()

    def _cell(self, row: list[Cell], name: str) -> Cell:
        index = self.columns.columns.get(name)
        if index is None or index >= len(row):
            return None
        return row[index]

    def _column(self, name: str) -> str:
        index = self.columns.columns.get(name)
        return self.columns.headers[index] if index is not None else str(FIELD_LABELS[name])

    def parse(self, number: int, row: list[Cell]) -> ParsedRow:
        parsed = ParsedRow(number=number, raw=row)
        for name in self.columns.columns:
            if name in _NAME_FIELDS:
                continue
            try:
                value = _PARSERS[name](self, self._cell(row, name), parsed)
            except CellProblem as exc:
                parsed.errors.append(Issue(number, self._column(name), str(exc)))
            else:
                parsed.values[name] = value
        self._names(row, parsed)
        self._cross_checks(parsed)
        return parsed

    def _names(self, row: list[Cell], parsed: ParsedRow) -> None:
        parts = {n: clean_text(self._cell(row, n)) for n in _NAME_FIELDS if n != "full_name"}
        if not (parts["given_name"] and parts["family_name"]):
            full = clean_text(self._cell(row, "full_name"))
            column = self._column(
                "full_name" if "full_name" in self.columns.columns else "given_name"
            )
            if not full:
                parsed.errors.append(Issue(parsed.number, column, _("the name is missing.")))
                return
            try:
                split = split_name(full)
            except CellProblem as exc:
                parsed.errors.append(Issue(parsed.number, column, str(exc)))
                return
            parts.update(
                given_name=split.given,
                father_name=split.father,
                grandfather_name=split.grandfather,
                family_name=split.family,
            )
        for name, value in parts.items():
            if len(value) > (240 if name == "name_latin" else 60):
                parsed.errors.append(
                    Issue(parsed.number, self._column(name), _("the name is too long."))
                )
            parsed.values[name] = value

    def _cross_checks(self, parsed: ParsedRow) -> None:
        born = parsed.values.get("date_of_birth")
        for name in ("departure_date", "referral_date"):
            day = parsed.values.get(name)
            if born and day and day < born:
                parsed.errors.append(
                    Issue(parsed.number, self._column(name), _("it is before the date of birth."))
                )


def _past_date(earliest: int) -> Callable[[RowParser, Cell, ParsedRow], datetime.date]:
    def parse(parser: RowParser, value: Cell, parsed: ParsedRow) -> datetime.date:
        day = parse_date(value)
        if day is None:
            raise CellProblem(_("a value is required."))
        if day > parser.today:
            raise CellProblem(_("%(date)s is in the future.") % {"date": day.isoformat()})
        if day.year < earliest:
            raise CellProblem(
                _("%(date)s is before %(year)s; check the century.")
                % {"date": day.isoformat(), "year": earliest}
            )
        return day

    return parse


def _optional_date(parser: RowParser, value: Cell, parsed: ParsedRow) -> datetime.date | None:
    return parse_date(value)


def _coded(name: str, known: list[str]) -> Callable[[RowParser, Cell, ParsedRow], str]:
    def parse(parser: RowParser, value: Cell, parsed: ParsedRow) -> str:
        text = clean_text(value)
        if not text:
            if name == "mobility":
                return MobilityNeed.SEATED.value
            if name == "sex":
                return ""
            raise CellProblem(_("a value is required."))
        code = value_synonyms(name).get(arabic_key(text))
        if code is None:
            raise CellProblem(
                _("unknown value %(value)r; known: %(known)s.")
                % {"value": text, "known": ", ".join(known)}
            )
        return code

    return parse


def _pointer(attribute: str) -> Callable[[RowParser, Cell, ParsedRow], Any]:
    def parse(parser: RowParser, value: Cell, parsed: ParsedRow) -> Any:
        text = clean_text(value)
        if not text:
            if attribute == "governorates":
                return None
            raise CellProblem(_("a value is required."))
        found = getattr(parser.lookups, attribute).get(arabic_key(text))
        if found is None:
            raise CellProblem(
                _("%(value)r is not known in Corridor (give its code or name).") % {"value": text}
            )
        return found

    return parse


def _national_id(parser: RowParser, value: Cell, parsed: ParsedRow) -> str:
    text = _ID_SEPARATORS.sub("", clean_text(value))
    if len(text) > 20:
        raise CellProblem(_("the ID number is too long."))
    for warning in national_id_warnings(text):
        parsed.warnings.append(Issue(parsed.number, parser._column("national_id"), warning))
    return text


def _passport(parser: RowParser, value: Cell, parsed: ParsedRow) -> str:
    text = _ID_SEPARATORS.sub("", clean_text(value)).upper()
    if len(text) > 20:
        raise CellProblem(_("the passport number is too long."))
    return text


def _phone(parser: RowParser, value: Cell, parsed: ParsedRow) -> str:
    try:
        return normalise_phone(clean_text(value).replace(" ", ""), parser.phone_region)
    except InvalidPhoneNumber as exc:
        raise CellProblem(str(exc)) from exc


def _icd10(parser: RowParser, value: Cell, parsed: ParsedRow) -> str:
    text = clean_text(value).upper().replace(" ", "")
    if text and not _ICD10.match(text):
        raise CellProblem(_("%(value)r is not an ICD-10 code.") % {"value": text})
    return text


def _text(limit: int) -> Callable[[RowParser, Cell, ParsedRow], str]:
    def parse(parser: RowParser, value: Cell, parsed: ParsedRow) -> str:
        text = clean_text(value)
        if len(text) > limit:
            raise CellProblem(_("longer than %(limit)s characters.") % {"limit": limit})
        return text

    return parse


_NAME_FIELDS = frozenset(
    {"full_name", "given_name", "father_name", "grandfather_name", "family_name", "name_latin"}
)
_PARSERS: dict[str, Callable[[RowParser, Cell, ParsedRow], Any]] = {
    "date_of_birth": _past_date(EARLIEST_BIRTH_YEAR),
    "sex": _coded("sex", ["F", "M"]),
    "national_id": _national_id,
    "passport_number": _passport,
    "phone": _phone,
    "residence": _pointer("governorates"),
    "referring_facility": _pointer("facilities"),
    "referral_date": _past_date(2000),
    "clinical_category": _coded("clinical_category", list(ClinicalCategory.values)),
    "icd10_code": _icd10,
    "urgency": _pointer("urgencies"),
    "mobility": _coded("mobility", list(MobilityNeed.values)),
    "departure_date": _past_date(2000),
    "current_location": _text(120),
    "registered_on": _optional_date,
}
