"""Mapping a file's column headers, in Arabic or English, to Corridor's fields."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from corridor.exceptions import DomainError
from corridor.interop.normalise import arabic_key

SYNONYMS_FILE = Path(__file__).with_name("headers.json")

PERSON_FIELDS = (
    "full_name",
    "given_name",
    "father_name",
    "grandfather_name",
    "family_name",
    "name_latin",
    "date_of_birth",
    "sex",
    "national_id",
    "passport_number",
    "phone",
    "residence",
)
FIELDS_BY_KIND: dict[str, tuple[str, ...]] = {
    "cases": (
        *PERSON_FIELDS,
        "referring_facility",
        "referral_date",
        "clinical_category",
        "icd10_code",
        "urgency",
        "mobility",
    ),
    "returns": (*PERSON_FIELDS, "departure_date", "current_location", "registered_on"),
}
REQUIRED_BY_KIND: dict[str, tuple[str, ...]] = {
    "cases": (
        "date_of_birth",
        "referring_facility",
        "referral_date",
        "clinical_category",
        "urgency",
    ),
    "returns": ("date_of_birth", "departure_date"),
}

FIELD_LABELS: dict[str, Promise] = {
    "full_name": gettext_lazy("full name"),
    "given_name": gettext_lazy("given name"),
    "father_name": gettext_lazy("father's name"),
    "grandfather_name": gettext_lazy("grandfather's name"),
    "family_name": gettext_lazy("family name"),
    "name_latin": gettext_lazy("name (Latin)"),
    "date_of_birth": gettext_lazy("date of birth"),
    "sex": gettext_lazy("sex"),
    "national_id": gettext_lazy("ID number"),
    "passport_number": gettext_lazy("passport number"),
    "phone": gettext_lazy("mobile"),
    "residence": gettext_lazy("residence"),
    "referring_facility": gettext_lazy("referring facility"),
    "referral_date": gettext_lazy("referral date"),
    "clinical_category": gettext_lazy("clinical category"),
    "icd10_code": gettext_lazy("ICD-10 code"),
    "urgency": gettext_lazy("urgency"),
    "mobility": gettext_lazy("mobility"),
    "departure_date": gettext_lazy("departure date"),
    "current_location": gettext_lazy("current location"),
    "registered_on": gettext_lazy("registration date"),
}

_PUNCTUATION = re.compile(r"[*:#()\[\]_]+")


def header_key(header: str) -> str:
    """The form of a header used for matching: Arabic-normalised, case-folded, no decoration."""
    return " ".join(_PUNCTUATION.sub(" ", arabic_key(header)).strip(" .").split())


@cache
def _synonyms_file() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(SYNONYMS_FILE.read_text(encoding="utf-8"))
    return data


@cache
def header_synonyms() -> dict[str, str]:
    """Normalised header -> field, from the synonyms shipped with Corridor."""
    result: dict[str, str] = {}
    for name, headers in _synonyms_file()["fields"].items():
        result[header_key(name)] = name
        for header in headers:
            result[header_key(header)] = name
    return result


@cache
def value_synonyms(name: str) -> dict[str, str]:
    """Normalised value -> code for a coded column (sex, clinical category, mobility)."""
    result: dict[str, str] = {}
    for code, words in _synonyms_file()["values"].get(name, {}).items():
        result[arabic_key(code)] = code
        for word in words:
            result[arabic_key(word)] = code
    return result


@dataclass
class ColumnMap:
    """Which column gives which field; the headers nobody asked for are listed, not guessed."""

    headers: list[str]
    columns: dict[str, int] = field(default_factory=dict)
    ignored: list[str] = field(default_factory=list)

    def learnt(self) -> dict[str, str]:
        """Normalised header -> field, as saved for a source."""
        return {header_key(self.headers[i]): name for name, i in self.columns.items()}


def parse_overrides(pairs: list[str], kind: str) -> dict[str, str]:
    """`HEADER=FIELD` options as normalised header -> field, refusing unknown fields."""
    result: dict[str, str] = {}
    for pair in pairs:
        header, sep, name = pair.rpartition("=")
        name = name.strip()
        if not sep or not header.strip():
            raise DomainError(_("--map expects HEADER=FIELD, got %(value)r.") % {"value": pair})
        if name not in FIELDS_BY_KIND[kind]:
            raise DomainError(
                _("Unknown field %(field)r for %(kind)s; fields: %(fields)s.")
                % {"field": name, "kind": kind, "fields": ", ".join(FIELDS_BY_KIND[kind])}
            )
        result[header_key(header)] = name
    return result


def _field_for(key: str, lookups: list[dict[str, str]]) -> str | None:
    return next((lookup[key] for lookup in lookups if key in lookup), None)


def proposed_columns(
    headers: list[str],
    kind: str,
    *,
    saved: dict[str, str] | None = None,
    overrides: dict[str, str] | None = None,
) -> dict[str, str]:
    """Normalised header -> the field `resolve_columns` would give it ("" for none), never failing.

    A page shows these as the columns' meaning, for the user to correct when the file cannot be
    read as it is (a required column missing, two columns giving one field).
    """
    allowed = FIELDS_BY_KIND[kind]
    lookups = [overrides or {}, saved or {}, header_synonyms()]
    result: dict[str, str] = {}
    for header in headers:
        key = header_key(header)
        if key:
            name = _field_for(key, lookups)
            result[key] = name if name in allowed else ""
    return result


def resolve_columns(
    headers: list[str],
    kind: str,
    *,
    saved: dict[str, str] | None = None,
    overrides: dict[str, str] | None = None,
) -> ColumnMap:
    """Map each header to a field: --map first, then the source's saved mapping, then synonyms."""
    allowed = FIELDS_BY_KIND[kind]
    lookups = [overrides or {}, saved or {}, header_synonyms()]
    result = ColumnMap(headers=headers)
    for index, header in enumerate(headers):
        key = header_key(header)
        name = _field_for(key, lookups)
        if not key:
            continue
        if name is None or name not in allowed:
            result.ignored.append(header)
            continue
        if name in result.columns:
            raise DomainError(
                _("Columns %(first)r and %(second)r both give the %(field)s; keep one or --map it.")
                % {
                    "first": headers[result.columns[name]],
                    "second": header,
                    "field": FIELD_LABELS[name],
                }
            )
        result.columns[name] = index
    missing = [name for name in REQUIRED_BY_KIND[kind] if name not in result.columns]
    has_name = "full_name" in result.columns or {"given_name", "family_name"} <= set(result.columns)
    if not has_name:
        missing.insert(0, "full_name")
    if missing:
        raise DomainError(
            _("No column for: %(fields)s (add a known header or use --map HEADER=FIELD).")
            % {"fields": ", ".join(str(FIELD_LABELS[name]) for name in missing)}
        )
    return result
