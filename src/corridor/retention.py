"""Retention: anonymise closed records once their retention period has passed.

Each kind of record has a period in `settings.CORRIDOR_RETENTION_DAYS`, counted from the moment
it closed. When it has passed, the record's identity and clinical fields are replaced with
anonymised values; categories, urgency, dates of transitions and counts stay, so aggregates come
out the same. A person is anonymised once every record they appear in is retired, never while one
of them is still open or within its period. Nothing is deleted, and every run that changes
anything writes one audit event with the counts.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.db.models import Exists, OuterRef, Q, Value
from django.db.models.functions import Cast, Concat, TruncYear
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from corridor.audit import services as audit
from corridor.cases.models import (
    CLOSED_STATUSES,
    Case,
    CaseDocument,
    CaseStatus,
    Companion,
    DestinationOffer,
    UrgencyChange,
)
from corridor.crossings.models import Incident, IncidentReview
from corridor.exceptions import DomainError
from corridor.people.models import Person
from corridor.returns.models import ReturnCall, ReturnRegistration, ReturnStatus

# What an anonymised person's names become (stored data, shown as is in both languages).
ANONYMISED_NAME_AR = "مجهول"
ANONYMISED_NAME_LATIN = "Anonymised"
ANONYMISED_REFERENCE_PREFIX = "anonymised-"

PERSON = "person"


class RetentionNotConfigured(DomainError):
    pass


@dataclass(frozen=True)
class RecordKind:
    """A kind of record with a retention period: when it counts as closed, and since when."""

    code: str
    label: Promise
    model: type[models.Model]
    closed_statuses: frozenset[str] | None  # None: closed as soon as it is recorded
    closed_at_field: str
    anonymise: Callable[[models.QuerySet[Any], datetime.datetime], int]

    def period(self) -> datetime.timedelta | None:
        if self.code not in settings.CORRIDOR_RETENTION_DAYS:
            raise RetentionNotConfigured(
                _("CORRIDOR_RETENTION_DAYS has no period for %(kind)s.") % {"kind": self.code}
            )
        days = settings.CORRIDOR_RETENTION_DAYS[self.code]
        return None if days is None else datetime.timedelta(days=days)

    def closed_before(self, now: datetime.datetime) -> datetime.datetime | None:
        """Records closed before this moment are past their period (None: kept for ever)."""
        period = self.period()
        return None if period is None else now - period

    def _past_period(self, now: datetime.datetime, prefix: str = "") -> Q:
        before = self.closed_before(now)
        if before is None:
            return Q(pk__in=[])
        past = Q(**{f"{prefix}{self.closed_at_field}__lt": before})
        if self.closed_statuses is not None:
            past &= Q(**{f"{prefix}status__in": sorted(self.closed_statuses)})
        return past

    def retired(self, now: datetime.datetime, prefix: str = "") -> Q:
        """Records anonymised already or due to be: they no longer keep a person identifiable."""
        return Q(**{f"{prefix}anonymised_at__isnull": False}) | self._past_period(now, prefix)

    def due(self, now: datetime.datetime) -> models.QuerySet[Any]:
        """Records closed and past their period that are not anonymised yet."""
        return self.model._default_manager.filter(
            self._past_period(now), anonymised_at__isnull=True
        )


def _anonymise_cases(due: models.QuerySet[Any], now: datetime.datetime) -> int:
    # Free text about a case may name or describe the patient: it goes with the summary.
    DestinationOffer.objects.filter(case__in=due).update(note="")
    UrgencyChange.objects.filter(case__in=due).update(reason="")
    # Attached files (medical reports, passport copies) go with it; the row stays, counted.
    CaseDocument.objects.filter(case__in=due).update(
        content="", title="", sha256="", withdrawn_reason=""
    )
    return due.update(
        reference=Concat(
            Value(ANONYMISED_REFERENCE_PREFIX),
            Cast("pk", output_field=models.CharField()),
            output_field=models.CharField(),
        ),
        clinical_summary="",
        status_reason="",
        anonymised_at=now,
    )


def _anonymise_return_registrations(due: models.QuerySet[Any], now: datetime.datetime) -> int:
    # A registration holds no identity of its own: its people are anonymised as people. The
    # notes of the calls to them are free text that may name or describe them.
    ReturnCall.objects.filter(registration__in=due).update(note="")
    return due.update(anonymised_at=now)


def _anonymise_incidents(due: models.QuerySet[Any], now: datetime.datetime) -> int:
    IncidentReview.objects.filter(incident__in=due).update(note="")
    return due.update(narrative="", anonymised_at=now)


def record_kinds() -> list[RecordKind]:
    """The kinds of record that retention anonymises, in the order reports list them."""
    return [
        RecordKind(
            code="case",
            label=_("closed cases (admitted, died, withdrawn, not approved)"),
            model=Case,
            closed_statuses=CLOSED_STATUSES | {CaseStatus.NOT_APPROVED},
            closed_at_field="status_changed_at",
            anonymise=_anonymise_cases,
        ),
        RecordKind(
            code="return_registration",
            label=_("return registrations that crossed or were not eligible"),
            model=ReturnRegistration,
            closed_statuses=frozenset({ReturnStatus.CROSSED, ReturnStatus.INELIGIBLE}),
            closed_at_field="status_changed_at",
            anonymise=_anonymise_return_registrations,
        ),
        RecordKind(
            code="incident",
            label=_("protection incidents"),
            model=Incident,
            closed_statuses=None,
            closed_at_field="recorded_at",
            anonymise=_anonymise_incidents,
        ),
    ]


def _involvements(
    kinds: dict[str, RecordKind],
) -> list[tuple[models.QuerySet[Any], RecordKind, str]]:
    """Every way a person appears in a record: (rows pointing at the person, kind, path to it)."""
    household = ReturnRegistration.household_members.through
    incident_people = Incident.people.through
    return [
        (Case.objects.filter(patient=OuterRef("pk")), kinds["case"], ""),
        (Companion.objects.filter(person=OuterRef("pk")), kinds["case"], "case__"),
        (
            ReturnRegistration.objects.filter(person=OuterRef("pk")),
            kinds["return_registration"],
            "",
        ),
        (
            household.objects.filter(person=OuterRef("pk")),
            kinds["return_registration"],
            "returnregistration__",
        ),
        (incident_people.objects.filter(person=OuterRef("pk")), kinds["incident"], "incident__"),
    ]


def people_due(now: datetime.datetime) -> models.QuerySet[Person]:
    """People not yet anonymised who appear in at least one record, and in retired ones only."""
    kinds = {kind.code: kind for kind in record_kinds()}
    some_retired = Q()
    none_open = Q()
    for rows, kind, prefix in _involvements(kinds):
        retired = kind.retired(now, prefix)
        some_retired |= Q(Exists(rows.filter(retired)))
        none_open &= ~Q(Exists(rows.exclude(retired)))
    return Person.objects.filter(some_retired, none_open, anonymised_at__isnull=True)


def _anonymise_people(due: models.QuerySet[Person], now: datetime.datetime) -> int:
    from corridor.notify.models import Message

    # Messages to the person carry their name and dates: their text goes with the identity.
    Message.objects.filter(person__in=due.values("pk")).update(body="")
    # The year of birth stays so that breakdowns by age still add up.
    return due.update(
        given_name_ar=ANONYMISED_NAME_AR,
        father_name_ar="",
        grandfather_name_ar="",
        family_name_ar="",
        name_latin=ANONYMISED_NAME_LATIN,
        national_id="",
        passport_number="",
        phone="",
        date_of_birth=TruncYear("date_of_birth"),
        anonymised_at=now,
    )


@dataclass(frozen=True)
class KindReport:
    code: str
    label: str
    retention_days: int | None
    closed_before: datetime.datetime | None
    count: int


@dataclass(frozen=True)
class RetentionReport:
    """What a retention run found (dry run) or anonymised (apply), kind by kind."""

    at: datetime.datetime
    applied: bool
    kinds: list[KindReport]

    @property
    def counts(self) -> dict[str, int]:
        return {kind.code: kind.count for kind in self.kinds}

    @property
    def total(self) -> int:
        return sum(kind.count for kind in self.kinds)


def _report(now: datetime.datetime, counts: dict[str, int], *, applied: bool) -> RetentionReport:
    rows = []
    for kind in record_kinds():
        period = kind.period()
        rows.append(
            KindReport(
                code=kind.code,
                label=str(kind.label),
                retention_days=None if period is None else period.days,
                closed_before=kind.closed_before(now),
                count=counts[kind.code],
            )
        )
    rows.append(
        KindReport(
            code=PERSON,
            label=str(_("people whose every record is retired")),
            retention_days=None,
            closed_before=None,
            count=counts[PERSON],
        )
    )
    return RetentionReport(at=now, applied=applied, kinds=rows)


def review_retention(now: datetime.datetime | None = None) -> RetentionReport:
    """How many records and people `apply_retention` would anonymise now; changes nothing."""
    now = now or timezone.now()
    counts = {kind.code: kind.due(now).count() for kind in record_kinds()}
    counts[PERSON] = people_due(now).count()
    return _report(now, counts, applied=False)


def apply_retention(*, actor: Any = None, now: datetime.datetime | None = None) -> RetentionReport:
    """Anonymise every closed record past its period, and the people left only in such records.

    Idempotent: anonymised rows are marked and skipped, and a run with nothing to do writes no
    audit event.
    """
    now = now or timezone.now()
    with transaction.atomic():
        counts = {kind.code: kind.anonymise(kind.due(now), now) for kind in record_kinds()}
        counts[PERSON] = _anonymise_people(people_due(now), now)
        report = _report(now, counts, applied=True)
        if report.total:
            audit.record(
                "retention.applied",
                actor=actor,
                data={
                    "anonymised": report.counts,
                    "retention_days": {k.code: k.retention_days for k in report.kinds[:-1]},
                    "closed_before": {
                        k.code: k.closed_before.isoformat() if k.closed_before else None
                        for k in report.kinds[:-1]
                    },
                },
            )
    return report
