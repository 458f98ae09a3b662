"""Forms of the incident pages: the list's filters, recording an incident, reviewing one."""

from __future__ import annotations

import datetime
import re
from typing import Any

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from corridor import clock
from corridor.crossings.incidents import TRAVEL_WINDOW_DAYS, travellers_near
from corridor.crossings.models import Crossing, IncidentKind, IncidentSeverity, IncidentStatus
from corridor.i18n import local_name
from corridor.people.models import Person
from corridor.people.names import latin_digits

DATE_INPUT = {"type": "date"}
MAX_PEOPLE = 30
NOT_ASSESSED = "not_assessed"
_SEPARATORS = re.compile(r"[\s,;،؛]+")


class CrossingChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: models.Model) -> str:
        return local_name(obj)


class IncidentFilter(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("Any"))] + IncidentKind.choices
    )
    severity = forms.ChoiceField(
        label=_("Severity"),
        required=False,
        # "Not assessed" is stored empty, so the filter names it apart from "any".
        choices=[("", _("Any"))]
        + [(value or NOT_ASSESSED, label) for value, label in IncidentSeverity.choices],
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any"))] + IncidentStatus.choices
    )
    since = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(DATE_INPUT))
    until = forms.DateField(label=_("Until"), required=False, widget=forms.DateInput(DATE_INPUT))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            self.add_error("until", _("'Until' is before 'From'; swap the dates."))
        return data

    def filter(self, incidents: models.QuerySet[Any]) -> models.QuerySet[Any]:
        """The incidents that pass the filters; call once the form is valid."""
        data = self.cleaned_data
        for name in ("kind", "status"):
            if data.get(name):
                incidents = incidents.filter(**{name: data[name]})
        if data.get("severity"):
            severity = data["severity"]
            incidents = incidents.filter(severity="" if severity == NOT_ASSESSED else severity)
        if data.get("since"):
            incidents = incidents.filter(occurred_on__gte=data["since"])
        if data.get("until"):
            incidents = incidents.filter(occurred_on__lte=data["until"])
        return incidents


def national_ids(text: str) -> list[str]:
    """The ID numbers typed in a box, one per line or separated by commas, in Latin digits."""
    return list(dict.fromkeys(part for part in _SEPARATORS.split(latin_digits(text)) if part))


class IncidentForm(forms.Form):
    crossing = CrossingChoiceField(
        label=_("Crossing"), queryset=Crossing.objects.order_by("code"), empty_label=None
    )
    occurred_on = forms.DateField(label=_("Date"), widget=forms.DateInput(DATE_INPUT))
    place = forms.CharField(
        label=_("Place"),
        required=False,
        max_length=200,
        help_text=_("Where at the crossing, e.g. the hall on the far side."),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", _("Choose…"))] + IncidentKind.choices)
    severity = forms.ChoiceField(
        label=_("Severity"),
        choices=[("", _("Choose…"))]
        + [(value, label) for value, label in IncidentSeverity.choices if value],
    )
    people = forms.CharField(
        label=_("ID numbers of the people involved"),
        required=False,
        widget=forms.Textarea({"rows": 3}),
        help_text=_(
            "One per line. Only people listed on a batch of this crossing within a few days of"
            " the incident can be named."
        ),
    )
    narrative = forms.CharField(
        label=_("What happened"),
        widget=forms.Textarea({"rows": 8}),
        help_text=_("Encrypted when stored; every reading of it is recorded."),
    )

    def __init__(self, *args: Any, crossing: Crossing | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A crossing officer records incidents where they work, and only there: without an
        # assigned crossing there is nothing to choose.
        field = self.fields["crossing"]
        field.queryset = (  # type: ignore[attr-defined]
            Crossing.objects.filter(pk=crossing.pk) if crossing else Crossing.objects.none()
        )
        self.fields["occurred_on"].initial = clock.today
        self.people_found: list[Person] = []

    def clean_occurred_on(self) -> Any:
        day = self.cleaned_data["occurred_on"]
        if day > clock.today():
            raise forms.ValidationError(
                _("The date is after today; an incident is recorded once it happened.")
            )
        return day

    def clean_narrative(self) -> str:
        text = str(self.cleaned_data["narrative"]).strip()
        if not text:
            raise forms.ValidationError(_("Say what happened."))
        return text

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        crossing, day = data.get("crossing"), data.get("occurred_on")
        if crossing is not None and day is not None:
            found, problem = find_travellers(crossing, data.get("people", ""), day)
            self.people_found = found
            if problem:
                self.add_error("people", problem)
        return data


def _id_problem(wanted: list[str]) -> str:
    """What is wrong with the ID numbers as typed, before any is looked up; empty if nothing."""
    if len(wanted) > MAX_PEOPLE:
        return str(
            _("At most %(limit)s people can be named; %(count)s ID numbers were given.")
            % {"limit": MAX_PEOPLE, "count": len(wanted)}
        )
    not_numbers = [value for value in wanted if not value.isdigit()]
    if not_numbers:
        return str(_("%(value)s is not an ID number (digits only).") % {"value": not_numbers[0]})
    return ""


def find_travellers(crossing: Crossing, text: str, day: datetime.date) -> tuple[list[Person], str]:
    """The people named by ID numbers among the crossing's travellers around the day.

    Returns them and what is wrong if any. Only people on a batch of the crossing (or who
    crossed it) within TRAVEL_WINDOW_DAYS of the day are looked at.
    """
    wanted = national_ids(text)
    if not wanted:
        return [], ""
    problem = _id_problem(wanted)
    if problem:
        return [], problem
    found = list(
        travellers_near(crossing, day).filter(national_id__in=wanted).order_by("national_id", "pk")
    )
    missing = [value for value in wanted if value not in {p.national_id for p in found}]
    if missing:
        return found, str(
            _(
                "No one with the ID number %(ids)s was listed on a batch of %(crossing)s"
                " within %(days)s days of %(date)s."
            )
            % {
                "ids": ", ".join(missing),
                "crossing": local_name(crossing),
                "days": TRAVEL_WINDOW_DAYS,
                "date": day.isoformat(),
            }
        )
    return found, ""


def match_ids(
    crossing: Crossing, text: str, day: datetime.date
) -> tuple[list[tuple[str, bool]], list[Person], str]:
    """Whether each ID number typed matches a traveller around the day, without naming anyone.

    Returns (ID number, matched) pairs, the people found (kept out of the page until the
    incident is recorded) and what is wrong if anything.
    """
    found, problem = find_travellers(crossing, text, day)
    wanted = national_ids(text)
    if not wanted or _id_problem(wanted):
        return [], found, problem
    matched = {person.national_id for person in found}
    return [(number, number in matched) for number in wanted], found, problem


class ReviewForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=IncidentStatus.choices)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea({"rows": 3}),
        help_text=_("Needed to close an incident: what was done, to whom it was referred."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("status") == IncidentStatus.CLOSED and not str(data.get("note", "")).strip():
            self.add_error(
                "note", _("Say why the incident is closed: a note is needed to close it.")
            )
        return data
