"""The plan pages: proposals listed and shown day by day, run, accepted into draft batches, and
adjusted by taking a case off a day; each under the policy, each refusal with its reason."""

from __future__ import annotations

import datetime
import html

import pytest
from django.db import connection
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext

from corridor import planning
from corridor.accounts.models import Party, PartyKind, Role, User
from corridor.audit.models import AuditEvent
from corridor.cases.models import Case, OfferStatus
from corridor.cases.services import withdraw_case
from corridor.crossings.models import Batch, BatchStatus, Crossing
from corridor.plans.models import PlanProposal, ProposalStatus
from corridor.plans.services import accept_plan, propose_plan, propose_replan
from tests.factories import (
    CaseFactory,
    CrossingDayFactory,
    PartyFactory,
    UrgencyTierFactory,
    UserFactory,
)
from tests.helpers import at_local

TODAY = datetime.date(2026, 2, 4)  # the demo clock; the lists of 6 Feb on are still open
FIRST_DAY = datetime.date(2026, 2, 6)
AS_OF = at_local(TODAY, 10)
DAYS = 3


@pytest.fixture(autouse=True)
def _demo_clock(settings) -> None:
    settings.CORRIDOR_DEMO_DATE = TODAY


@pytest.fixture
def receiving(db) -> Party:
    return PartyFactory(
        code="recv-egypt", name_en="Egypt", name_ar="مصر", kind=PartyKind.RECEIVING_HOSPITAL
    )


@pytest.fixture
def tiers(db) -> list:
    return [
        UrgencyTierFactory(code="critical", rank=1, name_en="Critical", name_ar="حرجة"),
        UrgencyTierFactory(code="urgent", rank=2, name_en="Urgent", name_ar="عاجلة"),
        UrgencyTierFactory(code="stable", rank=3, name_en="Stable", name_ar="مستقرة"),
    ]


@pytest.fixture
def rafah(crossing: Crossing) -> Crossing:
    for offset in range(8):
        CrossingDayFactory(
            crossing=crossing, date=TODAY + datetime.timedelta(days=offset), quota_out=4
        )
    return crossing


def waiting_cases(count: int, tiers: list, receiving: Party, start: int = 0) -> list[Case]:
    """Approved cases accepted by the receiving party, every third one critical."""
    cases = []
    for index in range(start, start + count):
        case = CaseFactory(
            reference=f"EV-{index:04d}",
            urgency=tiers[index % 3],
            referral_date=datetime.date(2025, 11, 1) + datetime.timedelta(days=index),
        )
        case.offers.create(
            receiving_party=receiving,
            status=OfferStatus.ACCEPTED,
            offered_on=datetime.date(2026, 1, 5),
            answered_on=datetime.date(2026, 1, 6),
        )
        cases.append(case)
    return cases


@pytest.fixture
def cases(rafah, tiers, receiving) -> list[Case]:
    return waiting_cases(16, tiers, receiving)


@pytest.fixture
def proposal(cases, rafah, coordinator) -> PlanProposal:
    return propose_plan(rafah, FIRST_DAY, DAYS, actor=coordinator, at=AS_OF)


def named(explanation: str) -> str:
    """The planner's words as the page shows them: the receiving party by its name."""
    return explanation.replace("recv-egypt", "Egypt")


def text(response: HttpResponse) -> str:
    """The response's text as a reader sees it (entities such as &#x27; decoded)."""
    return html.unescape(response.content.decode())


def signed_in(user: User, language: str = "en") -> Client:
    client = Client()
    client.cookies["django_language"] = language
    client.force_login(user)
    return client


@pytest.fixture
def desk(coordinator) -> Client:
    return signed_in(coordinator)


def test_only_a_coordinator_sees_plans_and_may_run_or_change_them(
    proposal, coordinator, liaison, outsider, crossing
):
    officer = UserFactory(username="officer", roles=[Role.CROSSING_OFFICER], crossing=crossing)
    analyst = UserFactory(username="analyst", roles=[Role.ANALYST])
    pages = ["/plans/", f"/plans/{proposal.pk}/"]
    for page in pages:
        assert signed_in(coordinator).get(page).status_code == 200
        for user in (officer, analyst, liaison, outsider):
            assert signed_in(user).get(page).status_code == 403, (user, page)
        anonymous = Client().get(page)
        assert anonymous.status_code == 302 and "/login" in anonymous["Location"]
    actions = {
        "/plans/new": {"crossing": "rafah", "first_day": "2026-02-06", "days": "3"},
        f"/plans/{proposal.pk}/accept": {},
        f"/plans/{proposal.pk}/hold-back": {"date": "2026-02-06", "case": "x", "reason": "r"},
    }
    for path, data in actions.items():
        for user in (officer, analyst, liaison):
            assert signed_in(user).post(path, data).status_code == 403, (user, path)
    assert PlanProposal.objects.count() == 1
    assert not Batch.objects.exists()
    assert signed_in(coordinator).get("/plans/999999/").status_code == 404
    navigation = text(signed_in(coordinator).get("/plans/"))
    assert 'href="/plans/"' in navigation
    assert 'href="/plans/"' not in text(signed_in(officer).get("/"))


def test_running_the_planner_makes_a_proposal_and_shows_it_day_by_day(desk, cases, rafah):
    response = desk.post("/plans/new", {"crossing": "rafah", "first_day": "2026-02-06", "days": 3})
    proposal = PlanProposal.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/plans/{proposal.pk}/"
    assert proposal.first_day == FIRST_DAY and proposal.days == 3
    assert AuditEvent.objects.filter(action="plan.proposed", object_id=str(proposal.pk)).exists()
    page = text(desk.get(response["Location"]))
    plan = planning.Plan.from_dict(proposal.plan)
    first = plan.day(FIRST_DAY)
    assert first.case_ids(), "the scenario fills the first day"
    for reference in first.case_ids():
        assert f'href="/cases/{reference}/"' in page
        assert named(plan.explanation(reference).text_en) in page
    assert "Critical" in page and "Egypt" in page
    assert "Friday 6 February" in page
    assert "4 of 4 seats" in page
    assert "Standby list" in page
    standby = first.standby[0].case_id
    assert named(plan.explanation(standby).text_en) in page
    assert "recv-egypt" not in page, "receiving parties are named, not coded"
    assert "No plan has been accepted for this crossing yet" in page

    arabic = signed_in(User.objects.get(username="coordinator"), "ar")
    page_ar = text(arabic.get(f"/plans/{proposal.pk}/"))
    reference = first.case_ids()[0]
    assert plan.explanation(reference).text_ar.replace("recv-egypt", "مصر") in page_ar
    assert "إلى مصر" in page_ar
    assert 'dir="rtl"' in page_ar and "حرجة" in page_ar


def test_running_the_planner_with_htmx_follows_the_redirect_and_bad_input_names_the_field(
    desk, cases, rafah
):
    htmx = {"HTTP_HX_REQUEST": "true"}
    response = desk.post(
        "/plans/new", {"crossing": "rafah", "first_day": "2026-02-06", "days": 3}, **htmx
    )
    proposal = PlanProposal.objects.get()
    assert response.status_code == 204 and response["HX-Redirect"] == f"/plans/{proposal.pk}/"

    refused = desk.post(
        "/plans/new", {"crossing": "rafah", "first_day": "2026-02-06", "days": 0}, **htmx
    )
    assert refused.status_code == 400
    body = text(refused)
    assert "Days:" in body and "greater than or equal to 1" in body
    assert "<html" not in body, "htmx gets the message, not a page"
    past = desk.post("/plans/new", {"crossing": "rafah", "first_day": "2026-02-01", "days": 3})
    assert past.status_code == 400
    assert "The first day cannot be in the past." in text(past)
    unknown = desk.post("/plans/new", {"crossing": "erez", "first_day": "2026-02-06", "days": 3})
    assert unknown.status_code == 400
    assert "Select a valid choice" in text(unknown)
    assert PlanProposal.objects.count() == 1, "nothing half-made"


def test_accepting_a_proposal_makes_draft_batches_and_links_to_them(desk, proposal):
    response = desk.post(f"/plans/{proposal.pk}/accept")
    assert response.status_code == 302 and response["Location"] == f"/plans/{proposal.pk}/"
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.ACCEPTED
    plan = planning.Plan.from_dict(proposal.plan)
    batches = list(Batch.objects.order_by("planned_date"))
    assert [b.planned_date for b in batches] == [d.date for d in plan.days if d.members]
    assert all(b.status == BatchStatus.DRAFT for b in batches)
    for batch in batches:
        listed = batch.members.filter(role="patient").order_by("seat")
        assert [m.case.reference for m in listed] == list(plan.day(batch.planned_date).case_ids())
    page = text(desk.get(response["Location"]))
    added = sum(len(d.case_ids()) for d in plan.days)
    assert f"Plan accepted: {added} cases added to draft batches." in page
    for batch in batches:
        assert f'href="/crossing/batches/{batch.pk}/"' in page
    assert "Accept: make draft batches" not in page
    assert AuditEvent.objects.filter(action="plan.accepted", object_id=str(proposal.pk)).exists()

    again = desk.post(f"/plans/{proposal.pk}/accept")
    assert again.status_code == 409
    assert "cannot go from 'accepted'" in text(again)
    htmx = desk.post(f"/plans/{proposal.pk}/accept", HTTP_HX_REQUEST="true")
    assert htmx.status_code == 409 and "cannot go from" in text(htmx)
    assert Batch.objects.count() == len(batches)


def test_a_new_proposal_shows_what_changed_since_the_accepted_plan_with_reasons(
    desk, proposal, coordinator
):
    accept_plan(proposal, actor=coordinator, at=AS_OF)
    first = planning.Plan.from_dict(proposal.plan)
    gone = first.day(FIRST_DAY).case_ids()[-1]
    withdraw_case(Case.objects.get(reference=gone), actor=coordinator, reason="treated locally")
    later = propose_plan(proposal.crossing, FIRST_DAY, DAYS + 1, actor=coordinator, at=AS_OF)
    second = planning.Plan.from_dict(later.plan)
    added = set(second.assignments()) - set(first.assignments())
    assert added, "the freed seat and the new day take cases"
    page = text(desk.get(f"/plans/{later.pk}/"))
    assert f"Compared with plan {proposal.pk}" in page
    assert "no longer waiting for this plan: crossed, withdrawn, or on a batch outside it" in page
    assert page.count(">Removed<") == 1, "cases on batches are kept, only the withdrawn one left"
    assert page.count(">Added<") == len(added)
    for reference in added:
        assert named(second.explanation(reference).text_en) in page

    # A re-plan after a cancellation carries its own diff, in the event's words, and is flagged.
    replan = propose_replan(
        proposal.crossing, planning.BatchCancelled(FIRST_DAY), actor=coordinator, at=AS_OF
    )
    page = text(desk.get(f"/plans/{replan.pk}/"))
    assert "Re-plan waiting for a decision" in page
    assert page.count("the batch of 6 Feb was cancelled") == len(first.day(FIRST_DAY).case_ids())
    listing = text(desk.get("/plans/"))
    assert "Re-plan: the batch of 6 February was cancelled or suspended" in listing
    assert listing.count("Re-plan waiting for a decision") == 1


def test_taking_a_case_off_a_day_replans_into_a_new_proposal_that_says_why(desk, proposal):
    plan = planning.Plan.from_dict(proposal.plan)
    held = plan.day(FIRST_DAY).case_ids()[0]
    response = desk.post(
        f"/plans/{proposal.pk}/hold-back",
        {"date": "2026-02-06", "case": held, "reason": "not fit to travel on Friday"},
    )
    adjusted = PlanProposal.objects.exclude(pk=proposal.pk).get()
    assert response.status_code == 302 and response["Location"] == f"/plans/{adjusted.pk}/"
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.SUPERSEDED
    assert adjusted.status == ProposalStatus.PROPOSED and adjusted.base_id == proposal.pk
    new_plan = planning.Plan.from_dict(adjusted.plan)
    assert held not in new_plan.day(FIRST_DAY).case_ids()
    assert new_plan.day(FIRST_DAY).seats_used == 4, "the freed seat is filled"
    event = AuditEvent.objects.get(action="plan.adjusted")
    assert event.data["case"] == held and event.data["reason"] == "not fit to travel on Friday"
    page = text(desk.get(response["Location"]))
    assert "What the adjustment changed" in page
    assert "taken off 6 Feb by the coordinator: not fit to travel on Friday" in page
    assert f"Case {held} taken off 6 February" in page

    # A second adjustment keeps the first: the case stays off Friday.
    second = new_plan.day(FIRST_DAY).case_ids()[0]
    desk.post(
        f"/plans/{adjusted.pk}/hold-back",
        {"date": "2026-02-06", "case": second, "reason": "family asked for a later day"},
    )
    latest = PlanProposal.objects.get(status=ProposalStatus.PROPOSED)
    friday = planning.Plan.from_dict(latest.plan).day(FIRST_DAY).case_ids()
    assert held not in friday and second not in friday
    assert len(latest.trigger["held_back"]) == 2


def test_a_refused_adjustment_shows_the_reason_and_changes_nothing(desk, proposal, coordinator):
    plan = planning.Plan.from_dict(proposal.plan)
    on_friday = plan.day(FIRST_DAY).case_ids()[0]
    on_saturday = plan.day(FIRST_DAY + datetime.timedelta(days=1)).case_ids()[0]
    path = f"/plans/{proposal.pk}/hold-back"
    wrong_day = desk.post(path, {"date": "2026-02-06", "case": on_saturday, "reason": "x"})
    assert wrong_day.status_code == 400
    assert f"Case {on_saturday} is not on the list of 2026-02-06" in text(wrong_day)
    no_reason = desk.post(path, {"date": "2026-02-06", "case": on_friday, "reason": "  "})
    assert no_reason.status_code == 400
    assert "Reason: This field is required." in text(no_reason)
    missing = desk.post(path, {"date": "2026-02-06", "case": on_friday}, HTTP_HX_REQUEST="true")
    assert missing.status_code == 400 and "Reason: This field is required." in (text(missing))
    outside = desk.post(path, {"date": "2026-03-01", "case": on_friday, "reason": "x"})
    assert outside.status_code == 400 and "is not a day of plan" in text(outside)
    assert PlanProposal.objects.count() == 1

    accept_plan(proposal, actor=coordinator, at=AS_OF)
    accepted = desk.post(path, {"date": "2026-02-06", "case": on_friday, "reason": "x"})
    assert accepted.status_code == 400
    assert "only a proposed plan can be adjusted" in text(accepted)
    assert PlanProposal.objects.count() == 1


def test_a_case_already_on_a_batch_is_changed_on_the_batch_not_in_the_plan(
    desk, proposal, coordinator
):
    accept_plan(proposal, actor=coordinator, at=AS_OF)
    later = propose_plan(proposal.crossing, FIRST_DAY, DAYS, actor=coordinator, at=AS_OF)
    on_batch = planning.Plan.from_dict(later.plan).day(FIRST_DAY).case_ids()[0]
    page = text(desk.get(f"/plans/{later.pk}/"))
    assert "Every case on this day is already on a batch" in page
    assert f'<option value="{on_batch}"' not in page
    refused = desk.post(
        f"/plans/{later.pk}/hold-back", {"date": "2026-02-06", "case": on_batch, "reason": "x"}
    )
    batch = Batch.objects.get(planned_date=FIRST_DAY)
    assert refused.status_code == 400
    assert f"Case {on_batch} is already on batch {batch.number} of 2026-02-06" in text(refused)
    assert PlanProposal.objects.count() == 2


def _page_queries(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(path).status_code == 200
    return len(context.captured_queries)


def test_plan_pages_take_the_same_number_of_queries_for_few_or_many_rows(
    rafah, tiers, receiving, coordinator, desk
):
    def decided(count: int, start: int) -> PlanProposal:
        """A plan with `count` more waiting cases, accepted, and filler proposals after it."""
        waiting_cases(count, tiers, receiving, start=start)
        proposal = propose_plan(rafah, FIRST_DAY, DAYS, actor=coordinator, at=AS_OF)
        accept_plan(proposal, actor=coordinator, at=AS_OF)
        for _ in range(count - 1):
            PlanProposal.objects.create(
                crossing=rafah, first_day=FIRST_DAY, days=DAYS, planned_at=AS_OF,
                rules_version="v", plan=proposal.plan, created_at=AS_OF,
            )  # fmt: skip
        return proposal

    decided(1, start=0)  # an earlier accepted plan for each to be compared with
    small = decided(3, start=10)
    few = [_page_queries(desk, "/plans/"), _page_queries(desk, f"/plans/{small.pk}/")]
    big = decided(30, start=100)
    assert Batch.objects.filter(members__isnull=False).distinct().count() >= 3
    many = [_page_queries(desk, "/plans/"), _page_queries(desk, f"/plans/{big.pk}/")]
    assert PlanProposal.objects.count() >= 33
    # session, user, navigation and messages, then the page's own: fixed, whatever the rows
    assert few == many == [9, 16]
