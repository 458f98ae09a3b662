"""The actions of the case page: which a user may take on a case now, each with its form.

The page offers a user only the actions their role may take on this case, in the states where
the action leads somewhere; the service still checks its guard (see `cases.action_views`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.forms import Form
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from corridor.accounts import policy
from corridor.cases import forms
from corridor.cases.models import CLOSED_STATUSES, Case, CaseStatus, DestinationOffer, OfferStatus
from corridor.i18n import local_name

OPEN = frozenset(CaseStatus.values) - CLOSED_STATUSES


@dataclass(frozen=True)
class Spec:
    """One action on a case: the policy it acts under, its form, and the states it is offered in."""

    name: str
    policy_action: str
    title: Any
    form: type[forms.CaseActionForm]
    statuses: frozenset[str]
    url_name: str
    url_args: tuple[str, ...] = ()
    danger: bool = False


SPECS = {
    spec.name: spec
    for spec in [
        Spec(
            "urgency",
            policy.CASE_URGENCY,
            gettext_lazy("Change urgency"),
            forms.UrgencyForm,
            OPEN,
            "cases:urgency",
        ),
        Spec(
            "start_review",
            policy.CASE_REVIEW,
            gettext_lazy("Start the review"),
            forms.StartReviewForm,
            frozenset({CaseStatus.REGISTERED}),
            "cases:review",
            ("start",),
        ),
        Spec(
            "approve",
            policy.CASE_REVIEW,
            gettext_lazy("Approve (Form No. 1)"),
            forms.ApproveForm,
            frozenset({CaseStatus.UNDER_REVIEW}),
            "cases:review",
            ("approve",),
        ),
        Spec(
            "reject",
            policy.CASE_REVIEW,
            gettext_lazy("Do not approve"),
            forms.RejectForm,
            frozenset({CaseStatus.UNDER_REVIEW}),
            "cases:review",
            ("reject",),
            danger=True,
        ),
        Spec(
            "offer",
            policy.CASE_MANAGE,
            gettext_lazy("Offer to a receiving party"),
            forms.OfferForm,
            frozenset(
                {
                    CaseStatus.APPROVED,
                    CaseStatus.REQUEUED,
                    CaseStatus.OFFERED,
                    CaseStatus.ACCEPTED,
                }
            ),
            "cases:offer",
        ),
        Spec(
            "withdraw",
            policy.CASE_MANAGE,
            gettext_lazy("Withdraw the case"),
            forms.WithdrawForm,
            OPEN - {CaseStatus.CROSSED},
            "cases:withdraw",
            danger=True,
        ),
        Spec(
            "death",
            policy.CASE_MANAGE,
            gettext_lazy("Record a death while waiting"),
            forms.DeathForm,
            OPEN - {CaseStatus.CROSSED},
            "cases:death",
            danger=True,
        ),
    ]
}
ANSWERS = {
    "accept": (gettext_lazy("Accept"), forms.AcceptForm, False),
    "decline": (gettext_lazy("Decline"), forms.DeclineForm, True),
}


@dataclass(frozen=True)
class Action:
    """An action as the page shows it: a titled form posting to its URL, and its last error."""

    name: str
    title: str
    url: str
    form: Form
    danger: bool
    error: str
    group: str = ""


def _offer_group(offer: DestinationOffer) -> str:
    return _("Offer to %(party)s, made on %(date)s") % {
        "party": local_name(offer.receiving_party),
        "date": date_format(offer.offered_on, "j M Y"),
    }


def available_actions(
    user: Any,
    case: Case,
    *,
    offers: Sequence[DestinationOffer],
    bound: dict[str, Form],
    error: tuple[str, str] | None,
) -> list[Action]:
    """The actions `user` may take on `case` now, with any submitted form and refusal put back.

    `offers` are the case's offers the page shows; only those the policy lets the user answer
    get accept and decline forms.
    """
    error_name, error_text = error or ("", "")
    allowed: dict[str, bool] = {}
    actions = []
    for spec in SPECS.values():
        if case.status not in spec.statuses or not policy.allows(user, spec.policy_action):
            continue
        if spec.policy_action not in allowed:
            allowed[spec.policy_action] = policy.can_access(user, spec.policy_action, case)
        if not allowed[spec.policy_action]:
            continue
        actions.append(
            Action(
                name=spec.name,
                title=str(spec.title),
                url=reverse(spec.url_name, args=[case.reference, *spec.url_args]),
                form=bound.get(spec.name) or spec.form(case=case, prefix=spec.name),
                danger=spec.danger,
                error=error_text if error_name == spec.name else "",
            )
        )
    if policy.allows(user, policy.OFFER_ANSWER):
        answerable = policy.scope(user, policy.OFFER_ANSWER, DestinationOffer.objects.all())
        ids = set(answerable.filter(pk__in=[o.pk for o in offers]).values_list("pk", flat=True))
        for offer in offers:
            if offer.pk not in ids or offer.status != OfferStatus.OFFERED:
                continue
            for decision, (title, form_class, danger) in ANSWERS.items():
                name = f"{decision}-{offer.pk}"
                actions.append(
                    Action(
                        name=name,
                        title=str(title),
                        url=reverse("cases:answer", args=[case.reference, offer.pk, decision]),
                        form=bound.get(name) or form_class(case=case, prefix=name),
                        danger=danger,
                        error=error_text if error_name == name else "",
                        group=_offer_group(offer),
                    )
                )
    return actions
