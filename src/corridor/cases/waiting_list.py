"""The waiting list: cases waiting to leave, filtered, searched and sorted, a page at a time.

Queries stay few and fixed whatever the number of rows: a count and the page's ids (a search
lists every matching id in one pass instead), the page's cases, then one query each for their
companions, accepted destinations, planned batches and the rows whose identity the user may see.
A search by name reads the stored, folded `Person.search_key`.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    Max,
    OuterRef,
    Q,
    QuerySet,
)
from django.utils.translation import gettext_lazy as _

from corridor import clock
from corridor.accounts import policy
from corridor.cases.models import (
    ACTIVE_COMPANION_STATUSES,
    WAITING_STATUSES,
    Case,
    CaseStatus,
    ClinicalCategory,
    Companion,
    DestinationOffer,
    OfferStatus,
    UrgencyTier,
)
from corridor.crossings.models import BatchMember, MemberRole
from corridor.i18n import local_name
from corridor.people import search
from corridor.people.names import latin_digits

# Waiting to leave: approved and not yet gone, planned on a batch or not.
WAITING_TO_LEAVE = WAITING_STATUSES | {CaseStatus.LISTED, CaseStatus.CLEARED}
ANY_STATUS = "any"
# Fewer exact matches than this, and names a typing slip away are searched for as well.
FEW_MATCHES = 5
# A search made of digits (and spaces or dashes) is an ID number; with a digit, maybe a reference.
_ID_NUMBER = re.compile(r"^[\d\s\-]{5,}$")
_REFERENCE = re.compile(r"^[\w\-/]*\d[\w\-/]*$")
MAX_DAYS = 36_500


@dataclass(frozen=True)
class Sort:
    label: Any
    fields: tuple[str, ...]  # each ascending, or each descending
    descending: bool = False

    @property
    def order_by(self) -> list[str]:
        return [("-" if self.descending else "") + field for field in self.fields]


SORTS = {
    "priority": Sort(_("Most urgent first"), ("urgency__rank", "referral_date", "pk")),
    "longest": Sort(_("Longest waiting first"), ("referral_date", "pk")),
    "newest": Sort(_("Newest referral first"), ("referral_date", "pk"), descending=True),
    "reference": Sort(_("Reference"), ("reference",)),
}


class WaitingListFilter(forms.Form):
    """The filters of the waiting list, read from the query string."""

    q = forms.CharField(label=_("Name, ID number or reference"), required=False, max_length=100)
    urgency = forms.ChoiceField(label=_("Urgency"), required=False)
    category = forms.ChoiceField(
        label=_("Clinical category"),
        required=False,
        choices=[("", _("All categories")), *ClinicalCategory.choices],
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", _("Waiting to leave")),
            (ANY_STATUS, _("Any status")),
            *CaseStatus.choices,
        ],
    )
    destination = forms.ChoiceField(
        label=_("Destination accepted"),
        required=False,
        choices=[("", _("Accepted or not")), ("yes", _("Accepted")), ("no", _("Not yet"))],
    )
    age = forms.ChoiceField(
        label=_("Patient's age"),
        required=False,
        choices=[("", _("Children and adults")), ("child", _("Children")), ("adult", _("Adults"))],
    )
    waited_min = forms.IntegerField(
        label=_("Waiting at least (days)"), required=False, min_value=0, max_value=MAX_DAYS
    )
    waited_max = forms.IntegerField(
        label=_("Waiting at most (days)"), required=False, min_value=0, max_value=MAX_DAYS
    )
    sort = forms.ChoiceField(
        label=_("Sort"),
        required=False,
        choices=[(key, sort.label) for key, sort in SORTS.items()],
    )

    def __init__(
        self,
        *args: Any,
        tiers: Sequence[UrgencyTier],
        names: bool,
        outcomes: bool = True,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        if not outcomes:  # a receiving party neither sees nor filters by security decisions
            del self.fields["status"]
        urgency = self.fields["urgency"]
        assert isinstance(urgency, forms.ChoiceField)
        urgency.choices = [("", _("All urgencies"))] + [
            (tier.code, local_name(tier)) for tier in tiers
        ]
        if not names:
            self.fields["q"].label = _("Case reference")
            self.fields["q"].help_text = _(
                "Your role does not show patients' names or ID numbers: search by case reference."
            )
        for name, field in self.fields.items():
            if name != "q":
                field.widget.attrs["class"] = "filter"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        low, high = data.get("waited_min"), data.get("waited_max")
        if low is not None and high is not None and low > high:
            self.add_error(
                "waited_max",
                _("Waiting at most (days) cannot be less than waiting at least (days)."),
            )
        return data


@dataclass(frozen=True)
class Search:
    """What the search box asked for and how it was understood."""

    text: str = ""
    by_name: bool = False
    forgiving: bool = False  # names a typing slip away were searched for as well


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _filtered(cases: QuerySet[Case], data: dict[str, Any]) -> QuerySet[Case]:
    today = clock.today()
    status = data.get("status") or ""
    if status == "":
        cases = cases.filter(status__in=WAITING_TO_LEAVE)
    elif status != ANY_STATUS:
        cases = cases.filter(status=status)
    if data.get("urgency"):
        cases = cases.filter(urgency__code=data["urgency"])
    if data.get("category"):
        cases = cases.filter(clinical_category=data["category"])
    accepted = Exists(
        DestinationOffer.objects.filter(case=OuterRef("pk"), status=OfferStatus.ACCEPTED)
    )
    if data.get("destination") == "yes":
        cases = cases.filter(accepted)
    elif data.get("destination") == "no":
        cases = cases.filter(~accepted)
    adult_born_by = _years_before(today, settings.CORRIDOR_CHILD_AGE_LIMIT)
    if data.get("age") == "child":
        cases = cases.filter(patient__date_of_birth__gt=adult_born_by)
    elif data.get("age") == "adult":
        cases = cases.filter(patient__date_of_birth__lte=adult_born_by)
    if data.get("waited_min") is not None:
        cases = cases.filter(referral_date__lte=today - datetime.timedelta(days=data["waited_min"]))
    if data.get("waited_max") is not None:
        cases = cases.filter(referral_date__gte=today - datetime.timedelta(days=data["waited_max"]))
    return cases


def _by_reference(cases: QuerySet[Case], text: str) -> QuerySet[Case]:
    """Cases whose reference holds `text`; none when `text` cannot be part of a reference.

    A name is never also looked for among references: the name search can then use an index.
    """
    if _REFERENCE.match(text):
        return cases.filter(reference__icontains=text)
    return cases.none()


def _name_vocabulary() -> search.Vocabulary:
    # Every case's words, whatever the user may see: they only suggest spellings, and the rows
    # found still come through the user's scope. A new case changes the version; a name
    # corrected in place waits for the cache to expire.
    version = Case.objects.aggregate(last=Max("pk"))["last"]
    return search.vocabulary(
        version,
        lambda: Case.objects.values_list("patient__search_key", flat=True).iterator(2000),
    )


@dataclass(frozen=True)
class Selection:
    """The cases a request selects, sorted, with how the search was understood."""

    cases: QuerySet[Case]
    search: Search
    # A search lists the matching cases' ids in one pass, rather than counting, then paging.
    ids: list[int] | None = None


def _found(cases: QuerySet[Case], sort: Sort, exact: Q | None = None) -> list[tuple[int, bool]]:
    """The ids of the cases a search found, sorted, each with whether it matched `exact`.

    Sorted here rather than by the database: sorting by urgency makes SQLite walk an index of
    every waiting case to read each one's patient, slower than reading them in table order.
    """
    if exact is None:
        rows = [(row[0], True, row[1:]) for row in cases.order_by().values_list("pk", *sort.fields)]
    else:
        flagged = cases.order_by().annotate(
            exact_match=ExpressionWrapper(exact, output_field=BooleanField())
        )
        rows = [
            (row[0], bool(row[1]), row[2:])
            for row in flagged.values_list("pk", "exact_match", *sort.fields)
        ]
    rows.sort(key=lambda row: row[2], reverse=sort.descending)
    return [(pk, matched) for pk, matched, _key in rows]


def _ids(cases: QuerySet[Case], sort: Sort) -> list[int]:
    return [pk for pk, _matched in _found(cases, sort)]


def waiting_cases(user: Any, form: WaitingListFilter) -> Selection:
    """The cases the user may see that the filters select, sorted.

    Names and ID numbers are searched only among the cases whose identity the user may see;
    a case reference among all of them.
    """
    cases = policy.scope(user, policy.CASE_VIEW, Case.objects.all())
    if form.is_bound and not form.is_valid():
        return Selection(cases.none(), Search(), [])
    data = form.cleaned_data if form.is_bound else {}
    sort = SORTS.get(data.get("sort") or "priority", SORTS["priority"])
    cases = _filtered(cases, data).order_by(*sort.order_by)
    text = " ".join(latin_digits(data.get("q") or "").split())
    if not text:
        return Selection(cases, Search())
    by_reference = _by_reference(cases, text)
    identity = policy.allows(user, policy.CASE_IDENTITY)
    if identity and _ID_NUMBER.match(text):
        national_id = re.sub(r"[\s\-]", "", text)
        identified = policy.scope(user, policy.CASE_IDENTITY, cases)
        selected = _either(by_reference, identified.filter(patient__national_id=national_id))
        return Selection(selected, Search(text, by_name=True), _ids(selected, sort))
    if not identity or _REFERENCE.match(text):  # names have no digits
        return Selection(by_reference, Search(text, by_name=identity), _ids(by_reference, sort))
    identified = policy.scope(user, policy.CASE_IDENTITY, cases)
    field = "patient__search_key"
    names = search.name_filter(text, field)
    forgiving = identified.filter(names | search.forgiving_filter(text, field, _name_vocabulary()))
    # One pass over the cases finds the exact and the similar names, telling them apart; the
    # similar ones are shown only when the exact ones are few.
    found = _found(forgiving, sort, exact=names)
    exact_ids = [pk for pk, exact in found if exact]
    if len(exact_ids) >= FEW_MATCHES:
        return Selection(identified.filter(names), Search(text, by_name=True), exact_ids)
    return Selection(
        forgiving, Search(text, by_name=True, forgiving=True), [pk for pk, _exact in found]
    )


def _either(first: QuerySet[Case], second: QuerySet[Case]) -> QuerySet[Case]:
    """Cases in either selection, in one query (both DISTINCT or neither, as SQL requires)."""
    if first.query.distinct or second.query.distinct:
        return first.distinct() | second.distinct()
    return first | second


@dataclass(frozen=True)
class PlannedBatch:
    pk: int
    number: int
    planned_date: datetime.date
    status: str
    status_label: str


@dataclass(frozen=True)
class WaitingRow:
    """One line of the waiting list, as the page and the export show it."""

    case: Case
    urgency: str  # labels in the reader's language
    category: str
    status: str
    name_ar: str | None  # None: the user may not see this patient's identity
    name_latin: str | None
    days_waiting: int
    age: int
    is_child: bool
    companions: int
    destination: str  # the receiving party that accepted, in the reader's language
    destination_code: str
    batch: PlannedBatch | None

    @property
    def reference(self) -> str:
        return self.case.reference


def page_cases(cases: QuerySet[Case]) -> QuerySet[Case]:
    """The columns a page of the waiting list reads, with its patient and urgency tier."""
    return cases.select_related("patient", "urgency").only(
        "reference",
        "referral_date",
        "clinical_category",
        "status",
        "urgency__code",
        "urgency__rank",
        "urgency__name_ar",
        "urgency__name_en",
        "patient__given_name_ar",
        "patient__father_name_ar",
        "patient__grandfather_name_ar",
        "patient__family_name_ar",
        "patient__name_latin",
        "patient__date_of_birth",
    )


def shows_outcomes(user: Any) -> bool:
    """Whether the user sees cases' statuses and planned batches on the waiting list.

    A receiving party (the receiving hospital profile: cases without identity) does not see
    security decisions: whether a case was cleared or turned back, nor its batch and date.
    """
    return policy.allows(user, policy.CASE_IDENTITY)


def rows(user: Any, cases: Iterable[Case]) -> list[WaitingRow]:
    """The lines of these cases: four queries, however many cases.

    For a user who does not see security outcomes, every line's status is empty and its batch
    None.
    """
    cases = list(cases)
    outcomes = shows_outcomes(user)
    ids = [case.pk for case in cases]
    today = clock.today()
    identified = set(
        policy.scope(user, policy.CASE_IDENTITY, Case.objects.filter(pk__in=ids)).values_list(
            "pk", flat=True
        )
        if policy.allows(user, policy.CASE_IDENTITY)
        else ()
    )
    companions = dict(
        Companion.objects.filter(case_id__in=ids, status__in=ACTIVE_COMPANION_STATUSES)
        .values_list("case_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    destinations: dict[int, tuple[str, str]] = {}
    accepted = (
        DestinationOffer.objects.filter(case_id__in=ids, status=OfferStatus.ACCEPTED)
        .select_related("receiving_party")
        .order_by("answered_on", "pk")
    )
    own_party = getattr(user, "party_id", None)
    for offer in accepted:
        party = offer.receiving_party
        if offer.case_id in identified or party.pk == own_party:
            destinations.setdefault(offer.case_id, (local_name(party), party.code))
        else:  # a receiving party learns that another accepted, not which one
            destinations.setdefault(offer.case_id, (str(_("Another destination")), ""))
    batches: dict[int | None, PlannedBatch] = {}
    memberships = (
        BatchMember.objects.filter(
            case_id__in=ids if outcomes else [], role=MemberRole.PATIENT, active=True
        )
        .select_related("batch")
        .order_by("batch__planned_date", "pk")
    )
    for member in memberships:
        batch = member.batch
        batches.setdefault(
            member.case_id,
            PlannedBatch(
                batch.pk,
                batch.number,
                batch.planned_date,
                batch.status,
                batch.get_status_display(),
            ),
        )
    child_limit: int = settings.CORRIDOR_CHILD_AGE_LIMIT
    # Labels translated once, not once per row (a choice label is looked up through every choice).
    categories = {code: str(label) for code, label in ClinicalCategory.choices}
    statuses = {code: str(label) for code, label in CaseStatus.choices}
    urgencies: dict[Any, str] = {}
    lines = []
    for case in cases:
        patient = case.patient
        known = case.pk in identified
        age = patient.age_on(today)
        destination = destinations.get(case.pk, ("", ""))
        lines.append(
            WaitingRow(
                case=case,
                urgency=urgencies.setdefault(case.urgency.pk, local_name(case.urgency)),
                category=categories.get(case.clinical_category, case.clinical_category),
                status=statuses.get(case.status, case.status) if outcomes else "",
                name_ar=patient.name_ar if known else None,
                name_latin=patient.name_latin if known else None,
                days_waiting=(today - case.referral_date).days,
                age=age,
                is_child=age < child_limit,
                companions=companions.get(case.pk, 0),
                destination=destination[0],
                destination_code=destination[1],
                batch=batches.get(case.pk),
            )
        )
    return lines


def waiting_page(
    user: Any, selection: Selection, number: Any, size: int
) -> tuple[Page[Any], list[WaitingRow]]:
    """One page of the selection and its lines.

    The page's ids come first (sorting touches the cases alone), then the page's rows with their
    patients: the database never joins people to the whole waiting list to sort it.
    """
    ids = (
        selection.ids if selection.ids is not None else selection.cases.values_list("pk", flat=True)
    )
    page = Paginator(ids, size).get_page(number)
    page_ids = list(page.object_list)
    by_pk = {case.pk: case for case in page_cases(Case.objects.filter(pk__in=page_ids))}
    return page, rows(user, [by_pk[pk] for pk in page_ids if pk in by_pk])


def rows_in_chunks(user: Any, cases: QuerySet[Case], size: int = 1000) -> list[WaitingRow]:
    """Every line of a (large) selection, a chunk of cases at a time."""
    lines: list[WaitingRow] = []
    ids = list(cases.values_list("pk", flat=True))
    for start in range(0, len(ids), size):
        chunk = ids[start : start + size]
        by_pk = {case.pk: case for case in page_cases(Case.objects.filter(pk__in=chunk))}
        lines += rows(user, [by_pk[pk] for pk in chunk])
    return lines


def tiers() -> list[UrgencyTier]:
    return list(UrgencyTier.objects.order_by("rank"))


def query_without_page(params: Any) -> str:
    """The query string of the filters, to carry them onto the other pages and the exports."""
    kept = params.copy()
    kept.pop("page", None)
    return str(kept.urlencode())
