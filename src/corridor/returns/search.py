"""Finding return registrations by ID number, or by name in either script.

Names are searched as on the waiting list (`corridor.people.search`): each word at the beginning
of a word of the stored `Person.search_key`, and, when that finds few, names a typing slip away
as well. The people are found first, in one pass over their search keys, and then their
registrations through the index on the person; a search lists the registration ids it found, in
the list's order, so the page needs no count.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Max, Q, QuerySet

from corridor.people import search
from corridor.people.models import Person
from corridor.people.names import latin_digits
from corridor.returns.models import ReturnRegistration

FIELD = "search_key"
# Fewer exact matches than this, and names a typing slip away are shown as well.
FEW_MATCHES = 5
# People found by name beyond this many are joined in the database rather than listed.
MAX_LISTED_PEOPLE = 5000
ORDER = ("registered_on", "pk")


@dataclass(frozen=True)
class Found:
    """The registrations a search found (ids in the list's order) and how it searched."""

    ids: list[int]
    text: str
    forgiving: bool = False


def _vocabulary(registrations: QuerySet[ReturnRegistration], scope: str) -> search.Vocabulary:
    # Only the words of the names in `scope`; a new registration changes the version.
    last = registrations.aggregate(last=Max("pk"))["last"]
    return search.vocabulary(
        f"returns:{scope}:{last}",
        lambda: registrations.values_list(f"person__{FIELD}", flat=True).iterator(2000),
    )


def _of_people(registrations: QuerySet[ReturnRegistration], people: Q) -> list[int]:
    """The ids of the registrations of the people `people` selects, in the list's order."""
    found = list(
        Person.objects.filter(people).values_list("pk", flat=True)[: MAX_LISTED_PEOPLE + 1]
    )
    if len(found) > MAX_LISTED_PEOPLE:
        chosen = registrations.filter(person__in=Person.objects.filter(people))
    else:
        chosen = registrations.filter(person_id__in=found)
    return list(chosen.order_by(*ORDER).values_list("pk", flat=True))


def find(registrations: QuerySet[ReturnRegistration], text: str, *, scope: str) -> Found:
    """The registrations whose person has this ID number, or a name like `text`.

    `scope` names the set of registrations searched (the user's party), for the cached
    vocabulary of their names.
    """
    text = " ".join(latin_digits(text).split())
    number = text.replace(" ", "").replace("-", "")
    if any(ch.isdigit() for ch in number):
        return Found(_of_people(registrations, Q(national_id=number)), text)
    names = search.name_filter(text, FIELD)
    exact = _of_people(registrations, names)
    if len(exact) >= FEW_MATCHES:
        return Found(exact, text)
    forgiving = search.forgiving_filter(text, FIELD, _vocabulary(registrations, scope))
    found = _of_people(registrations, names | forgiving)
    return Found(found, text, forgiving=len(found) > len(exact))
