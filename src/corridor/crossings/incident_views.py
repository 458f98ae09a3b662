"""Protection incident pages: the list, one incident (every read audited), recording, review."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import models, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from corridor.accounts import policy
from corridor.audit import services as audit
from corridor.crossings import incidents as incident_services
from corridor.crossings.incident_forms import (
    IncidentFilter,
    IncidentForm,
    ReviewForm,
    match_ids,
)
from corridor.crossings.models import Crossing, Incident, IncidentStatus
from corridor.exceptions import DomainError

PAGE_SIZE = 50


@require_GET
@policy.requires(policy.INCIDENT_VIEW)
def incident_list(request: HttpRequest) -> HttpResponse:
    """Incidents recorded by the user's party, filtered: no narrative here, one click on."""
    form = IncidentFilter(request.GET or None)
    incidents = policy.scope(request.user, policy.INCIDENT_VIEW, Incident.objects.all())
    incidents = incidents.select_related("crossing").annotate(people_count=models.Count("people"))
    status = 200
    if form.is_bound and not form.is_valid():
        incidents, status = incidents.none(), 400
    elif form.is_bound:
        incidents = form.filter(incidents)
    page = Paginator(incidents.order_by("-occurred_on", "-pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "page": page,
        "form": form,
        "may_record": policy.allows(request.user, policy.INCIDENT_RECORD),
    }
    return render(request, "crossings/incidents.html", context, status=status)


def _detail(
    request: HttpRequest, incident: Incident, review_form: ReviewForm, status: int = 200
) -> HttpResponse:
    """The incident page; showing its narrative is a read, audited with the grant if any."""
    grant = policy.active_grant(request.user, policy.INCIDENT_VIEW, incident)
    with transaction.atomic():
        audit.record(
            "incident.read",
            incident,
            actor=request.user,
            data={"via": "break_glass" if grant else "role", "grant": grant.pk if grant else None},
        )
    may_review = policy.allows(request.user, policy.INCIDENT_REVIEW) and policy.can_access(
        request.user, policy.INCIDENT_REVIEW, incident
    )
    context: dict[str, Any] = {
        "incident": incident,
        "grant": grant,
        "people": list(incident.people.defer("phone").order_by("national_id", "pk")),
        "reviews": list(incident.reviews.select_related("reviewed_by").order_by("at", "pk")),
        "review_form": review_form if may_review else None,
        "recorded_by": incident.recorded_by.get_username() if incident.recorded_by else "",
    }
    return render(request, "crossings/incident.html", context, status=status)


def _visible(request: HttpRequest, action: str, pk: int) -> Incident:
    return policy.get_visible_or_404(
        request, action, Incident.objects.select_related("crossing", "recorded_by"), pk=pk
    )


@require_GET
@policy.requires(policy.INCIDENT_VIEW)
def incident_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One protection incident; the read is audited, with the break-the-glass grant if any."""
    incident = _visible(request, policy.INCIDENT_VIEW, pk)
    next_status = (
        IncidentStatus.UNDER_REVIEW
        if incident.status == IncidentStatus.OPEN
        else IncidentStatus.CLOSED
    )
    return _detail(request, incident, ReviewForm(initial={"status": next_status}))


@require_POST
@policy.requires(policy.INCIDENT_REVIEW)
def incident_review(request: HttpRequest, pk: int) -> HttpResponse:
    """Move an incident under review, back to open, closed with a note, or reopened."""
    incident = _visible(request, policy.INCIDENT_REVIEW, pk)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        return _detail(request, incident, form, status=400)
    try:
        incident_services.review_incident(
            incident,
            form.cleaned_data["status"],
            note=form.cleaned_data["note"],
            actor=request.user,
        )
    except DomainError as error:
        form.add_error(None, str(error))
        return _detail(request, incident, form, status=409)
    messages.success(
        request, _("The incident is now: %(status)s.") % {"status": incident.get_status_display()}
    )
    return redirect("crossings:incident", pk=incident.pk)


def _check_people(request: HttpRequest, crossing: Crossing) -> HttpResponse:
    """The form again as typed (nothing judged but the people box), with whether each ID matched.

    Names stay off the page until the incident is recorded, so the check cannot be used to turn
    ID numbers into names.
    """
    form = IncidentForm(initial=request.POST.dict(), crossing=crossing)
    matches: list[tuple[str, bool]] = []
    try:
        chosen = form.fields["crossing"].clean(request.POST.get("crossing"))
    except ValidationError:
        problem = _("Choose the crossing first.")
    else:
        try:
            day = form.fields["occurred_on"].clean(request.POST.get("occurred_on"))
        except ValidationError:
            problem = _("Give the date of the incident first: ID numbers are checked around it.")
        else:
            matches, found, problem = match_ids(chosen, request.POST.get("people", ""), day)
            with transaction.atomic():
                audit.record(
                    "incident.people_checked",
                    None,
                    actor=request.user,
                    data={
                        "crossing": chosen.pk,
                        "occurred_on": day,
                        "found": sorted(person.pk for person in found),
                    },
                )
    context = {
        "form": form,
        "checked": True,
        "matches": matches,
        "matched_count": sum(1 for _number, matched in matches if matched),
        "problem": problem,
    }
    # A check that finds no one is an answer, not a refused action.
    return render(request, "crossings/incident_form.html", context)


@require_http_methods(["GET", "POST"])
@policy.requires(policy.INCIDENT_RECORD)
def incident_record(request: HttpRequest) -> HttpResponse:
    """Record a protection incident; "Check the ID numbers" shows whom they name first."""
    crossing = getattr(request.user, "crossing", None)
    if crossing is None:
        # Incidents are recorded where the officer works; without a crossing there is none.
        return render(request, "crossings/incident_form.html", {"no_crossing": True}, status=403)
    form = IncidentForm(request.POST or None, crossing=crossing)
    context: dict[str, Any] = {"form": form, "checked": False}
    if request.method != "POST":
        return render(request, "crossings/incident_form.html", context)
    if "check" in request.POST:
        return _check_people(request, crossing)
    if not form.is_valid():
        return render(request, "crossings/incident_form.html", context, status=400)
    data = form.cleaned_data
    try:
        incident = incident_services.record_incident(
            data["crossing"],
            kind=data["kind"],
            occurred_on=data["occurred_on"],
            place=data["place"],
            severity=data["severity"],
            narrative=data["narrative"],
            people=form.people_found,
            actor=request.user,
        )
    except DomainError as error:
        form.add_error(None, str(error))
        return render(request, "crossings/incident_form.html", context, status=409)
    messages.success(request, _("The incident is recorded; it is open for review."))
    return redirect("crossings:incident", pk=incident.pk)
