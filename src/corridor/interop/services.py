"""Importing lists of patients (cases) and returnees from spreadsheets.

One import is one transaction: every valid row is written, or none is (unless the caller asks
to keep the valid rows). Rows are written in bulk; the audit gets one summary event per import
with counts and the file's name, never personal data.
"""

from __future__ import annotations

import datetime
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.utils.translation import gettext as _

from corridor import clock
from corridor.accounts.models import Facility, Party
from corridor.audit import services as audit
from corridor.cases.models import Case, CaseStatus, UrgencyTier
from corridor.interop.dedupe import Match, PeopleIndex, Ref
from corridor.interop.mapping import (
    ColumnMap,
    parse_overrides,
    resolve_columns,
)
from corridor.interop.models import ImportChannel, ImportRun, ImportSource
from corridor.interop.normalise import arabic_key
from corridor.interop.readers import Table
from corridor.interop.rows import Issue, Lookups, ParsedRow, RowParser
from corridor.people.identity import DEFAULT_PHONE_REGION
from corridor.people.models import Governorate, Person
from corridor.returns.models import EligibilityRule, ReturnRegistration, ReturnStatus
from corridor.returns.services import decide

CREATED, LINKED, UNCHANGED, REJECTED = "created", "linked", "unchanged", "rejected"
_BULK = 2000


@dataclass
class Duplicate:
    """A row found to be a person already known: linked to them, listed for someone to check."""

    row: int
    match: Match
    note: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "person_id": self.match.ref.person_id,
            "same_as_row": self.match.ref.row,
            "reason": self.match.reason,
            "note": self.note,
        }


@dataclass
class ImportReport:
    kind: str
    file_name: str
    source: str
    dry_run: bool
    columns: ColumnMap
    read: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    duplicates: list[Duplicate] = field(default_factory=list)
    rejected_rows: list[ParsedRow] = field(default_factory=list)
    eligibility: Counter[str] = field(default_factory=Counter)
    written: bool = False
    run_id: int | None = None  # the ImportRun of a written import

    def counts(self) -> dict[str, int]:
        return {
            "read": self.read,
            "created": self.outcomes[CREATED],
            "linked": self.outcomes[LINKED],
            "unchanged": self.outcomes[UNCHANGED],
            "rejected": self.outcomes[REJECTED],
            "warnings": len(self.warnings),
            "duplicates": len(self.duplicates),
        }

    def as_json(self) -> dict[str, Any]:
        def issue(i: Issue) -> dict[str, Any]:
            return {"row": i.row, "column": i.column, "problem": i.problem}

        return {
            "id": self.run_id,
            "kind": self.kind,
            "file": self.file_name,
            "source": self.source,
            "dry_run": self.dry_run,
            "written": self.written,
            "counts": self.counts(),
            "eligibility": dict(self.eligibility),
            "ignored_columns": self.columns.ignored,
            "errors": [issue(i) for i in self.errors],
            "warnings": [issue(i) for i in self.warnings],
            "duplicates": [d.as_dict() for d in self.duplicates],
        }


def build_lookups() -> Lookups:
    """Codes and names (Arabic and English, normalised) of facilities, tiers and governorates."""

    def index(rows: Any) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for pk, code, name_ar, name_en, *extra in rows:
            value = (pk, extra[0]) if extra else pk
            for key in (code, name_ar, name_en):
                result.setdefault(arabic_key(key), value)
        return result

    fields = ("pk", "code", "name_ar", "name_en")
    return Lookups(
        facilities=index(Facility.objects.values_list(*fields)),
        urgencies=index(UrgencyTier.objects.values_list(*fields)),
        governorates=index(Governorate.objects.values_list(*fields, "territory")),
    )


@dataclass
class _Plan:
    """What a valid row will write: a new person or a link, and a new record or none."""

    row: ParsedRow
    ref: Ref
    new_person: bool
    new_record: bool


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def shown_file_name(name: str) -> str:
    """A file's name as reports and records show it: no folders, no control characters."""
    return _CONTROL.sub("", Path(name.replace("\\", "/")).name)[:255]


def import_table(
    kind: str,
    table: Table,
    *,
    file_name: str,
    source: str = "",
    mapping: list[str] | None = None,
    columns: dict[str, str] | None = None,
    dry_run: bool = False,
    keep_valid: bool = False,
    registered_with: Party | None = None,
    phone_region: str = DEFAULT_PHONE_REGION,
    actor: Any = None,
    channel: str = ImportChannel.COMMAND,
) -> ImportReport:
    """Read, check, match and (unless a dry run or a rejected row stops it) write one file.

    `mapping` holds `HEADER=FIELD` choices as typed on the command line; `columns` holds choices
    already checked (normalised header -> field, "" for a column to leave out), as a page sends.
    """
    saved = ImportSource.objects.filter(name=source, kind=kind).first() if source else None
    overrides = {**(columns or {}), **parse_overrides(mapping or [], kind)}
    column_map = resolve_columns(
        table.headers,
        kind,
        saved=saved.mapping if saved else None,
        overrides=overrides,
    )
    report = ImportReport(
        kind, shown_file_name(file_name), source, dry_run, column_map, read=len(table.rows)
    )
    parser = RowParser(column_map, build_lookups(), phone_region=phone_region)
    rows = [parser.parse(number, values) for number, values in table.rows]
    for row in rows:
        report.warnings.extend(row.warnings)
        if not row.valid:
            report.errors.extend(row.errors)
            report.rejected_rows.append(row)
            report.outcomes[REJECTED] += 1
    valid = [row for row in rows if row.valid]
    if dry_run or (report.rejected_rows and not keep_valid):
        _match(kind, valid, report)
        return report
    with transaction.atomic():
        # One import writes at a time, and matches inside its transaction: it sees the people
        # and case references of the import before it, never half of them.
        _serialise_imports()
        plans = _match(kind, valid, report)
        _write(kind, plans, report, registered_with=registered_with)
        kept_valid = bool(keep_valid and report.rejected_rows)
        report.written = True
        details = report.as_json()
        run = ImportRun.objects.create(
            kind=kind,
            file_name=report.file_name,
            source=source,
            channel=channel,
            imported_by=actor if getattr(actor, "pk", None) else None,
            party=registered_with if kind == "returns" else getattr(actor, "party", None),
            imported_at=clock.now(),
            kept_valid_rows=kept_valid,
            counts=report.counts(),
            report={key: details[key] for key in RUN_REPORT_KEYS},
        )
        report.run_id = run.pk
        audit.record(
            f"import.{kind}",
            run,
            actor=actor,
            data={
                "file": report.file_name,
                "source": source,
                "channel": channel,
                "counts": report.counts(),
                "eligibility": dict(report.eligibility),
                "kept_valid_rows": kept_valid,
            },
        )
        if source:
            ImportSource.objects.update_or_create(
                name=source, kind=kind, defaults={"mapping": column_map.learnt()}
            )
    return report


# What an ImportRun keeps of the report, besides its counts.
RUN_REPORT_KEYS = ("eligibility", "ignored_columns", "errors", "warnings", "duplicates")


def _record_key(kind: str, ref: Ref, values: dict[str, Any]) -> tuple[Any, ...]:
    if kind == "returns":
        return (ref,)
    return (ref, values["referral_date"], values["clinical_category"])


def _existing_records(kind: str, person_ids: set[int]) -> set[tuple[Any, ...]]:
    found: set[tuple[Any, ...]] = set()
    ids = sorted(person_ids)
    for start in range(0, len(ids), _BULK):
        chunk = ids[start : start + _BULK]
        if kind == "returns":
            registered = ReturnRegistration.objects.filter(person_id__in=chunk)
            found.update(
                (Ref(person_id=pk),) for pk in registered.values_list("person_id", flat=True)
            )
        else:
            cases = Case.objects.filter(patient_id__in=chunk).values_list(
                "patient_id", "referral_date", "clinical_category"
            )
            found.update((Ref(person_id=pk), day, category) for pk, day, category in cases)
    return found


def _match(kind: str, rows: list[ParsedRow], report: ImportReport) -> list[_Plan]:
    index = PeopleIndex()
    index.load_existing(
        {r.values["national_id"] for r in rows if r.values.get("national_id")},
        {r.values["date_of_birth"] for r in rows},
    )
    matches: list[tuple[ParsedRow, Match | None]] = []
    for row in rows:
        national_id = row.values.get("national_id", "")
        match, doubt = index.find(national_id, row.name_key, row.values["date_of_birth"])
        if doubt:
            row.warnings.append(Issue(row.number, "", doubt))
            report.warnings.append(row.warnings[-1])
        if match is None:
            index.add(Ref(row=row.number), national_id, row.name_key, row.values["date_of_birth"])
        matches.append((row, match))
    existing = _existing_records(
        kind, {m.ref.person_id for _r, m in matches if m and m.ref.person_id is not None}
    )
    planned: dict[tuple[Any, ...], int] = {}
    plans = []
    for row, match in matches:
        ref = match.ref if match else Ref(row=row.number)
        key = _record_key(kind, ref, row.values)
        if key in existing:
            report.outcomes[UNCHANGED] += 1
            plans.append(_Plan(row, ref, new_person=False, new_record=False))
            continue
        if match is None:
            report.outcomes[CREATED] += 1
        else:
            report.outcomes[LINKED] += 1
            note = ""
            if key in planned:
                note = _("the same record as row %(row)s; not written twice.") % {
                    "row": planned[key]
                }
            report.duplicates.append(Duplicate(row.number, match, note))
        plans.append(_Plan(row, ref, new_person=match is None, new_record=key not in planned))
        planned.setdefault(key, row.number)
    return plans


def _write(
    kind: str, plans: list[_Plan], report: ImportReport, *, registered_with: Party | None
) -> None:
    people = {
        plan.row.number: Person(
            given_name_ar=plan.row.values["given_name"],
            father_name_ar=plan.row.values["father_name"],
            grandfather_name_ar=plan.row.values["grandfather_name"],
            family_name_ar=plan.row.values["family_name"],
            name_latin=plan.row.values.get("name_latin", ""),
            date_of_birth=plan.row.values["date_of_birth"],
            sex=plan.row.values.get("sex", ""),
            national_id=plan.row.values.get("national_id", ""),
            passport_number=plan.row.values.get("passport_number", ""),
            phone=plan.row.values.get("phone", ""),
            residence_id=(plan.row.values.get("residence") or (None, ""))[0],
        )
        for plan in plans
        if plan.new_person
    }
    Person.objects.bulk_create(people.values(), batch_size=_BULK)

    def person_id(ref: Ref) -> int:
        if ref.person_id is not None:
            return ref.person_id
        assert ref.row is not None
        pk = people[ref.row].pk
        assert pk is not None
        return pk

    new = [plan for plan in plans if plan.new_record]
    now = clock.now()
    if kind == "cases":
        _write_cases(new, person_id, now)
    else:
        _write_returns(new, person_id, now, report, registered_with)


# Any fixed number: the PostgreSQL advisory lock every import that writes takes first.
IMPORT_LOCK = 7_201_310


def _serialise_imports() -> None:
    """Wait for any other import's transaction to end; call inside the import's transaction.

    Case references are numbered from the highest already written, so two imports numbering
    at once would both take the same ones. PostgreSQL holds this lock until the transaction
    ends; SQLite lets one writer at a time anyway.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK])


def _next_case_numbers(year: int) -> int:
    """The next free number of the year's case references; the caller holds the import lock."""
    prefix = f"EV-{year}-"
    pattern = re.compile(rf"^{re.escape(prefix)}(\d+)$")
    numbers = [
        int(m.group(1))
        for ref in Case.objects.filter(reference__startswith=prefix).values_list(
            "reference", flat=True
        )
        if (m := pattern.match(ref))
    ]
    return max(numbers, default=0) + 1


def _write_cases(plans: list[_Plan], person_id: Any, now: datetime.datetime) -> None:
    """Register imported cases, as `registered` cases waiting for review."""
    next_number: dict[int, int] = {}
    cases = []
    for plan in plans:
        values = plan.row.values
        year = values["referral_date"].year
        number = next_number.get(year) or _next_case_numbers(year)
        next_number[year] = number + 1
        cases.append(
            Case(
                reference=f"EV-{year}-{number:06d}",
                patient_id=person_id(plan.ref),
                referring_facility_id=values["referring_facility"],
                referral_date=values["referral_date"],
                registered_at=now,
                clinical_category=values["clinical_category"],
                icd10_code=values.get("icd10_code", ""),
                urgency_id=values["urgency"],
                mobility=values.get("mobility", "seated"),
                status=CaseStatus.REGISTERED,
                status_changed_at=now,
            )
        )
    Case.objects.bulk_create(cases, batch_size=_BULK)


def _write_returns(
    plans: list[_Plan],
    person_id: Any,
    now: datetime.datetime,
    report: ImportReport,
    registered_with: Party | None,
) -> None:
    """Register imported returnees and decide each one's eligibility by the rule in force."""
    if registered_with is None:
        raise ValueError("registered_with is required to import returns")
    rule = EligibilityRule.objects.filter(active=True).first()
    linked = {plan.ref.person_id for plan in plans if plan.ref.person_id is not None}
    territories: dict[int, str] = dict(
        Person.objects.filter(pk__in=linked, residence__isnull=False).values_list(
            "pk", "residence__territory"
        )
    )
    registrations = []
    for plan in plans:
        values = plan.row.values
        territory = (
            territories.get(plan.ref.person_id)
            if plan.ref.person_id is not None
            else (values.get("residence") or (None, None))[1]
        )
        status, reason = ReturnStatus.REGISTERED, ""
        if rule is not None and territory:
            eligible, reason = decide(rule, territory, values["departure_date"])
            status = ReturnStatus.ELIGIBLE if eligible else ReturnStatus.INELIGIBLE
        report.eligibility[status] += 1
        registrations.append(
            ReturnRegistration(
                person_id=person_id(plan.ref),
                registered_with=registered_with,
                registered_on=values.get("registered_on") or clock.today(),
                current_location=values.get("current_location", ""),
                departure_date=values["departure_date"],
                status=status,
                status_changed_at=now,
                eligibility_rule=rule if status != ReturnStatus.REGISTERED else None,
                eligibility_reason=reason[:300],
            )
        )
    ReturnRegistration.objects.bulk_create(registrations, batch_size=_BULK)
