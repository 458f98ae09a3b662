"""The shapes the API reads and writes; personal fields follow the profiles, never more."""

from __future__ import annotations

import datetime
from typing import Any, Literal

from ninja import Field, Schema

MAX_LIMIT = 200
DEFAULT_LIMIT = 50
MAX_ID = 2**31 - 1


class ErrorDetail(Schema):
    code: str
    message: str


class ErrorOut(Schema):
    """The one error body of every refusal: `{"error": {"code": ..., "message": ...}}`."""

    error: ErrorDetail


class PageIn(Schema):
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0, le=MAX_ID)


class CaseFilters(PageIn):
    status: str | None = Field(None, max_length=30, pattern=r"^[a-z_]+$")
    urgency: str | None = Field(None, max_length=30, pattern=r"^[-a-z0-9_]+$")
    category: str | None = Field(None, max_length=30, pattern=r"^[a-z_]+$")


class StatusFilter(PageIn):
    status: str | None = Field(None, max_length=30, pattern=r"^[a-z_]+$")


class CaseOut(Schema):
    reference: str
    status: str
    clinical_category: str
    urgency: str
    referral_date: datetime.date
    mobility: str


class IdentityOut(Schema):
    """What the case page shows of the patient to roles holding `case.identity`."""

    name_ar: str
    name_latin: str
    date_of_birth: datetime.date
    referring_facility: str


class ReceivingOut(Schema):
    """The receiving hospital profile without the clinical summary (given apart, when allowed)."""

    reference: str
    age: int
    sex: str
    clinical_category: str
    icd10_code: str
    mobility: str
    companions: int
    companion_relationships: str


class CaseDetailOut(CaseOut):
    identity: IdentityOut | None
    receiving: ReceivingOut | None
    clinical_summary: str | None


class CasePage(Schema):
    count: int
    limit: int
    offset: int
    items: list[CaseOut]


class BatchOut(Schema):
    id: int
    number: int
    kind: str
    crossing: str
    direction: str
    planned_date: datetime.date
    status: str


class BatchPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[BatchOut]


class ClearanceRow(Schema):
    """One row of the clearance list profile."""

    seat: int
    name_ar: str
    name_latin: str
    date_of_birth: str
    sex: str
    national_id: str
    role: str


class BatchDetailOut(BatchOut):
    members: list[ClearanceRow]


class EventOut(Schema):
    id: int
    kind: str
    party: str | None
    reason: str
    previous_date: datetime.date | None
    new_date: datetime.date | None
    at: datetime.datetime


class MovementOut(Schema):
    id: int
    crossing: str
    direction: str
    date: datetime.date
    at: datetime.datetime
    batch: int | None
    outcome: str


class MovementPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[MovementOut]


class RegistrationOut(Schema):
    """What the return registrations page shows of each registration."""

    id: int
    name_ar: str
    national_id: str
    registered_on: datetime.date
    departure_date: datetime.date
    status: str
    eligibility_reason: str


class RegistrationPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[RegistrationOut]


class ClearanceIn(Schema):
    result: Literal["cleared", "refused", "no_answer"]
    party: str | None = Field(None, min_length=1, max_length=40)


class ClearanceOut(Schema):
    seat: int
    clearance: str
    active: bool


Aggregates = dict[str, Any]


class ImportCounts(Schema):
    read: int
    created: int
    linked: int
    unchanged: int
    rejected: int
    warnings: int
    duplicates: int


class ImportIssue(Schema):
    """A problem in one cell of one row (column "" for the row as a whole)."""

    row: int
    column: str
    problem: str


class ImportDuplicate(Schema):
    """A row found to be a person already known (`person_id`) or an earlier row of the file."""

    row: int
    person_id: int | None
    same_as_row: int | None
    reason: str
    note: str


class ImportReportOut(Schema):
    """What an import did, or (a dry run) would do; `id` names the import once written."""

    id: int | None
    kind: str
    file: str
    source: str
    dry_run: bool
    written: bool
    counts: ImportCounts
    eligibility: dict[str, int]
    ignored_columns: list[str]
    errors: list[ImportIssue]
    warnings: list[ImportIssue]
    duplicates: list[ImportDuplicate]


class ImportRunOut(Schema):
    id: int
    kind: str
    file: str
    source: str
    channel: str
    imported_at: datetime.datetime
    imported_by: str | None
    kept_valid_rows: bool
    counts: ImportCounts


class ImportRunPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[ImportRunOut]


class ImportRunDetailOut(ImportRunOut):
    eligibility: dict[str, int]
    ignored_columns: list[str]
    errors: list[ImportIssue]
    warnings: list[ImportIssue]
    duplicates: list[ImportDuplicate]


class ImportFilters(PageIn):
    kind: Literal["cases", "returns"] | None = None


class PersonFilters(PageIn):
    national_id: str | None = Field(None, min_length=1, max_length=20, pattern=r"^[0-9A-Za-z]+$")
    name: str | None = Field(None, min_length=2, max_length=60, pattern=r"^[^\x00-\x1f\x7f]+$")
    case: str | None = Field(None, min_length=1, max_length=30, pattern=r"^[-A-Za-z0-9_]+$")


class PersonIdentityOut(Schema):
    """What the case page shows of a person to roles holding `case.identity`."""

    name_ar: str
    name_latin: str
    date_of_birth: datetime.date
    national_id: str


class PersonCaseOut(Schema):
    reference: str
    role: Literal["patient", "companion"]


class PersonOut(Schema):
    """A person in the cases the caller may see; identity only where the policy allows it."""

    id: int
    sex: str
    age: int
    identity: PersonIdentityOut | None
    cases: list[PersonCaseOut]


class PersonPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[PersonOut]
