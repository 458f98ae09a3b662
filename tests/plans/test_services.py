"""Plans from the database: proposed, accepted into draft batches with standby lists, and
re-proposed when coordination stops a batch."""

from __future__ import annotations

import datetime
import io
import json
import os
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from corridor import planning
from corridor.accounts.models import Party
from corridor.audit.models import AuditEvent
from corridor.cases.models import Case, CaseStatus
from corridor.crossings import services as crossing_services
from corridor.crossings.models import Batch, BatchStatus, Crossing
from corridor.plans.adapter import build_problem
from corridor.plans.models import PlanProposal, ProposalStatus, StandbyEntry
from corridor.plans.services import accept_plan, propose_plan
from corridor.scenarios import rafah_2026_02
from tests.helpers import CROSSING_DATE, at_local
from tests.planning.checks import assert_honours_constraints

pytestmark = pytest.mark.django_db

FIRST_DAY = datetime.date(2026, 2, 5)
AS_OF = timezone.make_aware(datetime.datetime(2026, 2, 4, 13, 0))


@pytest.fixture
def rafah(db) -> Crossing:
    rafah_2026_02.load(5, waiting_cases=600, return_registrations=300)
    return Crossing.objects.get(code="rafah")


def test_the_problem_comes_from_the_database(rafah):
    problem = build_problem(rafah, FIRST_DAY, 7, at=AS_OF)
    assert [d.date for d in problem.days][0] == FIRST_DAY and len(problem.days) == 7
    assert all(d.quota_out == 50 for d in problem.days)
    ids = {c.id for c in problem.candidates}
    assert ids >= set(Case.objects.waiting().values_list("reference", flat=True))
    # batch 3's cases are on its postponed date, not yet told it is confirmed again
    batch3 = Batch.objects.get(number=3, kind="evacuation", direction="out")
    listed = [c for c in problem.candidates if c.listed is not None]
    assert {c.listed.date for c in listed} == {FIRST_DAY}
    assert {c.listed.batch for c in listed} == {str(batch3.pk)}
    assert not problem.is_listable(FIRST_DAY)
    assert problem.is_listable(FIRST_DAY + datetime.timedelta(days=1))


def test_a_plan_from_the_database_honours_every_constraint_and_explains_every_case(rafah):
    problem = build_problem(rafah, FIRST_DAY, 7, at=AS_OF)
    plan = planning.plan(problem, planning.Options(time_limit=0.5))
    assert_honours_constraints(problem, plan)
    assert {e.case_id for e in plan.explanations} == {c.id for c in problem.candidates}
    assert sum(day.seats_used for day in plan.days) > 0


def test_accepting_a_plan_makes_draft_batches_within_quota_with_standby_lists(rafah, coordinator):
    proposal = propose_plan(rafah, FIRST_DAY, 7, actor=coordinator, at=AS_OF)
    accepted = accept_plan(proposal, actor=coordinator, at=AS_OF)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.ACCEPTED and proposal.accepted_by == coordinator
    assert accepted.batches and accepted.added
    plan = planning.Plan.from_dict(proposal.plan)
    for batch in accepted.batches:
        assert batch.status == BatchStatus.DRAFT
        day = plan.day(batch.planned_date)
        assert day.listable
        references = list(
            batch.members.filter(role="patient")
            .order_by("seat")
            .values_list("case__reference", flat=True)
        )
        assert references == [r for r in day.case_ids() if r in references]
        assert batch.members.count() <= day.quota
        standby = list(
            StandbyEntry.objects.filter(batch=batch)
            .order_by("position")
            .values_list("case__reference", flat=True)
        )
        assert standby == [e.case_id for e in day.standby]
    assert Case.objects.filter(
        reference__in=accepted.added, status=CaseStatus.LISTED
    ).count() == len(accepted.added)
    assert AuditEvent.objects.filter(action="plan.accepted", object_id=str(proposal.pk)).exists()
    with pytest.raises(Exception, match="cannot go from 'accepted'"):
        accept_plan(proposal, actor=coordinator)


def test_cancelling_a_batch_proposes_a_replan_with_its_diff(
    rafah, coordinator, django_capture_on_commit_callbacks
):
    proposal = propose_plan(rafah, FIRST_DAY, 7, actor=coordinator, at=AS_OF)
    accepted = accept_plan(proposal, actor=coordinator, at=AS_OF)
    batch = accepted.batches[0]
    authority = Party.objects.get(code="crossing-authority")
    who = Party.objects.get(code="who")
    crossing_services.submit_batch(batch, party=who, actor=coordinator, at=AS_OF)
    for member in batch.members.filter(active=True):
        crossing_services.record_clearance(
            member, "cleared", party=authority, actor=coordinator, at=AS_OF
        )
    crossing_services.confirm_batch(batch, party=authority, actor=coordinator, at=AS_OF)
    with django_capture_on_commit_callbacks(execute=True):
        crossing_services.cancel_batch(
            batch, party=authority, actor=coordinator, no_reason_given=True
        )
    replan = PlanProposal.objects.filter(status=ProposalStatus.PROPOSED).latest("pk")
    assert replan.base_id == proposal.pk
    assert replan.trigger["type"] == "batch_cancelled"
    assert replan.trigger["date"] == batch.planned_date.isoformat()
    moved = {c["case"] for c in replan.changes}
    on_batch = set(batch.members.filter(role="patient").values_list("case__reference", flat=True))
    assert on_batch & moved, "the cancelled batch's cases appear in the diff"
    assert all(c["text_en"] and c["text_ar"] for c in replan.changes)
    bumped = replan.trigger["bumped"]
    assert bumped, "cases that lost their seat are named"
    before = dict(Case.objects.filter(reference__in=bumped).values_list("reference", "bump_count"))
    accept_plan(replan, actor=coordinator)
    after = dict(Case.objects.filter(reference__in=bumped).values_list("reference", "bump_count"))
    assert all(after[r] == before[r] + 1 for r in bumped)


def test_plan_command_prints_a_table_and_json(rafah):
    out = io.StringIO()
    call_command(
        "plan", "--crossing", "rafah", "--from", "2026-02-05", "--as-of", "2026-02-04T13:00",
        "--time-limit", "0.3", stdout=out,
    )  # fmt: skip
    assert "seats/quota" in out.getvalue()
    out = io.StringIO()
    call_command(
        "plan", "--crossing", "rafah", "--from", "2026-02-05", "--as-of", "2026-02-04T13:00",
        "--time-limit", "0.3", "--json", stdout=out,
    )  # fmt: skip
    data = json.loads(out.getvalue())
    assert data["crossing"] == "rafah" and len(data["days"]) == 7
    with pytest.raises(CommandError, match="unknown crossing 'erez'"):
        call_command("plan", "--crossing", "erez", "--from", "2026-02-05")
    with pytest.raises(CommandError, match="--from must be a date"):
        call_command("plan", "--crossing", "rafah", "--from", "Thursday")


def test_plan_command_plans_a_problem_file_without_a_database(tmp_path):
    from corridor.planning.synthetic import generate_problem

    problem = generate_problem(300, days=5, seed=3)
    path = tmp_path / "problem.json"
    planning.dump_problem(problem, path)
    env = {**os.environ, "CORRIDOR_DATA_DIR": str(tmp_path / "nowhere")}
    env["CORRIDOR_DATABASE_URL"] = "postgres://nobody@127.0.0.1:1/none"  # unusable on purpose
    result = subprocess.run(
        [sys.executable, "-m", "corridor", "plan", "--problem", str(path), "--json",
         "--time-limit", "0.3", "--skip-checks"],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    plan = planning.Plan.from_dict(json.loads(result.stdout))
    assert_honours_constraints(problem, plan)
    bad = tmp_path / "bad.json"
    bad.write_text('{"days": []}')
    result = subprocess.run(
        [sys.executable, "-m", "corridor", "plan", "--problem", str(bad), "--skip-checks"],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode != 0
    assert len(result.stderr.strip().splitlines()) == 1
    assert "bad.json" in result.stderr


def test_plan_command_reports_weights_that_change_no_ranking(rafah):
    out = io.StringIO()
    call_command(
        "plan", "--crossing", "rafah", "--from", "2026-02-05", "--as-of", "2026-02-04T13:00",
        "--check-weights", stdout=out,
    )  # fmt: skip
    lines = {line.split()[0]: line for line in out.getvalue().splitlines()}
    # nobody has been bumped yet on the scenario's list, so the bump weight moves no one
    assert " inert " in lines["bump"]
    assert " effective " in lines["waiting_per_day"]


def test_the_plan_records_the_version_of_the_rules_in_force(rafah, settings):
    first = build_problem(rafah, FIRST_DAY, 7, at=AS_OF).rules.version
    settings.CORRIDOR_MAX_COMPANIONS = 3
    second = build_problem(rafah, FIRST_DAY, 7, at=AS_OF).rules.version
    assert first != second
    assert first.startswith("2026-02-default+")


def test_a_replan_after_a_coordination_event_is_planned_as_of_the_event(
    plan, coordinator, django_capture_on_commit_callbacks
):
    batch = plan.confirmed(plan.case())
    cancelled_at = at_local(CROSSING_DATE - datetime.timedelta(days=1), 7, 40)
    with django_capture_on_commit_callbacks(execute=True):
        crossing_services.cancel_batch(
            batch, party=plan.authority, actor=coordinator, no_reason_given=True, at=cancelled_at
        )
    replan = PlanProposal.objects.get()
    # Recorded late or played back in a scenario, the re-plan still belongs to that moment.
    assert replan.planned_at == cancelled_at and replan.created_at == cancelled_at
    assert replan.trigger == {"type": "batch_cancelled", "date": CROSSING_DATE.isoformat()}
    assert replan.first_day == cancelled_at.date()
