"""Finding a row's person among people already in Corridor and earlier rows of the same file.

Same ID number, or a similar Arabic name (normalised, then rapidfuzz) with the same date of
birth. People are compared within their date-of-birth block only, never all against all.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _
from rapidfuzz import fuzz, process

from corridor.people.models import Person
from corridor.people.names import arabic_key

NAME_SIMILARITY = 90  # token_sort_ratio out of 100; same date of birth is required as well
_CHUNK = 2000


@dataclass(frozen=True)
class Ref:
    """A person already in Corridor (`person_id`) or one created by an earlier row (`row`)."""

    person_id: int | None = None
    row: int | None = None

    def __str__(self) -> str:
        if self.person_id is not None:
            return _("person #%(id)s in Corridor") % {"id": self.person_id}
        return _("row %(row)s of this file") % {"row": self.row}


@dataclass(frozen=True)
class Match:
    ref: Ref
    reason: str


@dataclass(frozen=True)
class _Known:
    ref: Ref
    name_key: str
    national_id: str


def _chunks(values: Sequence[object]) -> Iterable[Sequence[object]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]


class PeopleIndex:
    """People by ID number and by date of birth, for the IDs and dates a file mentions."""

    def __init__(self, threshold: int = NAME_SIMILARITY) -> None:
        self.threshold = threshold
        self.by_id: dict[str, Ref] = {}
        self.by_birth: dict[datetime.date, list[_Known]] = defaultdict(list)

    def load_existing(self, national_ids: set[str], births: set[datetime.date]) -> None:
        """Index the people in Corridor who share an ID number or a date of birth with the file."""
        people = Person.objects.filter(anonymised_at__isnull=True)
        for chunk in _chunks(sorted(national_ids)):
            for pk, national_id in people.filter(national_id__in=chunk).values_list(
                "pk", "national_id"
            ):
                self.by_id.setdefault(national_id, Ref(person_id=pk))
        fields = ("pk", "given_name_ar", "father_name_ar", "grandfather_name_ar")
        for chunk in _chunks(sorted(births)):
            rows = people.filter(date_of_birth__in=chunk).values_list(
                *fields, "family_name_ar", "date_of_birth", "national_id"
            )
            for pk, given, father, grandfather, family, born, national_id in rows.order_by("pk"):
                key = arabic_key(" ".join(p for p in (given, father, grandfather, family) if p))
                self.by_birth[born].append(_Known(Ref(person_id=pk), key, national_id))

    def add(self, ref: Ref, national_id: str, name_key: str, born: datetime.date) -> None:
        if national_id:
            self.by_id.setdefault(national_id, ref)
        self.by_birth[born].append(_Known(ref, name_key, national_id))

    def find(
        self, national_id: str, name_key: str, born: datetime.date
    ) -> tuple[Match | None, str]:
        """The person this is, and a doubt worth a warning (a near namesake with another ID)."""
        if national_id and national_id in self.by_id:
            return Match(self.by_id[national_id], _("same ID number")), ""
        block = self.by_birth.get(born, [])
        if not block:
            return None, ""
        compatible = [k for k in block if not (national_id and k.national_id)]
        best = self._closest(name_key, compatible)
        if best is not None:
            return Match(best.ref, _("similar name and same date of birth")), ""
        other = self._closest(name_key, [k for k in block if k not in compatible])
        if other is not None:
            return None, _(
                "similar name and same date of birth as %(ref)s, but another ID number; check it."
            ) % {"ref": other.ref}
        return None, ""

    def _closest(self, name_key: str, candidates: list[_Known]) -> _Known | None:
        if not candidates:
            return None
        for known in candidates:
            if known.name_key == name_key:
                return known
        found = process.extractOne(
            name_key,
            [k.name_key for k in candidates],
            scorer=fuzz.token_sort_ratio,
            score_cutoff=self.threshold,
        )
        return candidates[found[2]] if found is not None else None
