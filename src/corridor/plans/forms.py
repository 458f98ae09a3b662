"""What a coordinator tells the planner: which days to plan, and which case to take off a day.

Forms check the shape of the input; whether a plan may change is the services' business.
"""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from corridor import clock
from corridor.crossings.models import Crossing
from corridor.i18n import local_name

# The page waits for the planner: beyond a month the plan is guesswork anyway.
MAX_DAYS = 30


class NewPlanForm(forms.Form):
    crossing = forms.ChoiceField(label=_("Crossing"))
    first_day = forms.DateField(
        label=_("First day"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    days = forms.IntegerField(
        label=_("Days"),
        min_value=1,
        max_value=MAX_DAYS,
        help_text=_("How many crossing days to plan, from the first day (at most 30)."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        crossings = list(Crossing.objects.filter(allows_out=True).order_by("code"))
        self.crossings = {c.code: c for c in crossings}
        field = self.fields["crossing"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(c.code, local_name(c)) for c in crossings]
        self.initial.setdefault("first_day", clock.today())
        self.initial.setdefault("days", settings.CORRIDOR_PLAN_DAYS)
        if crossings:
            self.initial.setdefault("crossing", crossings[0].code)

    def clean_first_day(self) -> datetime.date:
        first_day: datetime.date = self.cleaned_data["first_day"]
        if first_day < clock.today():
            raise forms.ValidationError(_("The first day cannot be in the past."))
        return first_day

    def clean_crossing(self) -> Crossing:
        return self.crossings[self.cleaned_data["crossing"]]


class HoldBackForm(forms.Form):
    """Take one case off one day of a proposal; the planner finds it a later day if it can.

    The page offers the day's cases in a list; the service checks the case is on that day.
    """

    date = forms.DateField(label=_("Day"))
    case = forms.CharField(label=_("Case"), max_length=30)
    reason = forms.CharField(label=_("Reason"), max_length=300)
