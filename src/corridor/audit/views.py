"""The auditors' pages: the log with its filters, and the break-the-glass review list."""

from __future__ import annotations

import datetime

from django import forms
from django.core.paginator import Paginator
from django.db import models, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from corridor.accounts import policy
from corridor.accounts.break_glass import review_grant
from corridor.accounts.models import BreakGlassGrant, Party
from corridor.audit import services as audit
from corridor.audit.models import AuditEvent
from corridor.people.models import Person


class AuditFilter(forms.Form):
    person = forms.CharField(label=_("Person (ID number)"), required=False, max_length=20)
    user = forms.CharField(label=_("User"), required=False, max_length=150)
    party = forms.ModelChoiceField(
        label=_("Party"), queryset=Party.objects.all(), required=False, to_field_name="code"
    )
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput({"type": "date"})
    )
    until = forms.DateField(
        label=_("Until"), required=False, widget=forms.DateInput({"type": "date"})
    )
    action = forms.CharField(label=_("Action"), required=False, max_length=80)


def _about_person(person: Person) -> models.Q:
    """Events about a person or about the records that carry them."""
    pairs = [("people.person", [person.pk])]
    pairs.append(("cases.case", list(person.cases.values_list("pk", flat=True))))
    pairs.append(("cases.companion", list(person.companionships.values_list("pk", flat=True))))
    pairs.append(
        ("crossings.batchmember", list(person.batch_memberships.values_list("pk", flat=True)))
    )
    pairs.append(("crossings.movement", list(person.movements.values_list("pk", flat=True))))
    pairs.append(
        (
            "returns.returnregistration",
            list(person.return_registrations.values_list("pk", flat=True)),
        )
    )
    query = models.Q(pk__in=[])
    for object_type, ids in pairs:
        if ids:
            query |= models.Q(object_type=object_type, object_id__in=[str(i) for i in ids])
    return query


def filtered_events(form: AuditFilter) -> models.QuerySet[AuditEvent]:
    events = AuditEvent.objects.select_related("actor", "actor__party").order_by("-sequence")
    if not form.is_valid():
        return events.none()
    data = form.cleaned_data
    if data["person"]:
        person = Person.objects.filter(national_id=data["person"].strip()).first()
        events = events.filter(_about_person(person)) if person else events.none()
    if data["user"]:
        events = events.filter(actor__username=data["user"].strip())
    if data["party"]:
        events = events.filter(actor__party=data["party"])
    tz = datetime.UTC
    if data["since"]:
        events = events.filter(
            at__gte=datetime.datetime.combine(data["since"], datetime.time(), tz)
        )
    if data["until"]:
        end = datetime.datetime.combine(
            data["until"] + datetime.timedelta(days=1), datetime.time(), tz
        )
        events = events.filter(at__lt=end)
    if data["action"]:
        events = events.filter(action__startswith=data["action"].strip())
    return events


@require_GET
@policy.requires(policy.AUDIT_VIEW)
def audit_log(request: HttpRequest) -> HttpResponse:
    """The audit log, newest first, filtered by person, user, party, date and action."""
    form = AuditFilter(request.GET or None)
    events = filtered_events(form) if request.GET else AuditEvent.objects.order_by("-sequence")
    page = Paginator(events.select_related("actor"), 50).get_page(request.GET.get("page"))
    with transaction.atomic():
        audit.record(
            "audit.read",
            None,
            actor=request.user,
            data={k: v for k, v in request.GET.items() if k != "page"},
        )
    return render(request, "audit/log.html", {"form": form, "page": page})


@require_GET
@policy.requires(policy.BREAK_GLASS_REVIEW)
def break_glass_review(request: HttpRequest) -> HttpResponse:
    """Every break-the-glass access, the unreviewed first."""
    grants = BreakGlassGrant.objects.select_related("user", "user__party", "reviewed_by").order_by(
        models.F("reviewed_at").asc(nulls_first=True), "-granted_at"
    )[:500]
    return render(request, "audit/break_glass.html", {"grants": grants})


@require_POST
@policy.requires(policy.BREAK_GLASS_REVIEW)
def mark_reviewed(request: HttpRequest, pk: int) -> HttpResponse:
    review_grant(get_object_or_404(BreakGlassGrant, pk=pk), reviewer=request.user)
    return redirect("audit:break_glass")
