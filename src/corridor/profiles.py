"""Named data views ("profiles"): the fixed list of fields each recipient may receive.

Pages, the API and exports all render a profile's rows, so what a recipient gets cannot differ
between an HTML page and a file. Each profile also names the fields it must never carry, which
the tests check in every output format.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from corridor import clock
from corridor.cases.models import CaseStatus, ClinicalCategory, MobilityNeed
from corridor.crossings.models import Clearance, MemberRole
from corridor.i18n import local_name
from corridor.people.models import Sex


@dataclass(frozen=True)
class Column:
    key: str
    label: Any  # a lazy translation
    value: Callable[[Any], Any]
    # Files carry codes; pages show the code's label in the reader's language.
    labels: dict[str, Any] | None = None

    def display(self, value: Any) -> Any:
        return self.labels.get(value, value) if self.labels else value


@dataclass(frozen=True)
class Profile:
    name: str
    label: Any
    purpose: str
    columns: tuple[Column, ...]
    never: tuple[str, ...]  # fields of the record this profile must never carry

    def rows(self, objects: Iterable[Any]) -> list[dict[str, Any]]:
        """One dict per object, holding exactly this profile's columns."""
        return [{c.key: c.value(obj) for c in self.columns} for obj in objects]

    @property
    def keys(self) -> list[str]:
        return [c.key for c in self.columns]

    @property
    def headers(self) -> list[str]:
        """The columns' labels in the active language, for files that people read."""
        return [str(c.label) for c in self.columns]


def _age(person: Any) -> int:
    return int(person.age_on(clock.today()))


CLEARANCE_LIST = Profile(
    name="clearance",
    label=_("Clearance list"),
    purpose="security clearance of the people on a batch",
    columns=(
        Column("seat", _("Seat"), lambda m: m.seat),
        Column("name_ar", _("Name (Arabic)"), lambda m: m.person.name_ar),
        Column("name_latin", _("Name (Latin)"), lambda m: m.person.name_latin),
        Column("date_of_birth", _("Date of birth"), lambda m: m.person.date_of_birth.isoformat()),
        Column("sex", _("Sex"), lambda m: m.person.sex, dict(Sex.choices)),
        Column("national_id", _("ID number"), lambda m: m.person.national_id),
        Column("role", _("Role in the batch"), lambda m: m.role, dict(MemberRole.choices)),
    ),
    never=(
        "clinical_summary",
        "clinical_category",
        "icd10_code",
        "urgency",
        "diagnosis",
        "phone",
    ),
)


def _is_child(member: Any) -> bool:
    limit: int = settings.CORRIDOR_CHILD_AGE_LIMIT
    return bool(member.person.is_child_on(member.batch.planned_date, limit))


def _checked_in_at(member: Any) -> str:
    return (
        timezone.localtime(member.checked_in_at).strftime("%H:%M") if member.checked_in_at else ""
    )


# The manifest printed for the assembly point and shown on the check-in screen: who to expect and
# whether they may board. No date of birth (a child is flagged instead), nothing clinical.
MANIFEST = Profile(
    name="manifest",
    label=_("Manifest"),
    purpose="check people in at the assembly point and at the crossing",
    columns=(
        Column("seat", _("Seat"), lambda m: m.seat),
        Column("name_ar", _("Name (Arabic)"), lambda m: m.person.name_ar),
        Column("name_latin", _("Name (Latin)"), lambda m: m.person.name_latin),
        Column("national_id", _("ID number"), lambda m: m.person.national_id),
        Column("role", _("Role in the batch"), lambda m: m.role, dict(MemberRole.choices)),
        Column("child", _("Child"), _is_child),
        Column("clearance", _("Clearance"), lambda m: m.clearance, dict(Clearance.choices)),
        Column(
            "clearance_party",
            _("Cleared or refused by"),
            lambda m: local_name(m.clearance_party),
        ),
        Column(
            "needs_reconfirmation",
            _("Clearance to be re-confirmed"),
            lambda m: m.needs_reconfirmation,
        ),
        Column("checked_in_at", _("Checked in at"), _checked_in_at),
    ),
    never=(
        "clinical_summary",
        "clinical_category",
        "icd10_code",
        "urgency",
        "diagnosis",
        "phone",
        "passport_number",
        "date_of_birth",
    ),
)


def _companions(case: Any) -> list[Any]:
    from corridor.cases.models import ACTIVE_COMPANION_STATUSES

    return [c for c in case.companions.all() if c.status in ACTIVE_COMPANION_STATUSES]


RECEIVING_HOSPITAL = Profile(
    name="receiving",
    label=_("Receiving hospital"),
    purpose="decide on and prepare the admission of offered cases",
    columns=(
        Column("reference", _("Reference"), lambda c: c.reference),
        Column("age", _("Age"), lambda c: _age(c.patient)),
        Column("sex", _("Sex"), lambda c: c.patient.sex, dict(Sex.choices)),
        Column(
            "clinical_category",
            _("Clinical category"),
            lambda c: c.clinical_category,
            dict(ClinicalCategory.choices),
        ),
        Column("icd10_code", _("ICD-10"), lambda c: c.icd10_code),
        Column("clinical_summary", _("Clinical summary"), lambda c: c.clinical_summary),
        Column("mobility", _("Mobility need"), lambda c: c.mobility, dict(MobilityNeed.choices)),
        Column("companions", _("Companions"), lambda c: len(_companions(c))),
        Column(
            "companion_relationships",
            _("Companions' relationship"),
            lambda c: ", ".join(sorted(comp.relationship for comp in _companions(c))),
        ),
    ),
    never=("national_id", "passport_number", "phone", "clearance", "name_ar", "name_latin"),
)


def receiving_queryset(cases: QuerySet[Any]) -> QuerySet[Any]:
    return cases.select_related("patient").prefetch_related("companions")


def _batch_number(row: Any) -> int | str:
    return row.batch.number if row.batch else ""


# The waiting list as a coordinator or a referral officer exports it: who waits, how urgently,
# since when, and where they stand; names but no ID number, nothing clinical beyond the category.
WAITING_LIST = Profile(
    name="waiting-list",
    label=_("Waiting list"),
    purpose="coordination of the waiting list",
    columns=(
        Column("reference", _("Reference"), lambda r: r.case.reference),
        Column("name_ar", _("Name (Arabic)"), lambda r: r.name_ar or ""),
        Column("name_latin", _("Name (Latin)"), lambda r: r.name_latin or ""),
        Column("urgency", _("Urgency"), lambda r: r.case.urgency.code),
        Column(
            "clinical_category",
            _("Clinical category"),
            lambda r: r.case.clinical_category,
            dict(ClinicalCategory.choices),
        ),
        Column("referral_date", _("Referral date"), lambda r: r.case.referral_date.isoformat()),
        Column("days_waiting", _("Days waiting"), lambda r: r.days_waiting),
        Column("age", _("Age"), lambda r: r.age),
        Column("child", _("Child"), lambda r: r.is_child),
        Column("companions", _("Companions"), lambda r: r.companions),
        Column("destination_accepted", _("Destination accepted"), lambda r: r.destination_code),
        Column("status", _("Status"), lambda r: r.case.status, dict(CaseStatus.choices)),
        Column("batch", _("Planned batch"), _batch_number),
        Column(
            "batch_date",
            _("Batch date"),
            lambda r: r.batch.planned_date.isoformat() if r.batch else "",
        ),
    ),
    never=(
        "national_id",
        "passport_number",
        "phone",
        "date_of_birth",
        "clinical_summary",
        "icd10_code",
        "clearance",
    ),
)


def suppress(count: int, threshold: int) -> int | str:
    """A count for publication: any count below the threshold is shown as '<threshold'."""
    return f"<{threshold}" if count < threshold else count


def withheld() -> str:
    """How a total withheld by complementary suppression is shown, in the reader's language."""
    return gettext("withheld")


def suppress_total(parts: Iterable[int], threshold: int, total: int | None = None) -> int | str:
    """A total shown beside its parts, with complementary suppression.

    Small, it is '<threshold' like any count; otherwise it is withheld when any of its parts is
    hidden, since the total less the parts shown would give the hidden part away. `total`, when
    given, is the total of parts shown elsewhere (a margin checked against every cell of a table).
    """
    parts = list(parts)
    value = sum(parts) if total is None else total
    if value < threshold:
        return f"<{threshold}"
    if any(part < threshold for part in parts):
        return withheld()
    return value


def suppress_margin(counts: list[int], threshold: int) -> list[int | str]:
    """The counts of one breakdown for publication, with secondary suppression.

    Counts below the threshold show as '<threshold'. When exactly one is hidden, the next
    smallest is withheld too: the breakdown's total, known from another breakdown of the same
    people, less the counts shown would otherwise give the hidden one away.
    """
    shown: list[int | str] = [suppress(count, threshold) for count in counts]
    hidden = [i for i, count in enumerate(counts) if count < threshold]
    if len(hidden) == 1 and len(counts) > 1:
        others = [i for i in range(len(counts)) if i not in hidden]
        smallest = min(others, key=lambda i: counts[i])
        shown[smallest] = withheld()
    return shown


# Counts of people in the situation's data; quotas and dates are not counts of people.
PEOPLE_COUNTS = frozenset(
    {
        "crossed_out",
        "crossed_in",
        "turned_back_out",
        "turned_back_in",
        "members",
        "count",
        "waiting_total",
        "decided",
        "eligible",
        "ineligible",
        "undecided",
    }
)


def suppress_counts(data: Any, threshold: int) -> Any:
    """A copy of nested situation data with every count of people below the threshold hidden."""
    if isinstance(data, dict):
        return {
            key: suppress(value, threshold)
            if key in PEOPLE_COUNTS and isinstance(value, int)
            else suppress_counts(value, threshold)
            for key, value in data.items()
        }
    if isinstance(data, list):
        return [suppress_counts(item, threshold) for item in data]
    return data


def analyst_tables(threshold: int) -> dict[str, Any]:
    """Aggregates only, every breakdown with small cells suppressed."""
    from corridor.cases.models import Case, CaseStatus, UrgencyTier
    from corridor.crossings.models import Movement
    from corridor.returns.models import ReturnRegistration

    def table(rows: Iterable[tuple[Any, ...]], keys: list[str]) -> list[dict[str, Any]]:
        out = []
        for row in rows:
            *labels, count = row
            item = dict(zip(keys, labels, strict=True))
            item["count"] = count if isinstance(count, str) else suppress(int(count), threshold)
            out.append(item)
        return out

    tiers = {t.pk: local_name(t) for t in UrgencyTier.objects.all()}
    waiting = Case.objects.waiting()
    cells = list(
        waiting.values_list("urgency", "clinical_category")
        .annotate(n=Count("id"))
        .order_by("urgency", "clinical_category")
    )

    def margin(index: int) -> list[tuple[Any, Any]]:
        # A margin of the urgency by category table: withheld when one of its cells is hidden,
        # lest the margin less the cells shown give the hidden cell away.
        parts: dict[Any, list[int]] = defaultdict(list)
        for cell in cells:
            parts[cell[index]].append(cell[2])
        return [(key, suppress_total(parts[key], threshold)) for key in sorted(parts)]

    by_urgency = [(tiers.get(u, "?"), n) for u, n in margin(0)]
    by_category = margin(1)
    by_urgency_category = [(tiers.get(u, "?"), c, n) for u, c, n in cells]
    movements = (
        Movement.objects.values_list("date", "direction", "outcome")
        .annotate(n=Count("id"))
        .order_by("date", "direction", "outcome")
    )
    deaths = (
        Case.objects.filter(status=CaseStatus.DIED)
        .values_list("urgency")
        .annotate(n=Count("id"))
        .order_by("urgency")
    )
    returns = (
        ReturnRegistration.objects.values_list("status").annotate(n=Count("id")).order_by("status")
    )
    return {
        "threshold": threshold,
        "waiting_by_urgency": table(by_urgency, ["urgency"]),
        "waiting_by_category": table(by_category, ["clinical_category"]),
        "waiting_by_urgency_and_category": table(
            by_urgency_category, ["urgency", "clinical_category"]
        ),
        "movements_by_day": table(
            ((d.isoformat(), di, o, n) for d, di, o, n in movements),
            ["date", "direction", "outcome"],
        ),
        "deaths_while_waiting_by_urgency": table(
            ((tiers.get(u, "?"), n) for u, n in deaths), ["urgency"]
        ),
        "returns_by_status": table(returns, ["status"]),
    }
