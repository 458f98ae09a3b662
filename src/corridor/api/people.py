"""People in the cases the caller may see, with identity only for roles the policy allows it.

No `from __future__ import annotations` here: django-ninja reads the parameters' annotations
through `acts_under`'s wrapper, so they must be real objects, not strings.
"""

from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.params.functions import Path

from corridor import clock
from corridor.accounts import policy
from corridor.api.auth import acts_under, token_permits
from corridor.api.errors import ERRORS, ApiError
from corridor.api.schemas import MAX_ID, ErrorOut, PersonFilters, PersonOut, PersonPage
from corridor.audit import services as audit
from corridor.cases.models import Case, Companion
from corridor.people.models import Person
from corridor.people.search import name_filter

router = Router(tags=["people"])


def _people_in(cases: QuerySet[Case]) -> QuerySet[Person]:
    """The patients and companions of these cases."""
    ids = cases.values("pk")
    return Person.objects.filter(
        Q(Exists(Case.objects.filter(pk__in=ids, patient=OuterRef("pk"))))
        | Q(Exists(Companion.objects.filter(case__in=ids, person=OuterRef("pk"))))
    )


def _cases(request: HttpRequest, action: str) -> QuerySet[Case]:
    return policy.scope(request.user, action, Case.objects.all())


def _may_see_identity(request: HttpRequest) -> bool:
    return token_permits(request, policy.CASE_IDENTITY) and policy.allows(
        request.user, policy.CASE_IDENTITY
    )


def _items(request: HttpRequest, people: list[Person]) -> list[dict[str, Any]]:
    """Each person as PersonOut: identity where the case.identity scope reaches them."""
    ids = [person.pk for person in people]
    identified: set[int] = set()
    if _may_see_identity(request):
        identified = set(
            _people_in(_cases(request, policy.CASE_IDENTITY))
            .filter(pk__in=ids)
            .values_list("pk", flat=True)
        )
    visible = _cases(request, policy.CASE_VIEW).values("pk")
    cases: dict[int, list[dict[str, str]]] = {pk: [] for pk in ids}
    for reference, person_id in (
        Case.objects.filter(pk__in=visible, patient_id__in=ids)
        .order_by("reference")
        .values_list("reference", "patient_id")
    ):
        cases[person_id].append({"reference": reference, "role": "patient"})
    for reference, person_id in (
        Companion.objects.filter(case__in=visible, person_id__in=ids)
        .order_by("case__reference")
        .values_list("case__reference", "person_id")
        .distinct()
    ):
        cases[person_id].append({"reference": reference, "role": "companion"})
    today = clock.today()
    return [
        {
            "id": person.pk,
            "sex": person.sex,
            "age": person.age_on(today),
            "identity": {
                "name_ar": person.name_ar,
                "name_latin": person.name_latin,
                "date_of_birth": person.date_of_birth,
                "national_id": person.national_id,
            }
            if person.pk in identified
            else None,
            "cases": cases[person.pk],
        }
        for person in people
    ]


@router.get("/people", response={200: PersonPage, ERRORS: ErrorOut})
@acts_under(policy.CASE_VIEW)
def list_people(request: HttpRequest, filters: Query[PersonFilters]) -> dict[str, Any]:
    """Patients and companions of the cases the caller may see; search by ID or name needs
    the right to see identity."""
    people = _people_in(_cases(request, policy.CASE_VIEW))
    if filters.national_id or filters.name:
        if not _may_see_identity(request):
            policy.record_refusal(request.user, policy.CASE_IDENTITY, request.path, "search")
            raise ApiError(
                403, "forbidden", _("Your role does not allow searching people by identity.")
            )
        people = _people_in(_cases(request, policy.CASE_IDENTITY))
        if filters.national_id:
            people = people.filter(national_id=filters.national_id)
        if filters.name:
            people = people.filter(name_filter(filters.name, "search_key"))
    if filters.case:
        people = people.filter(
            Q(cases__reference=filters.case) | Q(companionships__case__reference=filters.case)
        ).distinct()
    people = people.order_by("pk")
    window = list(people[filters.offset : filters.offset + filters.limit])
    count = people.count()
    items = _items(request, window)
    searched = [kind for kind in ("national_id", "name") if getattr(filters, kind)]
    _record_identity_read(request, items, search=searched, matches=count)
    return {
        "count": count,
        "limit": filters.limit,
        "offset": filters.offset,
        "items": items,
    }


def _record_identity_read(
    request: HttpRequest,
    items: list[dict[str, Any]],
    *,
    search: list[str] | None = None,
    matches: int = 0,
) -> None:
    """Audit a search by identity, and any answer that carries names, dates of birth or IDs.

    The event names what was searched by, never the name or ID number searched for, and the
    people whose identity was sent by their internal id only.
    """
    identified = [item["id"] for item in items if item["identity"] is not None]
    with transaction.atomic():
        if search:
            audit.record(
                "person.identity_search",
                actor=request.user,
                data={"by": search, "matches": matches, "path": request.path},
            )
        if identified:
            audit.record(
                "person.identity_read",
                actor=request.user,
                data={"people": len(identified), "ids": identified, "path": request.path},
            )


@router.get("/people/{person_id}", response={200: PersonOut, ERRORS: ErrorOut})
@acts_under(policy.CASE_VIEW)
def get_person(request: HttpRequest, person_id: int = Path(..., ge=1, le=MAX_ID)) -> dict[str, Any]:
    """One patient or companion of a case the caller may see; 404 for anyone else."""
    person = _people_in(_cases(request, policy.CASE_VIEW)).filter(pk=person_id).first()
    if person is None:
        policy.record_refusal(
            request.user, policy.CASE_VIEW, request.path, "out of scope or absent"
        )
        raise ApiError(404, "not_found", _("Not found."))
    items = _items(request, [person])
    _record_identity_read(request, items)
    return items[0]
