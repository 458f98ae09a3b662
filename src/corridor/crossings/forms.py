"""The forms of the batch page: what a coordinator or a crossing officer tells Corridor.

Forms check the shape of the input (a party that exists, a date, a file); whether the batch may
move is the services' business, and their refusal is shown as it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from corridor.accounts.models import Party
from corridor.crossings.models import Clearance, Outcome
from corridor.i18n import local_name


class PartyField(forms.ChoiceField):
    """A choice of party among those given, cleaned to the Party itself."""

    def __init__(self, *, parties: Sequence[Party] = (), **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.set_parties(parties)

    def set_parties(self, parties: Sequence[Party]) -> None:
        self.parties = {str(p.pk): p for p in parties}
        empty = [] if self.required else [("", "—")]
        self.choices = empty + [(str(p.pk), local_name(p)) for p in parties]

    def clean(self, value: Any) -> Party | None:
        value = super().clean(value)
        return self.parties.get(value) if value else None


class BatchForm(forms.Form):
    """A form whose party fields choose among the parties loaded once for the page."""

    def __init__(self, *args: Any, parties: Sequence[Party] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, PartyField):
                field.set_parties(parties)


class SubmitForm(BatchForm):
    party = PartyField(label=_("Submitted by"))


class ConfirmForm(BatchForm):
    party = PartyField(label=_("Confirmed by"))
    relayed_by = PartyField(label=_("Relayed by"), required=False)


class CoordinationKind:
    CANCEL = "cancel"
    SUSPEND = "suspend"
    RESUME = "resume"


class CoordinationForm(BatchForm):
    kind = forms.ChoiceField(label=_("What happened"))
    party = PartyField(label=_("Decided by"))
    relayed_by = PartyField(label=_("Relayed by"), required=False)
    relayed_to = PartyField(label=_("Relayed to"), required=False)
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("As the party gave it. A resumption is recorded without a reason."),
    )
    no_reason_given = forms.BooleanField(label=_("No reason given"), required=False)

    def __init__(self, *args: Any, kinds: Sequence[str] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = {
            CoordinationKind.CANCEL: _("Coordination cancelled"),
            CoordinationKind.SUSPEND: _("Coordination suspended"),
            CoordinationKind.RESUME: _("Coordination resumed"),
        }
        kind = self.fields["kind"]
        assert isinstance(kind, forms.ChoiceField)
        kind.choices = [(k, labels[k]) for k in kinds]


class PostponeForm(BatchForm):
    new_date = forms.DateField(label=_("New date"), widget=forms.DateInput(attrs={"type": "date"}))
    party = PartyField(label=_("Decided by"))
    reason = forms.CharField(
        label=_("Reason"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    no_reason_given = forms.BooleanField(label=_("No reason given"), required=False)


class ClearanceAnswersForm(BatchForm):
    """The answering party; the answers come from one select per person on the manifest."""

    party = PartyField(label=_("Answer given by"))


ANSWER_CHOICES = [
    ("", _("No change")),
    (Clearance.CLEARED, Clearance.CLEARED.label),
    (Clearance.REFUSED, Clearance.REFUSED.label),
    (Clearance.NO_ANSWER, Clearance.NO_ANSWER.label),
]


class ClearanceResultsForm(BatchForm):
    """The returned clearance list, pasted as lines or uploaded as the authority's file."""

    party = PartyField(label=_("Answer given by"))
    text = forms.CharField(
        label=_("Paste the answers"),
        required=False,
        max_length=200_000,
        widget=forms.Textarea(attrs={"rows": 4, "dir": "auto"}),
        help_text=_(
            "One person a line: the ID number, a comma, then cleared, refused or no answer."
        ),
    )
    file = forms.FileField(
        label=_("Or upload the returned list"),
        required=False,
        help_text=_(
            "The authority's XLSX or CSV file, with an ID number column and a result column."
        ),
    )
    dry_run = forms.BooleanField(label=_("Check only, record nothing"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        has_text = bool((data.get("text") or "").strip())
        has_file = data.get("file") is not None
        if has_text == has_file:
            raise forms.ValidationError(
                _("Paste the answers or upload the returned list (one of the two).")
            )
        return data


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[
            (Outcome.CROSSED, Outcome.CROSSED.label),
            (Outcome.TURNED_BACK, Outcome.TURNED_BACK.label),
            (Outcome.NO_SHOW, Outcome.NO_SHOW.label),
        ],
    )
    reason = forms.CharField(label=_("Reason for turning back"), required=False, max_length=300)
