"""What the case page shows a user: read under the policy, each part with a fixed number of queries.

Those who may see the patient's identity (coordinator, medical reviewer, referral officer) get the
whole case: companions and their clearances, batches, offers, urgency history, the planner's
explanation and the timeline. A receiving liaison gets the receiving hospital profile and the
offers made to their own party, nothing about security decisions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.forms import Form
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from corridor import clock, planning
from corridor.accounts import policy
from corridor.audit import services as audit
from corridor.cases.actions import available_actions
from corridor.cases.documents import document_limit
from corridor.cases.forms import DocumentForm, WithdrawDocumentForm
from corridor.cases.models import (
    MEDICAL_DOCUMENT_KINDS,
    Case,
    CaseDocument,
    Companion,
    DestinationOffer,
    UrgencyChange,
)
from corridor.cases.timeline import case_timeline
from corridor.crossings.models import BatchMember
from corridor.i18n import local_name
from corridor.notify.services import messages_for_case
from corridor.plans.adapter import rules as planning_rules
from corridor.plans.models import StandbyEntry
from corridor.plans.standing import Factor, Standing, case_standing, is_planned, score_factors
from corridor.profiles import RECEIVING_HOSPITAL, receiving_queryset

# The case as the page reads it; the clinical summary and the phone stay encrypted and unread
# unless shown (the summary is fetched on its own for the roles that may read it).
CASE_PAGE_ROWS = Case.objects.select_related(
    "patient", "urgency", "referring_facility", "approved_by"
).defer("clinical_summary", "patient__phone")

STANDING_LABELS = {
    planning.Status.PLANNED: gettext_lazy("Planned"),
    planning.Status.STANDBY: gettext_lazy("On standby"),
    planning.Status.WAITING: gettext_lazy("Waiting"),
    planning.Status.INELIGIBLE: gettext_lazy("Cannot travel yet"),
}


@dataclass(frozen=True)
class CompanionRow:
    """A companion with their place on the latest batch that listed them, if any."""

    companion: Companion
    member: BatchMember | None


@dataclass(frozen=True)
class FactorRow:
    label: str
    amount: str
    points: float


def _arabic() -> bool:
    return (translation.get_language() or "").startswith("ar")


def _factor_rows(factors: Sequence[Factor], rules: planning.Rules) -> list[FactorRow]:
    rows = []
    for factor in factors:
        if factor.name.startswith("urgency."):
            tier = rules.tier(factor.name.removeprefix("urgency."))
            label = _("Urgency: %s") % (tier.name_ar if _arabic() else tier.name_en)
            amount = ""
        elif factor.name == "waiting_per_day":
            label = _("Days waiting since referral")
            amount = _("%(days)d days × %(points)g") % {
                "days": factor.amount,
                "points": factor.weight,
            }
        elif factor.name == "bump":
            label = _("Times bumped off a batch")
            amount = _("%(times)d × %(points)g") % {"times": factor.amount, "points": factor.weight}
        elif factor.name == "child":
            label, amount = _("Child patient"), ""
        elif factor.name == "elderly":
            label, amount = _("Elderly patient"), ""
        elif factor.name == "deterioration":
            label, amount = _("Condition deteriorating"), ""
        else:
            label, amount = factor.name, f"{factor.amount:g}"
        rows.append(FactorRow(label, amount, factor.points))
    return rows


def _standing_context(case: Case, offers: Sequence[DestinationOffer]) -> dict[str, Any]:
    standing: Standing | None = case_standing(case)
    standby = list(
        StandbyEntry.objects.filter(case=case)
        .select_related("batch")
        .order_by("batch__planned_date", "batch_id")
    )
    if standing is None:
        return {"standing": None, "standby": standby, "planned": is_planned(case)}
    explanation = standing.explanation
    rules = planning_rules()
    planned_on = timezone.localdate(standing.proposal.planned_at)
    factors = score_factors(case, rules, planned_on)
    parties = {offer.receiving_party.code: local_name(offer.receiving_party) for offer in offers}
    total = round(sum(f.points for f in factors), 3)
    return {
        "standing": standing,
        "standby": standby,
        "standing_label": STANDING_LABELS.get(explanation.status, explanation.status),
        "standing_text": explanation.text_ar if _arabic() else explanation.text_en,
        "standing_destination": parties.get(
            explanation.destination or "", explanation.destination or ""
        ),
        "factors": _factor_rows(factors, rules),
        "factors_total": total,
        # The case changed since the plan was made (an urgency change, a bump): say so.
        "factors_changed": abs(total - explanation.score) > 0.001,
    }


def _record_clinical_read(request: HttpRequest, case: Case) -> None:
    grant = policy.active_grant(request.user, policy.CASE_CLINICAL, case)
    with transaction.atomic():
        audit.record(
            "case.clinical_read",
            case,
            actor=request.user,
            data={"via": "break_glass" if grant else "role", "grant": grant.pk if grant else None},
        )


def _identity_context(request: HttpRequest, case: Case) -> dict[str, Any]:
    # Phones are never shown here: they stay encrypted, unread.
    companions = list(
        Companion.objects.filter(case=case)
        .select_related("person")
        .defer("person__phone")
        .order_by("pk")
    )
    members = list(
        BatchMember.objects.filter(case=case)
        .select_related("batch__crossing", "person", "clearance_party")
        .defer("person__phone")
        .order_by("batch__planned_date", "batch_id", "seat")
    )
    offers = list(
        DestinationOffer.objects.filter(case=case)
        .select_related("receiving_party")
        .order_by("offered_on", "pk")
    )
    urgency_changes = list(
        UrgencyChange.objects.filter(case=case)
        .select_related("previous", "new", "changed_by")
        .order_by("changed_at", "pk")
    )
    may_see_messages = policy.allows(request.user, policy.MESSAGES_VIEW)
    messages = list(messages_for_case(case).defer("person__phone")) if may_see_messages else []
    latest: dict[int | None, BatchMember] = {}
    for member in members:
        latest[member.companion_id] = member  # members come in date order: the last one wins
    today = clock.today()
    return {
        "companions": [CompanionRow(c, latest.get(c.pk)) for c in companions],
        "members": members,
        "offers": offers,
        "urgency_changes": urgency_changes,
        "person_messages": messages if may_see_messages else None,
        "timeline": case_timeline(
            case,
            companions=companions,
            members=members,
            offers=offers,
            urgency_changes=urgency_changes,
            messages=messages,
        ),
        "age": case.patient.age_on(today),
        "days_waiting": (today - case.referral_date).days,
        **_standing_context(case, offers),
    }


def _receiving_context(request: HttpRequest, case: Case) -> dict[str, Any]:
    # A receiving party sees the case as its profile says: no name, no ID, no birth date.
    row = RECEIVING_HOSPITAL.rows(receiving_queryset(Case.objects.filter(pk=case.pk)))[0]
    offers = list(
        policy.scope(request.user, policy.OFFER_ANSWER, DestinationOffer.objects.filter(case=case))
        .select_related("receiving_party")
        .order_by("offered_on", "pk")
    )
    return {
        "receiving": [
            (c.label, c.display(row[c.key]))
            for c in RECEIVING_HOSPITAL.columns
            if c.key != "clinical_summary"
        ],
        "receiving_clinical_summary": row["clinical_summary"],
        "offers": offers,
        "person_messages": None,
    }


@dataclass(frozen=True)
class DocumentRow:
    """A document as the page lists it (its content unread), with its withdrawal form if any."""

    document: CaseDocument
    withdraw_form: Form | None
    error: str


DOCUMENT_FORM = "document"
WITHDRAW_DOCUMENT_FORM = "document-withdraw-%d"


def _documents_context(
    request: HttpRequest,
    case: Case,
    *,
    show_identity: bool,
    may_download: bool,
    bound: dict[str, Form],
    error: tuple[str, str] | None,
) -> dict[str, Any]:
    """The documents section: one query for the list, never the files' content.

    Those who see the identity see every kind; a receiving liaison the medical kinds only. The
    roles that may attach a document are those that see the identity, on the same rows.
    """
    if not (show_identity or may_download):
        return {"show_documents": False}
    may_attach = show_identity and policy.allows(request.user, policy.CASE_DOCUMENT_ATTACH)
    documents = CaseDocument.objects.current().filter(case=case).select_related("uploaded_by")
    if not show_identity:
        documents = documents.filter(kind__in=sorted(MEDICAL_DOCUMENT_KINDS))
    error_name, error_text = error or ("", "")
    rows = []
    for document in documents:
        name = WITHDRAW_DOCUMENT_FORM % document.pk
        form = bound.get(name) or WithdrawDocumentForm(case=case, prefix=name)
        rows.append(
            DocumentRow(
                document, form if may_attach else None, error_text if error_name == name else ""
            )
        )
    return {
        "show_documents": True,
        "documents": rows,
        "may_download_documents": may_download,
        "document_form": (bound.get(DOCUMENT_FORM) or DocumentForm(case=case, prefix="document"))
        if may_attach
        else None,
        "document_error": error_text if error_name == DOCUMENT_FORM else "",
        "document_limit": document_limit(),
    }


def case_context(
    request: HttpRequest,
    case: Case,
    *,
    bound: dict[str, Form] | None = None,
    error: tuple[str, str] | None = None,
    done: str = "",
    read_clinical: bool = True,
) -> dict[str, Any]:
    """The template context of the case page (or of its sections after an action).

    `read_clinical` is False for the sections re-drawn after an action: they do not show the
    clinical summary, so there is no read to record. `bound` and `error` put an action's
    submitted form and the reason it was refused back on the page.
    """
    user = request.user
    show_clinical = read_clinical and policy.can_access(user, policy.CASE_CLINICAL, case)
    if show_clinical:
        _record_clinical_read(request, case)
    show_identity = policy.can_access(user, policy.CASE_IDENTITY, case)
    context: dict[str, Any] = {
        "case": case,
        "facility": local_name(case.referring_facility),
        "urgency": local_name(case.urgency),
        "show_clinical": show_clinical,
        "show_identity": show_identity,
        "may_break_glass": read_clinical
        and not show_clinical
        and policy.may_break_glass(user, policy.CASE_CLINICAL),
        "break_glass_url": reverse("accounts:break_glass", args=["case", case.pk]),
        "may_see_batches": policy.allows(user, policy.BATCH_VIEW),
        "done": done,
    }
    if show_identity:
        context.update(_identity_context(request, case))
    else:
        context.update(_receiving_context(request, case))
    # The profile row already holds the summary; otherwise it is read now, and only now.
    receiving_summary = context.pop("receiving_clinical_summary", None)
    if show_clinical:
        context["clinical_summary"] = (
            receiving_summary
            if receiving_summary is not None
            else Case.objects.values_list("clinical_summary", flat=True).get(pk=case.pk)
        )
    may_download = (
        show_clinical if read_clinical else policy.can_access(user, policy.CASE_CLINICAL, case)
    )
    context.update(
        _documents_context(
            request,
            case,
            show_identity=show_identity,
            may_download=may_download,
            bound=bound or {},
            error=error,
        )
    )
    # A document's form shows its own refusal, in the documents section.
    action_error = None if error and error[0].startswith(DOCUMENT_FORM) else error
    actions = available_actions(
        user, case, offers=context["offers"], bound=bound or {}, error=action_error
    )
    context["actions"] = actions
    # A refused action no longer offered (the case moved on meanwhile) still says why.
    context["action_error"] = (
        action_error[1] if action_error and not any(a.error for a in actions) else ""
    )
    return context
