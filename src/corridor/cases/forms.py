"""The forms of the actions on the case page: what each service needs, checked at the edge."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from corridor import clock
from corridor.accounts.models import Party, PartyKind
from corridor.cases.documents import check_document
from corridor.cases.models import Case, DocumentKind, UrgencyTier
from corridor.i18n import local_name
from corridor.uploads import UploadRejected


class LocalNameChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """A choice of rows named in the reader's language."""

    def label_from_instance(self, obj: Any) -> str:
        return local_name(obj)


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _reason(label: Any, *, required: bool = True) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=300,
        required=required,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CaseActionForm(forms.Form):
    """A form about one case (which some fields check against)."""

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.case = case


class UrgencyForm(CaseActionForm):
    tier = LocalNameChoiceField(
        queryset=UrgencyTier.objects.order_by("rank"), label=_("New urgency")
    )
    reason = _reason(_("Why the urgency changes"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["tier"].initial = self.case.urgency_id

    def clean_tier(self) -> UrgencyTier:
        tier: UrgencyTier = self.cleaned_data["tier"]
        if tier.pk == self.case.urgency_id:
            raise forms.ValidationError(
                _("The case is already %(tier)s: choose another tier."),
                params={"tier": local_name(tier)},
            )
        return tier


class StartReviewForm(CaseActionForm):
    pass


class ApproveForm(CaseActionForm):
    urgency = LocalNameChoiceField(
        queryset=UrgencyTier.objects.order_by("rank"),
        label=_("Urgency"),
        required=False,
        help_text=_("Leave as it is to keep the urgency the referral gave."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["urgency"].initial = self.case.urgency_id


class RejectForm(CaseActionForm):
    reason = _reason(_("Why the committee did not approve the case"), required=False)


class OfferForm(CaseActionForm):
    party = LocalNameChoiceField(
        queryset=Party.objects.filter(
            kind__in=[PartyKind.RECEIVING_HOSPITAL, PartyKind.RECEIVING_COUNTRY]
        ).order_by("name_en"),
        label=_("Receiving party"),
    )


class WithdrawForm(CaseActionForm):
    reason = _reason(_("Why the case is withdrawn"))


class DeathForm(CaseActionForm):
    on = forms.DateField(label=_("Date of death"), widget=_date_input())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = clock.today()

    def clean_on(self) -> datetime.date:
        on: datetime.date = self.cleaned_data["on"]
        if on > clock.today():
            raise forms.ValidationError(_("The date of death cannot be in the future."))
        return on


class AcceptForm(CaseActionForm):
    available_from = forms.DateField(
        label=_("Bed available from"), required=False, widget=_date_input()
    )


class DeclineForm(CaseActionForm):
    reason = _reason(_("Why your party declines"), required=False)


class DocumentForm(CaseActionForm):
    """A file to attach to the case: its kind, a short title and the file (PDF, JPEG or PNG)."""

    kind = forms.ChoiceField(choices=DocumentKind.choices, label=_("Kind of document"))
    title = forms.CharField(max_length=120, label=_("Short title"))
    file = forms.FileField(label=_("File (PDF, JPEG or PNG)"))

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        try:
            check_document(upload, upload.size or 0)
        except UploadRejected as exc:
            raise forms.ValidationError(_("File: %(problem)s") % {"problem": exc}) from exc
        return upload


class WithdrawDocumentForm(CaseActionForm):
    reason = _reason(_("Why the document is withdrawn"))
