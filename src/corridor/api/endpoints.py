"""The API's operations: each names its policy action and scopes rows as the pages do.

No `from __future__ import annotations` here: django-ninja reads the parameters' annotations
through `acts_under`'s wrapper, so they must be real objects, not strings.
"""

import datetime
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.params.functions import Path

from corridor.accounts import policy
from corridor.accounts.models import Party
from corridor.api.auth import acts_under, token_permits
from corridor.api.errors import ERRORS, ApiError
from corridor.api.schemas import (
    MAX_ID,
    Aggregates,
    BatchDetailOut,
    BatchPage,
    CaseDetailOut,
    CaseFilters,
    CasePage,
    ClearanceIn,
    ClearanceOut,
    ErrorOut,
    EventOut,
    MovementPage,
    PageIn,
    RegistrationPage,
    StatusFilter,
)
from corridor.audit import services as audit
from corridor.cases.models import Case
from corridor.crossings import services as crossing_services
from corridor.crossings.models import Batch, BatchMember, CoordinationEvent, Movement
from corridor.i18n import local_name
from corridor.profiles import (
    CLEARANCE_LIST,
    RECEIVING_HOSPITAL,
    analyst_tables,
    receiving_queryset,
)
from corridor.returns.models import ReturnRegistration

router = Router()

BatchId = Path(..., ge=1, le=MAX_ID)


def _page(queryset: models.QuerySet[Any], page: PageIn, item: Any) -> dict[str, Any]:
    window = queryset[page.offset : page.offset + page.limit]
    return {
        "count": queryset.count(),
        "limit": page.limit,
        "offset": page.offset,
        "items": [item(obj) for obj in window],
    }


def _case(case: Case) -> dict[str, Any]:
    return {
        "reference": case.reference,
        "status": case.status,
        "clinical_category": case.clinical_category,
        "urgency": case.urgency.code,
        "referral_date": case.referral_date,
        "mobility": case.mobility,
    }


@router.get("/cases", response={200: CasePage, ERRORS: ErrorOut}, tags=["cases"])
@acts_under(policy.CASE_VIEW)
def list_cases(request: HttpRequest, filters: Query[CaseFilters]) -> dict[str, Any]:
    """The cases the caller may see: reference, category, urgency, status; no clinical text."""
    cases = policy.scope(request.user, policy.CASE_VIEW, Case.objects.all())
    if filters.status:
        cases = cases.filter(status=filters.status)
    if filters.urgency:
        cases = cases.filter(urgency__code=filters.urgency)
    if filters.category:
        cases = cases.filter(clinical_category=filters.category)
    cases = cases.select_related("urgency").order_by("urgency__rank", "referral_date", "pk")
    return _page(cases, filters, _case)


@router.get("/cases/{reference}", response={200: CaseDetailOut, ERRORS: ErrorOut}, tags=["cases"])
@acts_under(policy.CASE_VIEW)
def get_case(
    request: HttpRequest, reference: str = Path(..., min_length=1, max_length=30)
) -> dict[str, Any]:
    """One case; identity and clinical summary only where the policy allows; reads audited."""
    user = request.user
    case = policy.get_visible_or_404(
        request,
        policy.CASE_VIEW,
        Case.objects.select_related("patient", "urgency", "referring_facility"),
        reference=reference,
    )
    show_clinical = token_permits(request, policy.CASE_CLINICAL) and policy.can_access(
        user, policy.CASE_CLINICAL, case
    )
    if show_clinical:
        grant = policy.active_grant(user, policy.CASE_CLINICAL, case)
        with transaction.atomic():
            audit.record(
                "case.clinical_read",
                case,
                actor=user,
                data={
                    "via": "break_glass" if grant else "role",
                    "grant": grant.pk if grant else None,
                    "channel": "api",
                },
            )
    show_identity = token_permits(request, policy.CASE_IDENTITY) and policy.can_access(
        user, policy.CASE_IDENTITY, case
    )
    identity = None
    receiving = None
    if show_identity:
        identity = {
            "name_ar": case.patient.name_ar,
            "name_latin": case.patient.name_latin,
            "date_of_birth": case.patient.date_of_birth,
            "referring_facility": local_name(case.referring_facility),
        }
    else:
        # A receiving party sees the case as its profile says: no name, no ID, no birth date.
        row = RECEIVING_HOSPITAL.rows(receiving_queryset(Case.objects.filter(pk=case.pk)))[0]
        receiving = {key: value for key, value in row.items() if key != "clinical_summary"}
    return {
        **_case(case),
        "identity": identity,
        "receiving": receiving,
        "clinical_summary": case.clinical_summary if show_clinical else None,
    }


def _batch(batch: Batch) -> dict[str, Any]:
    return {
        "id": batch.pk,
        "number": batch.number,
        "kind": batch.kind,
        "crossing": batch.crossing.code,
        "direction": batch.direction,
        "planned_date": batch.planned_date,
        "status": batch.status,
    }


@router.get("/batches", response={200: BatchPage, ERRORS: ErrorOut}, tags=["batches"])
@acts_under(policy.BATCH_VIEW)
def list_batches(request: HttpRequest, filters: Query[StatusFilter]) -> dict[str, Any]:
    """The batches the caller may see, newest first."""
    batches = policy.scope(request.user, policy.BATCH_VIEW, Batch.objects.all())
    if filters.status:
        batches = batches.filter(status=filters.status)
    batches = batches.select_related("crossing").order_by("-planned_date", "number", "pk")
    return _page(batches, filters, _batch)


def _visible_batch(request: HttpRequest, action: str, batch_id: int) -> Batch:
    return policy.get_visible_or_404(
        request, action, Batch.objects.select_related("crossing__operated_by"), pk=batch_id
    )


@router.get(
    "/batches/{batch_id}", response={200: BatchDetailOut, ERRORS: ErrorOut}, tags=["batches"]
)
@acts_under(policy.BATCH_VIEW)
def get_batch(request: HttpRequest, batch_id: int = BatchId) -> dict[str, Any]:
    """A batch and its members as the clearance list profile: identity only, never clinical."""
    batch = _visible_batch(request, policy.BATCH_VIEW, batch_id)
    members = (
        BatchMember.objects.filter(batch=batch, active=True)
        .select_related("person")
        .order_by("seat")
    )
    return {**_batch(batch), "members": CLEARANCE_LIST.rows(members)}


@router.get(
    "/batches/{batch_id}/events", response={200: list[EventOut], ERRORS: ErrorOut}, tags=["batches"]
)
@acts_under(policy.BATCH_VIEW)
def list_batch_events(request: HttpRequest, batch_id: int = BatchId) -> list[dict[str, Any]]:
    """The coordination events of a batch, oldest first."""
    batch = _visible_batch(request, policy.BATCH_VIEW, batch_id)
    events = CoordinationEvent.objects.filter(batch=batch).select_related("party").order_by("at")
    return [
        {
            "id": event.pk,
            "kind": event.kind,
            "party": event.party.code if event.party else None,
            "reason": event.reason_text,
            "previous_date": event.previous_date,
            "new_date": event.new_date,
            "at": event.at,
        }
        for event in events
    ]


@router.post(
    "/batches/{batch_id}/members/{seat}/clearance",
    response={200: ClearanceOut, ERRORS: ErrorOut},
    tags=["batches"],
)
@acts_under(policy.CLEARANCE_RECORD)
def record_clearance(
    request: HttpRequest,
    answer: ClearanceIn,
    batch_id: int = BatchId,
    seat: int = Path(..., ge=1, le=32767),
) -> dict[str, Any]:
    """Record a party's answer (cleared, refused, no answer) for the person on a seat."""
    batch = _visible_batch(request, policy.CLEARANCE_RECORD, batch_id)
    member = BatchMember.objects.filter(batch=batch, seat=seat, active=True).first()
    if member is None:
        raise ApiError(404, "not_found", _("Not found."))
    if answer.party:
        party = Party.objects.filter(code=answer.party).first()
        if party is None:
            raise ApiError(
                400, "bad_input", _("No party with code %(code)r.") % {"code": answer.party}
            )
    else:
        party = batch.crossing.operated_by
        if party is None:
            raise ApiError(
                400, "bad_input", _("Say which party answered: this crossing has no authority.")
            )
    member = crossing_services.record_clearance(
        member, answer.result, party=party, actor=request.user
    )
    return {"seat": member.seat, "clearance": member.clearance, "active": member.active}


def _movement(movement: Movement) -> dict[str, Any]:
    return {
        "id": movement.pk,
        "crossing": movement.crossing.code,
        "direction": movement.direction,
        "date": movement.date,
        "at": movement.at,
        "batch": movement.batch_id,
        "outcome": movement.outcome,
    }


@router.get("/movements", response={200: MovementPage, ERRORS: ErrorOut}, tags=["movements"])
@acts_under(policy.MOVEMENT_VIEW)
def list_movements(
    request: HttpRequest, page: Query[PageIn], date: datetime.date | None = None
) -> dict[str, Any]:
    """Crossings of people, without names: a crossing officer sees their own crossing's."""
    movements = policy.scope(request.user, policy.MOVEMENT_VIEW, Movement.objects.all())
    if date is not None:
        movements = movements.filter(date=date)
    movements = movements.select_related("crossing").order_by("-at", "pk")
    return _page(movements, page, _movement)


def _registration(registration: ReturnRegistration) -> dict[str, Any]:
    return {
        "id": registration.pk,
        "name_ar": registration.person.name_ar,
        "national_id": registration.person.national_id,
        "registered_on": registration.registered_on,
        "departure_date": registration.departure_date,
        "status": registration.status,
        "eligibility_reason": registration.eligibility_reason,
    }


@router.get("/returns", response={200: RegistrationPage, ERRORS: ErrorOut}, tags=["returns"])
@acts_under(policy.RETURN_VIEW)
def list_registrations(request: HttpRequest, filters: Query[StatusFilter]) -> dict[str, Any]:
    """Return registrations of the caller's own party, with the eligibility decision."""
    registrations = policy.scope(
        request.user, policy.RETURN_VIEW, ReturnRegistration.objects.all()
    ).select_related("person")
    if filters.status:
        registrations = registrations.filter(status=filters.status)
    return _page(registrations.order_by("registered_on", "pk"), filters, _registration)


@router.get("/aggregates", response={200: Aggregates, ERRORS: ErrorOut}, tags=["aggregates"])
@acts_under(policy.AGGREGATES_VIEW)
def aggregates(request: HttpRequest) -> dict[str, Any]:
    """Aggregates only, every breakdown with small cells suppressed."""
    return analyst_tables(settings.CORRIDOR_SMALL_CELL)
