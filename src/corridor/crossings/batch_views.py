"""The batch page: the manifest in seat order, the standby list, the coordination events, and the
actions the user's role may take in the batch's current state.

Every action is a form POST that calls one service, then redirects back to the page (or, for an
htmx request, answers with the page's batch section). A refused transition shows the service's
message on the page with a 4xx status, and nothing is written.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from corridor.accounts import policy
from corridor.accounts.models import Party
from corridor.crossings import services
from corridor.crossings.batch_page import batch_context, person_name
from corridor.crossings.forms import (
    ANSWER_CHOICES,
    ClearanceAnswersForm,
    ClearanceResultsForm,
    ConfirmForm,
    CoordinationForm,
    CoordinationKind,
    OutcomeForm,
    PostponeForm,
    SubmitForm,
)
from corridor.crossings.models import Batch, Outcome
from corridor.exceptions import DomainError, TransitionNotAllowed
from corridor.interop import clearance_results as returned_list


def _is_htmx(request: HttpRequest) -> bool:
    return bool(request.headers.get("HX-Request"))


def _get_batch(request: HttpRequest, action: str, pk: int) -> Batch:
    return policy.get_visible_or_404(
        request,
        action,
        Batch.objects.select_related("crossing__operated_by", "assembly_point"),
        pk=pk,
    )


def _parties() -> list[Party]:
    return list(Party.objects.order_by("name_en"))


def _page(request: HttpRequest, batch: Batch, *, status: int = 200, **state: Any) -> HttpResponse:
    template = "crossings/_batch.html" if _is_htmx(request) else "crossings/batch.html"
    return render(request, template, batch_context(request, batch, **state), status=status)


def _done(request: HttpRequest, batch: Batch, message: str, anchor: str = "") -> HttpResponse:
    """After a change: the page again, with what was done said once."""
    if _is_htmx(request):
        batch.refresh_from_db()
        return _page(request, batch, notice=message)
    messages.success(request, message)
    url = reverse("crossings:manifest", args=[batch.pk])
    return redirect(f"{url}#{anchor}" if anchor else url)


def _refused(
    request: HttpRequest, batch: Batch, key: str, error: DomainError, form: Any = None
) -> HttpResponse:
    """The service said no: the page with its reason beside the form, and the input kept."""
    batch.refresh_from_db()
    status = 409 if isinstance(error, TransitionNotAllowed) else 400
    bound = {key: form} if form is not None else {}
    return _page(request, batch, status=status, error=str(error), error_for=key, bound=bound)


def _invalid(request: HttpRequest, batch: Batch, key: str, form: Any) -> HttpResponse:
    return _page(request, batch, status=400, error_for=key, bound={key: form})


def _act(
    request: HttpRequest,
    batch: Batch,
    key: str,
    form: Any,
    call: Callable[[dict[str, Any]], str],
) -> HttpResponse:
    """Validate `form`, make the one service call, and answer with the page."""
    if form is not None and not form.is_valid():
        return _invalid(request, batch, key, form)
    try:
        message = call(form.cleaned_data if form is not None else {})
    except DomainError as error:
        return _refused(request, batch, key, error, form)
    return _done(request, batch, message, anchor="batch")


@require_GET
@policy.requires(policy.BATCH_VIEW)
def batch_page(request: HttpRequest, pk: int) -> HttpResponse:
    """A batch: header, manifest in seat order, actions, re-plan, coordination events, standby."""
    return _page(request, _get_batch(request, policy.BATCH_VIEW, pk))


@require_POST
@policy.requires(policy.BATCH_MANAGE)
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    """Send the batch's name list to the authorities."""
    batch = _get_batch(request, policy.BATCH_MANAGE, pk)
    form = SubmitForm(request.POST, prefix="submit", parties=_parties())

    def call(data: dict[str, Any]) -> str:
        services.submit_batch(batch, party=data["party"], actor=request.user)
        return _("The list of batch %(number)s is submitted.") % {"number": batch.number}

    return _act(request, batch, "submit", form, call)


@require_POST
@policy.requires(policy.BATCH_MANAGE)
def confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """Coordination of the batch is confirmed, within the day's quota."""
    batch = _get_batch(request, policy.BATCH_MANAGE, pk)
    form = ConfirmForm(request.POST, prefix="confirm", parties=_parties())

    def call(data: dict[str, Any]) -> str:
        services.confirm_batch(
            batch, party=data["party"], relayed_by=data["relayed_by"], actor=request.user
        )
        return _("Coordination of batch %(number)s is confirmed.") % {"number": batch.number}

    return _act(request, batch, "confirm", form, call)


@require_POST
@policy.requires(policy.BATCH_MANAGE)
def coordination(request: HttpRequest, pk: int) -> HttpResponse:
    """A party cancelled, suspended or resumed coordination of the batch."""
    batch = _get_batch(request, policy.BATCH_MANAGE, pk)
    kinds = [CoordinationKind.CANCEL, CoordinationKind.SUSPEND, CoordinationKind.RESUME]
    form = CoordinationForm(request.POST, prefix="coordination", parties=_parties(), kinds=kinds)

    def call(data: dict[str, Any]) -> str:
        common = {"party": data["party"], "relayed_by": data["relayed_by"], "actor": request.user}
        if data["kind"] == CoordinationKind.RESUME:
            services.resume_batch(batch, **common)
            return _("Coordination of batch %(number)s resumed.") % {"number": batch.number}
        stop = {
            "reason": data["reason"],
            "no_reason_given": data["no_reason_given"],
            "relayed_to": data["relayed_to"],
        }
        if data["kind"] == CoordinationKind.CANCEL:
            services.cancel_batch(batch, **common, **stop)
            return _("Coordination of batch %(number)s is recorded as cancelled.") % {
                "number": batch.number
            }
        services.suspend_batch(batch, **common, **stop)
        return _("Coordination of batch %(number)s is recorded as suspended.") % {
            "number": batch.number
        }

    return _act(request, batch, "coordination", form, call)


@require_POST
@policy.requires(policy.BATCH_MANAGE)
def postpone(request: HttpRequest, pk: int) -> HttpResponse:
    """Move the batch, with everyone on it, to a later date; the re-plan shows on the page."""
    batch = _get_batch(request, policy.BATCH_MANAGE, pk)
    form = PostponeForm(request.POST, prefix="postpone", parties=_parties())

    def call(data: dict[str, Any]) -> str:
        new_date: datetime.date = data["new_date"]
        services.postpone_batch(
            batch,
            new_date,
            party=data["party"],
            reason=data["reason"],
            no_reason_given=data["no_reason_given"],
            actor=request.user,
        )
        return _(
            "Batch %(number)s is postponed to %(date)s. Every clearance must be re-confirmed "
            "for the new date."
        ) % {"number": batch.number, "date": date_format(new_date)}

    return _act(request, batch, "postpone", form, call)


@require_POST
@policy.requires(policy.BATCH_MANAGE)
def depart(request: HttpRequest, pk: int) -> HttpResponse:
    """The batch left its assembly point for the crossing."""
    batch = _get_batch(request, policy.BATCH_MANAGE, pk)

    def call(data: dict[str, Any]) -> str:
        services.depart_batch(batch, actor=request.user)
        return _("Batch %(number)s has left for the crossing.") % {"number": batch.number}

    return _act(request, batch, "depart", None, call)


@require_POST
@policy.requires(policy.BATCH_MANAGE)
def close(request: HttpRequest, pk: int) -> HttpResponse:
    """Close the batch once everyone on it has an outcome."""
    batch = _get_batch(request, policy.BATCH_MANAGE, pk)

    def call(data: dict[str, Any]) -> str:
        services.close_batch(batch, actor=request.user)
        return _("Batch %(number)s is closed.") % {"number": batch.number}

    return _act(request, batch, "close", None, call)


@require_POST
@policy.requires(policy.BATCH_MANAGE)
def release(request: HttpRequest, pk: int) -> HttpResponse:
    """A cancelled batch that will not go: its people return to the waiting lists."""
    batch = _get_batch(request, policy.BATCH_MANAGE, pk)

    def call(data: dict[str, Any]) -> str:
        services.release_cancelled_batch(batch, actor=request.user)
        return _("Batch %(number)s is closed; its people are back on the waiting lists.") % {
            "number": batch.number
        }

    return _act(request, batch, "release", None, call)


def _answers(request: HttpRequest) -> dict[int, str]:
    """The per-person answers chosen on the manifest: `answer-<place id>` = cleared/refused/..."""
    valid = {value for value, _label in ANSWER_CHOICES if value}
    answers: dict[int, str] = {}
    for key, value in request.POST.items():
        if not key.startswith("answer-") or not value:
            continue
        place = key.removeprefix("answer-")
        if not place.isdigit() or value not in valid:
            raise DomainError(_("An answer on the manifest cannot be read; reload the page."))
        answers[int(place)] = value
    if not answers:
        raise DomainError(_("Choose an answer for at least one person on the manifest."))
    return answers


@require_POST
@policy.requires(policy.CLEARANCE_RECORD)
def clearances(request: HttpRequest, pk: int) -> HttpResponse:
    """One party's answers chosen person by person on the manifest."""
    batch = _get_batch(request, policy.CLEARANCE_RECORD, pk)
    form = ClearanceAnswersForm(request.POST, prefix="clearances", parties=_parties())

    def call(data: dict[str, Any]) -> str:
        outcome = services.record_clearances(
            batch, _answers(request), party=data["party"], actor=request.user
        )
        recorded = len(outcome.recorded)
        parts = [
            ngettext("%(count)s answer recorded.", "%(count)s answers recorded.", recorded)
            % {"count": recorded}
        ]
        if outcome.unchanged:
            parts.append(
                ngettext(
                    "%(count)s was already recorded.",
                    "%(count)s were already recorded.",
                    len(outcome.unchanged),
                )
                % {"count": len(outcome.unchanged)}
            )
        if outcome.left:
            parts.append(
                ngettext(
                    "%(count)s left the batch with the refused patient they accompany.",
                    "%(count)s left the batch with the refused patients they accompany.",
                    len(outcome.left),
                )
                % {"count": len(outcome.left)}
            )
        return " ".join(parts)

    return _act(request, batch, "clearances", form, call)


@require_POST
@policy.requires(policy.CLEARANCE_RECORD)
def clearance_results(request: HttpRequest, pk: int) -> HttpResponse:
    """The returned clearance list, pasted or uploaded, matched by ID number; mismatches listed."""
    batch = _get_batch(request, policy.CLEARANCE_RECORD, pk)
    form = ClearanceResultsForm(request.POST, request.FILES, prefix="results", parties=_parties())
    if not form.is_valid():
        return _invalid(request, batch, "results", form)
    data = form.cleaned_data
    upload = data["file"]
    try:
        if upload is not None:
            lines = returned_list.read_result_lines(upload, upload.size)
            source = f"upload:{upload.name}"
        else:
            lines = returned_list.read_pasted_lines(data["text"])
            source = "pasted"
        report = returned_list.apply_clearance_results(
            batch,
            lines,
            party=data["party"],
            actor=request.user,
            dry_run=data["dry_run"],
            source=source,
        )
    except DomainError as error:
        return _refused(request, batch, "results", error, form)
    batch.refresh_from_db()
    # The report is the answer: shown here rather than lost in a redirect.
    return _page(request, batch, report=report)


@require_POST
@policy.requires(policy.MOVEMENT_RECORD)
def member_outcome(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    """A person on the batch crossed, was turned back, or did not come."""
    batch = _get_batch(request, policy.MOVEMENT_RECORD, pk)
    member = batch.members.select_related("person").filter(pk=member_pk).first()
    if member is None:
        raise Http404(_("Not found."))
    form = OutcomeForm(request.POST)
    key = f"member-{member.pk}"

    def call(data: dict[str, Any]) -> str:
        names = {"person": person_name(member.person), "seat": member.seat}
        if data["outcome"] == Outcome.CROSSED:
            services.mark_member_crossed(member, actor=request.user)
            return _("Seat %(seat)s, %(person)s: crossed.") % names
        if data["outcome"] == Outcome.TURNED_BACK:
            services.mark_member_turned_back(member, reason=data["reason"], actor=request.user)
            return _("Seat %(seat)s, %(person)s: turned back.") % names
        services.mark_member_no_show(member, actor=request.user)
        return _("Seat %(seat)s, %(person)s: did not come.") % names

    return _act(request, batch, key, form, call)
