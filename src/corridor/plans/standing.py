"""Where one case stands in the planner's latest plan, read without loading the whole plan.

A plan keeps an explanation for every waiting case (tens of thousands of them), so the case page
asks the database for the one explanation it shows instead of reading the plan: a JSON path query
on PostgreSQL, `json_each` on SQLite.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.utils import timezone

from corridor import clock, planning
from corridor.cases.models import WAITING_STATUSES, Case, CaseStatus
from corridor.planning.priority import components
from corridor.planning.result import explanation_from_dict
from corridor.plans.models import PlanProposal, ProposalStatus

# The cases a plan holds: those waiting, and those listed on a batch (`plans.adapter`).
PLANNED_STATUSES = WAITING_STATUSES | {CaseStatus.LISTED, CaseStatus.CLEARED}


@dataclass(frozen=True)
class Factor:
    """One part of a priority score: what the case has (`amount`), its weight, the points."""

    name: str
    amount: float
    weight: float
    points: float


@dataclass(frozen=True)
class Standing:
    """A case's explanation in a plan, with the plan it comes from."""

    proposal: PlanProposal
    explanation: planning.Explanation

    @property
    def accepted(self) -> bool:
        return self.proposal.status == ProposalStatus.ACCEPTED


def latest_proposal() -> PlanProposal | None:
    """The newest plan still in force or waiting to be accepted (its plan data not loaded)."""
    return (
        PlanProposal.objects.defer("plan", "changes", "trigger")
        .select_related("crossing", "accepted_by")
        # Made by now on Corridor's clock: the demo clock lives through a week in the past.
        .filter(
            status__in=[ProposalStatus.PROPOSED, ProposalStatus.ACCEPTED],
            created_at__lte=clock.now(),
        )
        .order_by("-created_at", "-pk")
        .first()
    )


def _explanation_data(proposal_id: int, reference: str) -> dict[str, Any] | None:
    table = connection.ops.quote_name(PlanProposal._meta.db_table)
    if connection.vendor == "postgresql":
        sql = (
            "SELECT jsonb_path_query_first(plan, '$.explanations[*] ? (@.case_id == $id)', "
            f"jsonb_build_object('id', %s::text)) FROM {table} WHERE id = %s"
        )
        params: list[Any] = [reference, proposal_id]
    elif connection.vendor == "sqlite":
        sql = (
            f"SELECT e.value FROM {table} AS p, json_each(p.plan, '$.explanations') AS e "
            "WHERE p.id = %s AND json_extract(e.value, '$.case_id') = %s LIMIT 1"
        )
        params = [proposal_id, reference]
    else:  # pragma: no cover - the two databases Corridor supports are handled above
        plan = PlanProposal.objects.values_list("plan", flat=True).get(pk=proposal_id)
        found = [e for e in plan.get("explanations", []) if e.get("case_id") == reference]
        return found[0] if found else None
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None or row[0] is None:
        return None
    value = row[0]
    data: dict[str, Any] = json.loads(value) if isinstance(value, str | bytes) else value
    return data


def is_planned(case: Case) -> bool:
    """Whether the planner plans the case in its state: waiting, or listed on a batch."""
    return case.status in PLANNED_STATUSES


def case_standing(case: Case) -> Standing | None:
    """The case's explanation in the latest plan, or None when no plan includes it.

    A case the planner no longer plans (closed, crossed, under review) has none, even if an older
    plan still explains it.
    """
    if not is_planned(case):
        return None
    proposal = latest_proposal()
    if proposal is None:
        return None
    data = _explanation_data(proposal.pk, case.reference)
    if data is None:
        return None
    return Standing(proposal=proposal, explanation=explanation_from_dict(data))


def _age(born: datetime.date, on: datetime.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def score_factors(case: Case, rules: planning.Rules, on: datetime.date) -> list[Factor]:
    """The parts of the case's priority score on `on`, from its data now (non-zero parts only).

    `case` needs its urgency and patient loaded; the rules are `plans.adapter.rules()`.
    """
    candidate = planning.Candidate(
        id=case.reference,
        urgency=case.urgency.code,
        category=case.clinical_category,
        referral_date=case.referral_date,
        registered_on=timezone.localtime(case.registered_at).date(),
        age=_age(case.patient.date_of_birth, on),
        bump_count=case.bump_count,
    )
    names, matrix = components([candidate], rules, on)
    factors = []
    for column, name in enumerate(names):
        amount = float(matrix[0, column])
        weight = rules.weights.value(name)
        if amount and weight:
            factors.append(Factor(name, amount, weight, round(amount * weight, 3)))
    return factors
