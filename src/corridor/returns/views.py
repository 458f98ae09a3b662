"""Returns pages: registrations of the officer's own party, one registration, lists for a date,
and calling the returnees listed."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import models, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from corridor import clock
from corridor.accounts import policy
from corridor.audit import services as audit
from corridor.crossings.models import BatchMember, CrossingDay
from corridor.exceptions import DomainError
from corridor.i18n import local_name
from corridor.returns import lists, search, services
from corridor.returns.forms import BuildListForm, CallForm, ListDateForm, RegistrationFilter
from corridor.returns.history import registration_history
from corridor.returns.models import CallOutcome, ReturnCall, ReturnRegistration

PAGE_SIZE = 50
NEXT_IN_LINE = 10


def _registrations(request: HttpRequest, action: str = policy.RETURN_VIEW) -> Any:
    return policy.scope(request.user, action, ReturnRegistration.objects.all())


@require_GET
@policy.requires(policy.RETURN_VIEW)
def registration_list(request: HttpRequest) -> HttpResponse:
    """Registrations with their eligibility, filtered and searched, a page at a time."""
    form = RegistrationFilter(request.GET or None)
    registrations = _registrations(request)
    status, found = 200, None
    if form.is_bound and not form.is_valid():
        registrations, status = registrations.none(), 400
    elif form.is_bound:
        registrations = form.filter(registrations)
        if form.cleaned_data.get("q"):
            party = getattr(request.user, "party_id", None)
            found = search.find(registrations, form.cleaned_data["q"], scope=str(party))
    shown = registrations.select_related("person__residence", "eligibility_rule").defer(
        "person__phone"  # shown on the call page only
    )
    if found is None:
        page = Paginator(shown.order_by("registered_on", "pk"), PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        on_page = list(page)
    else:
        page = Paginator(found.ids, PAGE_SIZE).get_page(request.GET.get("page"))
        by_pk = shown.in_bulk(list(page))
        on_page = [by_pk[pk] for pk in page if pk in by_pk]
    rows = [(registration, services.reason_for_reader(registration)) for registration in on_page]
    context = {
        "page": page,
        "rows": rows,
        "form": form,
        "found": found,
        "few_matches": search.FEW_MATCHES,
    }
    template = "returns/_results.html" if request.headers.get("HX-Request") else "returns/list.html"
    return render(request, template, context, status=status)


def _visible(request: HttpRequest, pk: int, action: str = policy.RETURN_VIEW) -> ReturnRegistration:
    return policy.get_visible_or_404(
        request,
        action,
        ReturnRegistration.objects.select_related(
            "person__residence", "registered_with", "eligibility_rule"
        ),
        pk=pk,
    )


def _active_member(registration: ReturnRegistration) -> BatchMember | None:
    return (
        BatchMember.objects.filter(return_registration=registration, active=True)
        .select_related("batch__crossing", "batch__assembly_point")
        .order_by("-pk")
        .first()
    )


@require_GET
@policy.requires(policy.RETURN_VIEW)
def registration_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One registration: the person, the eligibility decision and its rule, batches, calls,
    history."""
    registration = _visible(request, pk)
    memberships = list(
        BatchMember.objects.filter(return_registration=registration)
        .select_related("batch__crossing", "batch__assembly_point")
        .order_by("-batch__planned_date", "-pk")
    )
    calls = list(
        ReturnCall.objects.filter(registration=registration)
        .select_related("called_by", "batch")
        .order_by("-called_at", "-pk")
    )
    may_manage = policy.allows(request.user, policy.RETURN_MANAGE)
    context = {
        "registration": registration,
        "person": registration.person,
        "residence": local_name(registration.person.residence),
        "party": local_name(registration.registered_with),
        "rule": registration.eligibility_rule,
        "rule_name": local_name(registration.eligibility_rule),
        "reason": services.reason_for_reader(registration),
        "household": list(registration.household_members.order_by("pk")),
        "memberships": [(member, local_name(member.batch.crossing)) for member in memberships],
        "calls": calls,
        "history": registration_history(registration, [m.pk for m in memberships]),
        "may_manage": may_manage,
        "may_call": may_manage
        and registration.status in services.CALLABLE_STATUSES
        and any(member.active for member in memberships),
        "may_decide": may_manage and registration.status in services.DECIDABLE_STATUSES,
    }
    return render(request, "returns/detail.html", context)


@require_POST
@policy.requires(policy.RETURN_MANAGE)
def decide_eligibility(request: HttpRequest, pk: int) -> HttpResponse:
    """Decide (or decide again) a registration's eligibility under the rule in force."""
    registration = _visible(request, pk, policy.RETURN_MANAGE)
    decided = services.decide_eligibility(registration, actor=request.user)
    messages.success(
        request,
        _("Decided: %(status)s, %(reason)s.")
        % {"status": decided.get_status_display(), "reason": decided.eligibility_reason},
    )
    return redirect("returns:detail", pk=registration.pk)


def _next_url(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


@require_http_methods(["GET", "POST"])
@policy.requires(policy.RETURN_MANAGE)
def call(request: HttpRequest, pk: int) -> HttpResponse:
    """Call a listed returnee: their phone number (the read is audited), then the outcome."""
    registration = _visible(request, pk, policy.RETURN_MANAGE)
    back = _next_url(request, reverse("returns:detail", args=[registration.pk]))
    form = CallForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                recorded = services.record_call(
                    registration,
                    form.cleaned_data["outcome"],
                    note=form.cleaned_data["note"],
                    actor=request.user,
                )
            except DomainError as error:
                form.add_error(None, str(error))
                status = 409
            else:
                messages.success(
                    request,
                    _("Call to %(person)s recorded: %(outcome)s.")
                    % {
                        "person": registration.person.name_ar,
                        "outcome": recorded.get_outcome_display(),
                    },
                )
                return redirect(back)
        else:
            status = 400
    member = _active_member(registration)
    if member is not None:
        # The phone number is shown to call someone on a list, and each showing is recorded.
        with transaction.atomic():
            audit.record(
                "return.phone_read",
                registration,
                actor=request.user,
                data={"batch": member.batch_id},
            )
    context = {
        "registration": registration,
        "person": registration.person,
        "member": member,
        "crossing": local_name(member.batch.crossing) if member else "",
        "assembly_point": local_name(member.batch.assembly_point) if member else "",
        "form": form,
        "back": back,
        "calls": ReturnCall.objects.filter(registration=registration)
        .select_related("called_by")
        .order_by("-called_at", "-pk")[:10],
        "confirmed": CallOutcome.CONFIRMED,
    }
    return render(request, "returns/call.html", context, status=status)


def _list_context(request: HttpRequest, form: ListDateForm) -> dict[str, Any]:
    """The day's return batches with the people of the user's party on them, and its quota."""
    if not form.is_valid():
        return {"date_form": form}
    date, crossing = form.cleaned_data["date"], form.cleaned_data["crossing"]
    batches = list(
        lists.return_batches_on(crossing, date)
        .select_related("assembly_point")
        .annotate(people=models.Count("members"))
    )
    last_call = ReturnCall.objects.filter(registration=models.OuterRef("return_registration"))
    last_call = last_call.order_by("-called_at", "-pk")
    members = (
        BatchMember.objects.filter(
            batch__in=batches,
            return_registration__in=_registrations(request),
        )
        .select_related("person", "return_registration")
        .defer("person__phone")
        .annotate(
            last_call_outcome=models.Subquery(last_call.values("outcome")[:1]),
            last_call_at=models.Subquery(last_call.values("called_at")[:1]),
        )
        .order_by("batch__number", "seat")
    )
    outcomes = dict(CallOutcome.choices)
    by_batch: dict[int, list[tuple[Any, str]]] = {batch.pk: [] for batch in batches}
    for member in members:
        label = outcomes.get(member.last_call_outcome or "", "")
        by_batch[member.batch_id].append((member, str(label)))
    day = CrossingDay.objects.filter(crossing=crossing, date=date).first()
    party = getattr(request.user, "party", None)
    may_manage = policy.allows(request.user, policy.RETURN_MANAGE)
    context: dict[str, Any] = {
        "date_form": form,
        "date": date,
        "crossing": crossing,
        "crossing_name": local_name(crossing),
        "day": day,
        "listed": lists.seats_listed(crossing, date),
        "batches": [
            (batch, local_name(batch.assembly_point), by_batch[batch.pk]) for batch in batches
        ],
        "may_manage": may_manage,
        "callable": services.CALLABLE_STATUSES,
    }
    if may_manage and party is not None and date >= clock.today():
        waiting = lists.next_to_list(party)
        context["next_in_line"] = list(
            waiting.select_related("person").defer("person__phone")[:NEXT_IN_LINE]
        )
        free = max(0, day.quota_in - context["listed"]) if day is not None else 0
        context["build_form"] = BuildListForm(
            initial={
                "date": date,
                "crossing": crossing.code,
                "count": free or 1,
                "assembly_point": getattr(lists.last_assembly_point(crossing), "code", ""),
            }
        )
        context["free"] = free
    return context


@require_GET
@policy.requires(policy.RETURN_VIEW)
def return_lists(request: HttpRequest) -> HttpResponse:
    """A crossing date's return list: who is on it, clearance, the last call; build it."""
    form = ListDateForm(ListDateForm.defaults(request.GET))
    context = _list_context(request, form)
    return render(request, "returns/lists.html", context, status=200 if form.is_valid() else 400)


@require_POST
@policy.requires(policy.RETURN_MANAGE)
def build_list(request: HttpRequest) -> HttpResponse:
    """Put the next eligible returnees of the user's party on the date's return batch."""
    form = BuildListForm(request.POST)
    party = getattr(request.user, "party", None)
    status = 400
    if form.is_valid():
        data = form.cleaned_data
        try:
            if party is None:
                raise DomainError(_("Your account belongs to no party, so it has no returnees."))
            built = lists.build_return_list(
                data["crossing"],
                data["date"],
                registered_with=party,
                count=data["count"],
                assembly_point=data["assembly_point"],
                actor=request.user,
            )
        except DomainError as error:
            form.add_error(None, str(error))
            status = 409
        else:
            text = _("%(listed)s people listed on return batch %(number)s.") % {
                "listed": len(built.members),
                "number": built.batch.number,
            }
            if len(built.members) < built.asked:
                text += " " + _(
                    "%(asked)s were asked for: no more seats or eligible returnees."
                ) % {"asked": built.asked}
            messages.success(request, text)
            url = reverse("returns:lists")
            return redirect(
                f"{url}?date={data['date'].isoformat()}&crossing={data['crossing'].code}"
            )
    date_form = ListDateForm(ListDateForm.defaults(request.POST))
    context = _list_context(request, date_form)
    context["build_form"] = form
    context.setdefault("free", 0)
    return render(request, "returns/lists.html", context, status=status)
