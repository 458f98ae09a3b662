"""Normalising spreadsheet cells: digits, dates, names and the Arabic form used for matching."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

# Names fold the same way here and in searches: one table, in the people app.
from corridor.people.names import arabic_key as arabic_key
from corridor.people.names import latin_digits as latin_digits

_SPACES = re.compile(r"\s+")

EXCEL_EPOCH = datetime.date(1899, 12, 30)
# Serials of 1 Jan 1900 .. 31 Dec 2199; a bare number outside this range is not a date.
_SERIAL_RANGE = (1, 109574)

_MONTHS = {
    # English
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
    "oct": 10, "nov": 11, "dec": 12,
    # Egyptian / Maghrebi names
    "يناير": 1, "فبراير": 2, "مارس": 3, "ابريل": 4, "مايو": 5, "يونيو": 6, "يونيه": 6,
    "يوليو": 7, "يوليه": 7, "اغسطس": 8, "سبتمبر": 9, "اكتوبر": 10, "نوفمبر": 11, "ديسمبر": 12,
    # Levantine names
    "كانون الثاني": 1, "شباط": 2, "اذار": 3, "نيسان": 4, "ايار": 5, "حزيران": 6, "تموز": 7,
    "اب": 8, "ايلول": 9, "تشرين الاول": 10, "تشرين الثاني": 11, "كانون الاول": 12,
}  # fmt: skip

_NUMERIC_DATE = re.compile(r"^(\d{1,4})[/.\-](\d{1,2})[/.\-](\d{1,4})$")
_WORDED_DATE = re.compile(r"^(\d{1,2})[\s\-/]+(.+?)[\s\-/,]+(\d{4})$")


class CellProblem(ValueError):
    """A cell's value cannot be used; the message says why, for the row report."""


def clean_text(value: object) -> str:
    """A cell as text: Latin digits, single spaces, no surrounding space; numbers without '.0'."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return _SPACES.sub(" ", latin_digits(str(value))).strip()


def _excel_serial(serial: float) -> datetime.date:
    if not _SERIAL_RANGE[0] <= serial <= _SERIAL_RANGE[1]:
        raise CellProblem(_("%(value)s is not a date.") % {"value": clean_text(serial)})
    return EXCEL_EPOCH + datetime.timedelta(days=int(serial))


def _real_date(year: int, month: int, day: int, shown: str) -> datetime.date:
    try:
        return datetime.date(year, month, day)
    except ValueError:
        raise CellProblem(_("%(value)s is not a real date.") % {"value": shown}) from None


def parse_date(value: object) -> datetime.date | None:
    """A date from a cell: a date, an Excel serial, dd/mm/yyyy, yyyy-mm-dd or '5 آذار 2024'."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, int | float):
        return _excel_serial(float(value))
    text = clean_text(value)
    if not text:
        return None
    if re.fullmatch(r"\d+(\.0+)?", text):
        return _excel_serial(float(text))
    numeric = _NUMERIC_DATE.match(text.split(" ")[0] if "T" not in text else text.split("T")[0])
    if numeric and (len(numeric.group(1)) == 4 or len(numeric.group(3)) == 4):
        first, month, last = (int(g) for g in numeric.groups())
        if len(numeric.group(1)) == 4:
            return _real_date(first, month, last, text)
        return _real_date(last, month, first, text)
    worded = _WORDED_DATE.match(text.rstrip("مـ ").strip())
    if worded:
        month_number = _MONTHS.get(arabic_key(worded.group(2)).strip(" ,،."))
        if month_number:
            return _real_date(int(worded.group(3)), month_number, int(worded.group(1)), text)
    raise CellProblem(
        _("%(value)s is not a date in a known form (dd/mm/yyyy, yyyy-mm-dd, 5 March 2024).")
        % {"value": text}
    )


# Name particles that belong to the word after them ("عبد الله", "أبو شمالة").
_JOIN_NEXT = frozenset({"عبد", "ابو", "ام", "بو", "بن", "بنت", "al", "el", "abu", "abd"})
# Words that belong to the word before them ("نور الدين", "جاد الله").
_JOIN_PREVIOUS = frozenset({"الله", "الدين", "الرحمن", "الرحيم"})


@dataclass(frozen=True)
class NameParts:
    given: str
    father: str
    grandfather: str
    family: str


def split_name(full_name: str) -> NameParts:
    """Split a one-cell name into given, father, grandfather and family names.

    Four or more parts: the first three are given, father and grandfather, the rest the family;
    three parts have no grandfather; compound names ("عبد الله", "أبو شمالة") stay whole.
    """
    words: list[str] = []
    join_next = False
    for word in clean_text(full_name).split(" "):
        if not word:
            continue
        key = arabic_key(word)
        if words and (join_next or key in _JOIN_PREVIOUS):
            words[-1] = f"{words[-1]} {word}"
        else:
            words.append(word)
        join_next = key in _JOIN_NEXT
    if join_next and len(words) > 1 and " " not in words[-1]:
        # A trailing particle is a typing slip; keep it with the family name.
        words[-2:] = [f"{words[-2]} {words[-1]}"]
    if len(words) < 2:
        raise CellProblem(
            _("a given name and a family name are needed, got %(value)r.") % {"value": full_name}
        )
    if len(words) == 2:
        return NameParts(words[0], "", "", words[1])
    if len(words) == 3:
        return NameParts(words[0], words[1], "", words[2])
    return NameParts(words[0], words[1], words[2], " ".join(words[3:]))
