"""The permission policy: which role may do what, and on which rows.

Every view, export and command that touches personal data names one action of this module;
`tests/accounts/test_policy.py` fails when a URL or a command has none. Rows are scoped here, not in
views: a view asks `scope(user, action, queryset)` or `get_visible_or_404(...)`.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from corridor import clock
from corridor.accounts.models import BreakGlassGrant, Role, User
from corridor.audit import services as audit

M = TypeVar("M", bound=models.Model)
View = Callable[..., HttpResponse]

# Actions
SITUATION_VIEW = "situation.view"
CASE_VIEW = "case.view"
CASE_CLINICAL = "case.clinical"
CASE_IDENTITY = "case.identity"
CASE_URGENCY = "case.urgency"
CASE_REVIEW = "case.review"
CASE_MANAGE = "case.manage"
CASE_EXPORT = "case.export"
CASE_DOCUMENT_ATTACH = "case.document.attach"
OFFER_ANSWER = "offer.answer"
SITUATION_DETAIL = "situation.detail"
BATCH_VIEW = "batch.view"
CLEARANCE_RECORD = "clearance.record"
MOVEMENT_VIEW = "movement.view"
MANIFEST_EXPORT = "manifest.export"
MANIFEST_PRINT = "manifest.print"
CHECK_IN = "member.check_in"
BATCH_MANAGE = "batch.manage"
MOVEMENT_RECORD = "movement.record"
PLAN_VIEW = "plan.view"
PLAN_MANAGE = "plan.manage"
RECEIVING_VIEW = "receiving.view"
RECEIVING_EXPORT = "receiving.export"
AGGREGATES_VIEW = "aggregates.view"
AGGREGATES_EXPORT = "aggregates.export"
INCIDENT_VIEW = "incident.view"
INCIDENT_RECORD = "incident.record"
INCIDENT_REVIEW = "incident.review"
RETURN_VIEW = "return.view"
RETURN_MANAGE = "return.manage"
AUDIT_VIEW = "audit.view"
BREAK_GLASS_REQUEST = "breakglass.request"
BREAK_GLASS_REVIEW = "breakglass.review"
ACCOUNT_SELF = "account.self"
ADMIN_SITE = "admin.site"
OPERATOR_COMMAND = "operator.command"
MESSAGES_VIEW = "messages.view"
CASES_IMPORT = "cases.import"
RETURNS_IMPORT = "returns.import"
IMPORT_VIEW = "import.view"

ALL_ROLES = frozenset(Role.values)
# Actions on one case, scoped by the same rows as seeing it.
CASE_ACTIONS = frozenset(
    {
        CASE_VIEW,
        CASE_CLINICAL,
        CASE_IDENTITY,
        CASE_URGENCY,
        CASE_REVIEW,
        CASE_MANAGE,
        CASE_EXPORT,
        CASE_DOCUMENT_ATTACH,
    }
)


@dataclass(frozen=True)
class Rule:
    """Who may perform an action routinely, and who may break the glass for one record."""

    action: str
    roles: frozenset[str]
    description: str
    break_glass_roles: frozenset[str] = frozenset()


def _rule(action: str, roles: set[str], description: str, glass: set[str] | None = None) -> Rule:
    return Rule(action, frozenset(roles), description, frozenset(glass or ()))


R = Role
RULES: dict[str, Rule] = {
    rule.action: rule
    for rule in [
        _rule(SITUATION_VIEW, set(ALL_ROLES), "The situation in figures (no personal data)."),
        _rule(
            CASE_VIEW,
            {R.COORDINATOR, R.MEDICAL_REVIEWER, R.REFERRAL_OFFICER, R.RECEIVING_LIAISON},
            "A case's identity, category, urgency and status.",
        ),
        _rule(
            CASE_IDENTITY,
            {R.COORDINATOR, R.MEDICAL_REVIEWER, R.REFERRAL_OFFICER},
            "A patient's name and date of birth on the case page (not for receiving parties).",
        ),
        _rule(
            CASE_EXPORT,
            {R.COORDINATOR, R.REFERRAL_OFFICER},
            "Export of the waiting list with patients' names (audited as shared).",
        ),
        _rule(
            CASE_DOCUMENT_ATTACH,
            {R.COORDINATOR, R.MEDICAL_REVIEWER, R.REFERRAL_OFFICER},
            "Attach a document (PDF, JPEG, PNG) to a case, or withdraw one with a reason.",
        ),
        _rule(
            CASE_URGENCY,
            {R.MEDICAL_REVIEWER, R.REFERRAL_OFFICER},
            "Change a case's urgency tier, stating the reason (kept in its history).",
        ),
        _rule(
            CASE_REVIEW,
            {R.MEDICAL_REVIEWER},
            "Review a case: start the review, approve it (Form No. 1) or reject it with a reason.",
        ),
        _rule(
            CASE_MANAGE,
            {R.COORDINATOR},
            "Offer a case to a receiving party, withdraw it, or record a death while waiting.",
        ),
        _rule(
            OFFER_ANSWER,
            {R.RECEIVING_LIAISON},
            "Accept or decline a case offered to the user's own party.",
        ),
        _rule(
            SITUATION_DETAIL,
            set(ALL_ROLES) - {R.ANALYST},
            "Exact operational counts on the situation page (analysts see small cells hidden).",
        ),
        _rule(
            CASE_CLINICAL,
            {R.MEDICAL_REVIEWER, R.REFERRAL_OFFICER, R.RECEIVING_LIAISON},
            "A case's clinical summary (every read is audited).",
            glass={R.COORDINATOR},
        ),
        _rule(
            BATCH_VIEW,
            {R.COORDINATOR, R.CROSSING_OFFICER},
            "A batch's manifest in the clearance profile (identity only).",
        ),
        _rule(
            CLEARANCE_RECORD,
            {R.COORDINATOR},
            "Record a party's clearance answer for a person on a batch.",
        ),
        _rule(
            MOVEMENT_VIEW,
            {R.COORDINATOR, R.CROSSING_OFFICER},
            "Crossings of people, without names (a crossing officer: theirs, today and tomorrow).",
        ),
        _rule(
            MANIFEST_EXPORT,
            {R.COORDINATOR},
            "Share a batch's clearance list with an authority (audited as shared).",
        ),
        _rule(
            MANIFEST_PRINT,
            {R.COORDINATOR, R.CROSSING_OFFICER},
            "A batch's manifest as a PDF with a check-in code per person (audited as shared).",
        ),
        _rule(
            CHECK_IN,
            {R.COORDINATOR, R.CROSSING_OFFICER},
            "Check the people of a batch in at its assembly point.",
        ),
        _rule(
            BATCH_MANAGE,
            {R.COORDINATOR},
            "Move a batch along: submit its list, confirm, record coordination events, postpone.",
        ),
        _rule(
            MOVEMENT_RECORD,
            {R.COORDINATOR, R.CROSSING_OFFICER},
            "Record that a person on a batch crossed, was turned back or did not come.",
        ),
        _rule(
            PLAN_VIEW,
            {R.COORDINATOR},
            "The planner's proposals day by day, with explanations and what changed.",
        ),
        _rule(
            PLAN_MANAGE,
            {R.COORDINATOR},
            "Run the planner, take a case off a day of a proposal, accept a plan into batches.",
        ),
        _rule(
            RECEIVING_VIEW,
            {R.RECEIVING_LIAISON},
            "Cases offered to the user's own party, in the receiving hospital profile.",
        ),
        _rule(RECEIVING_EXPORT, {R.RECEIVING_LIAISON}, "Export of the receiving profile."),
        _rule(
            AGGREGATES_VIEW,
            {R.ANALYST, R.COORDINATOR},
            "Aggregates with small cells suppressed.",
        ),
        _rule(AGGREGATES_EXPORT, {R.ANALYST, R.COORDINATOR}, "Export of aggregates."),
        _rule(
            INCIDENT_VIEW,
            {R.CROSSING_OFFICER},
            "Protection incidents recorded by the user's own party (every read is audited).",
            glass={R.COORDINATOR},
        ),
        _rule(
            INCIDENT_RECORD,
            {R.CROSSING_OFFICER},
            "Record a protection incident at a crossing (the narrative is encrypted at rest).",
        ),
        _rule(
            INCIDENT_REVIEW,
            {R.CROSSING_OFFICER},
            "Review the protection incidents of the user's own party: open, under review, closed.",
        ),
        _rule(RETURN_VIEW, {R.RETURNS_OFFICER}, "Return registrations of the user's own party."),
        _rule(
            RETURN_MANAGE,
            {R.RETURNS_OFFICER},
            "Decide eligibility, list returnees for a date and call them (their phone is shown).",
        ),
        _rule(AUDIT_VIEW, {R.AUDITOR}, "The audit log, filtered by person, user, party, date."),
        _rule(
            BREAK_GLASS_REQUEST,
            {R.COORDINATOR},
            "Ask for time-limited access to one record, stating a reason.",
        ),
        _rule(BREAK_GLASS_REVIEW, {R.AUDITOR}, "Review break-the-glass accesses."),
        _rule(ACCOUNT_SELF, set(ALL_ROLES), "The user's own account (sign out everywhere)."),
        _rule(ADMIN_SITE, {R.ADMINISTRATOR}, "Configuration: parties, crossings, quotas, users."),
        _rule(
            MESSAGES_VIEW,
            {R.COORDINATOR},
            "The messages sent to a case's people (kind, status, time; no phone number).",
        ),
        _rule(
            CASES_IMPORT,
            {R.COORDINATOR},
            "Import a list of patients (cases) from a spreadsheet, after a dry run.",
        ),
        _rule(
            RETURNS_IMPORT,
            {R.RETURNS_OFFICER},
            "Import a list of returnees, registered with the user's own party, after a dry run.",
        ),
        _rule(
            IMPORT_VIEW,
            {R.COORDINATOR, R.RETURNS_OFFICER},
            "Past imports and their reports (a returns officer: the own party's returns).",
        ),
        _rule(
            OPERATOR_COMMAND,
            {R.ADMINISTRATOR},
            "A management command run on the server by its operator, who holds shell access.",
        ),
    ]
}

# URL names and namespaces that need no policy: nothing personal behind them.
PUBLIC_URL_NAMES = frozenset(
    {
        "healthz",
        "set_language",
        "javascript-catalog",
        # django-allauth's pages routed by corridor.accounts.security_urls (its URL names carry no
        # namespace): signing in, and the signed-in user's own password and two-factor set-up.
        "account_login",
        "account_logout",
        "account_inactive",
        "account_reauthenticate",
        "account_change_password",
        "mfa_index",
        "mfa_authenticate",
        "mfa_reauthenticate",
        "mfa_activate_totp",
        "mfa_deactivate_totp",
        "mfa_view_recovery_codes",
        "mfa_generate_recovery_codes",
        "mfa_download_recovery_codes",
    }
)
PUBLIC_NAMESPACES = frozenset({"account", "mfa"})  # sign-in flows of django-allauth


def allows(user: Any, action: str) -> bool:
    """True when the user may perform `action` routinely (on the rows `scope` gives)."""
    rule = RULES[action]
    return bool(getattr(user, "is_authenticated", False)) and user.has_role(*rule.roles)


def may_break_glass(user: Any, action: str) -> bool:
    rule = RULES[action]
    return (
        bool(getattr(user, "is_authenticated", False))
        and bool(rule.break_glass_roles)
        and user.has_role(*rule.break_glass_roles)
    )


def _today() -> datetime.date:
    return clock.today()


def _row_filters(user: User, action: str) -> list[models.Q]:
    """One Q per role of the user that grants `action`; Q() means every row."""
    from corridor.cases.models import CaseStatus

    held = user.role_codes & RULES[action].roles
    nothing = models.Q(pk__in=[])
    filters: list[models.Q] = []
    for role in sorted(held):
        if action in CASE_ACTIONS:
            if role == R.COORDINATOR:
                filters.append(models.Q())
            elif role == R.MEDICAL_REVIEWER:
                filters.append(
                    models.Q(status__in=[CaseStatus.REGISTERED, CaseStatus.UNDER_REVIEW])
                )
            elif role == R.REFERRAL_OFFICER:
                filters.append(
                    models.Q(referring_facility_id=user.facility_id)
                    if user.facility_id
                    else nothing
                )
            elif role == R.RECEIVING_LIAISON:
                filters.append(
                    models.Q(
                        offers__receiving_party_id=user.party_id,
                        offers__status__in=["offered", "accepted"],
                    )
                    if user.party_id
                    else nothing
                )
        elif action == OFFER_ANSWER:
            filters.append(models.Q(receiving_party_id=user.party_id) if user.party_id else nothing)
        elif action in (RECEIVING_VIEW, RECEIVING_EXPORT):
            filters.append(
                models.Q(
                    offers__receiving_party_id=user.party_id,
                    offers__status__in=["offered", "accepted"],
                )
                if user.party_id
                else nothing
            )
        elif action in (
            BATCH_VIEW,
            MANIFEST_EXPORT,
            MANIFEST_PRINT,
            CHECK_IN,
            BATCH_MANAGE,
            MOVEMENT_RECORD,
            CLEARANCE_RECORD,
            MOVEMENT_VIEW,
        ):
            if role == R.COORDINATOR:
                filters.append(models.Q())
            elif role == R.CROSSING_OFFICER:
                today = _today()
                day_field = "date" if action == MOVEMENT_VIEW else "planned_date"
                filters.append(
                    models.Q(
                        crossing_id=user.crossing_id,
                        **{f"{day_field}__in": [today, today + datetime.timedelta(days=1)]},
                    )
                    if user.crossing_id
                    else nothing
                )
        elif action in (INCIDENT_VIEW, INCIDENT_REVIEW):
            filters.append(
                models.Q(recorded_by__party_id=user.party_id) if user.party_id else nothing
            )
        elif action in (RETURN_VIEW, RETURN_MANAGE):
            filters.append(models.Q(registered_with_id=user.party_id) if user.party_id else nothing)
        elif action == IMPORT_VIEW:
            if role == R.COORDINATOR:
                filters.append(models.Q(kind="cases"))
            elif role == R.RETURNS_OFFICER:
                filters.append(
                    models.Q(kind="returns", party_id=user.party_id) if user.party_id else nothing
                )
        else:
            filters.append(models.Q())
    return filters


def scope(user: Any, action: str, queryset: models.QuerySet[M]) -> models.QuerySet[M]:
    """The rows of `queryset` that `user` may see for `action` routinely (none if not allowed)."""
    if not allows(user, action):
        return queryset.none()
    filters = _row_filters(user, action)
    if any(not row_filter for row_filter in filters):
        # One of the user's roles sees every row: no join, so no duplicate to remove (a DISTINCT
        # over 22,000 cases costs the waiting list most of its time).
        return queryset.all()
    combined = models.Q(pk__in=[])
    for row_filter in filters:
        combined |= row_filter
    scoped = queryset.filter(combined)
    if action in CASE_ACTIONS or action in (RECEIVING_VIEW, RECEIVING_EXPORT):
        scoped = scoped.distinct()
    return scoped


def active_grant(user: Any, action: str, obj: models.Model) -> BreakGlassGrant | None:
    """The user's unexpired break-the-glass grant for `action` on `obj`, if any."""
    if not may_break_glass(user, action):
        return None
    return (
        BreakGlassGrant.objects.filter(
            user=user,
            action=action,
            object_type=obj._meta.label_lower,
            object_id=str(obj.pk),
            # Security timers run on real time, like the audit log, never on a demo clock.
            expires_at__gt=timezone.now(),
        )
        .order_by("-expires_at")
        .first()
    )


def can_access(user: Any, action: str, obj: models.Model) -> bool:
    """True when `user` may perform `action` on this one record, routinely or by a grant."""
    queryset = type(obj)._default_manager.filter(pk=obj.pk)
    return scope(user, action, queryset).exists() or active_grant(user, action, obj) is not None


def record_refusal(user: Any, action: str, path: str, detail: str = "") -> None:
    """Audit a refused access: who, what they asked for, where."""
    with transaction.atomic():
        audit.record(
            "permission.refused",
            user if getattr(user, "pk", None) else None,
            actor=user if getattr(user, "pk", None) else None,
            data={"action": action, "path": path[:300], "detail": detail[:300]},
        )


def get_visible_or_404(
    request: HttpRequest, action: str, queryset: models.QuerySet[M], **lookup: Any
) -> M:
    """The object the user may see for `action`, or 404 (never 403: existence is not revealed)."""
    obj = scope(request.user, action, queryset).filter(**lookup).first()
    if obj is not None:
        return obj
    obj = queryset.filter(**lookup).first()
    if obj is not None and active_grant(request.user, action, obj) is not None:
        return obj
    record_refusal(request.user, action, request.path, "out of scope or absent")
    raise Http404(_("Not found."))


def requires(action: str) -> Callable[[View], View]:
    """Declare the policy a view acts under: sign-in, then the role check (403 when refused)."""
    if action not in RULES:
        raise KeyError(f"unknown policy action {action!r}")

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
            if not (allows(user, action) or may_break_glass(user, action)):
                record_refusal(user, action, request.path, "role")
                raise PermissionDenied(_("Your role does not allow this."))
            return view(request, *args, **kwargs)

        wrapper.corridor_policy = action  # type: ignore[attr-defined]
        return wrapper

    return decorate


def policy_of(callback: Any) -> str | None:
    """The policy action a URL callback declared, if any."""
    return getattr(callback, "corridor_policy", None)


def admin_has_permission(request: HttpRequest) -> bool:
    """The admin site is for active staff holding the administrator role."""
    user = request.user
    return bool(user.is_active and user.is_staff and allows(user, ADMIN_SITE))
