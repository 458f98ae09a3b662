"""Forms of the returns pages: the filters of the list, a list for a date, a call's outcome."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import models
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from corridor import clock
from corridor.accounts.models import Facility, FacilityKind
from corridor.crossings.models import Crossing
from corridor.i18n import local_name
from corridor.people.models import Governorate
from corridor.returns.models import CallOutcome, ReturnStatus

MAX_LIST_SIZE = 500
DATE_INPUT = {"type": "date"}


class LocalNameChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """Choices named in the reader's language, chosen by their code."""

    def label_from_instance(self, obj: models.Model) -> str:
        return local_name(obj)


class Eligibility(models.TextChoices):
    ELIGIBLE = "eligible", _("Eligible")
    INELIGIBLE = "ineligible", _("Not eligible")
    UNDECIDED = "undecided", _("Not decided yet")


# Every status a registration reaches once it was decided eligible.
DECIDED_ELIGIBLE = [
    ReturnStatus.ELIGIBLE,
    ReturnStatus.LISTED,
    ReturnStatus.CLEARED,
    ReturnStatus.CALLED,
    ReturnStatus.CROSSED,
    ReturnStatus.TURNED_BACK,
]


class RegistrationFilter(forms.Form):
    q = forms.CharField(
        label=_("Name or ID number"),
        required=False,
        max_length=100,
        help_text=_("Arabic or Latin letters; spelling variants of hamza and taa marbuta match."),
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any"))] + ReturnStatus.choices
    )
    eligibility = forms.ChoiceField(
        label=_("Eligibility"), required=False, choices=[("", _("Any"))] + Eligibility.choices
    )
    governorate = LocalNameChoiceField(
        label=_("Governorate of residence"),
        queryset=Governorate.objects.order_by("code"),
        required=False,
        to_field_name="code",
        empty_label=_("Any"),
    )
    registered_from = forms.DateField(
        label=_("Registered from"), required=False, widget=forms.DateInput(DATE_INPUT)
    )
    registered_until = forms.DateField(
        label=_("Registered until"), required=False, widget=forms.DateInput(DATE_INPUT)
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("registered_from"), data.get("registered_until")
        if since and until and since > until:
            self.add_error(
                "registered_until",
                _("'Registered until' is before 'Registered from'; swap the dates."),
            )
        return data

    def filter(self, registrations: models.QuerySet[Any]) -> models.QuerySet[Any]:
        """The registrations that pass the filters; call once the form is valid."""
        data = self.cleaned_data
        if data.get("status"):
            registrations = registrations.filter(status=data["status"])
        eligibility = data.get("eligibility")
        if eligibility == Eligibility.ELIGIBLE:
            registrations = registrations.filter(status__in=DECIDED_ELIGIBLE)
        elif eligibility == Eligibility.INELIGIBLE:
            registrations = registrations.filter(status=ReturnStatus.INELIGIBLE)
        elif eligibility == Eligibility.UNDECIDED:
            registrations = registrations.filter(status=ReturnStatus.REGISTERED)
        if data.get("governorate"):
            registrations = registrations.filter(person__residence=data["governorate"])
        if data.get("registered_from"):
            registrations = registrations.filter(registered_on__gte=data["registered_from"])
        if data.get("registered_until"):
            registrations = registrations.filter(registered_on__lte=data["registered_until"])
        return registrations


class ListDateForm(forms.Form):
    """Which crossing day's return list to show."""

    date = forms.DateField(label=_("Crossing date"), widget=forms.DateInput(DATE_INPUT))
    crossing = LocalNameChoiceField(
        label=_("Crossing"),
        queryset=Crossing.objects.filter(allows_in=True).order_by("code"),
        to_field_name="code",
        empty_label=None,
    )

    @classmethod
    def defaults(cls, params: QueryDict) -> QueryDict:
        """The request's parameters, with today and the first crossing where they give none."""
        data = params.copy()
        if not data.get("date"):
            data["date"] = clock.today().isoformat()
        if not data.get("crossing"):
            first = Crossing.objects.filter(allows_in=True).order_by("code").first()
            data["crossing"] = first.code if first is not None else ""
        return data


class BuildListForm(ListDateForm):
    """How many eligible returnees to put on the date's return batch, and where they assemble."""

    count = forms.IntegerField(
        label=_("How many people to list"), min_value=1, max_value=MAX_LIST_SIZE
    )
    assembly_point = LocalNameChoiceField(
        label=_("Assembly point"),
        queryset=Facility.objects.filter(kind=FacilityKind.ASSEMBLY_POINT).order_by("code"),
        to_field_name="code",
        required=False,
        empty_label=_("The crossing itself"),
        help_text=_("Used when the date has no return batch yet."),
    )


class CallForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome of the call"), choices=CallOutcome.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=300,
        widget=forms.TextInput,
        help_text=_("Optional, for the next caller: e.g. call after 18:00."),
    )
