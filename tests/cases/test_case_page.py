"""The case page: what each role sees, the actions it may take, the timeline, the planner's word.

Each action posts to a view that calls one service: the tests assert the service's effects
(status, rows, audit) and that a refusal comes back with its reason.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from corridor import planning
from corridor.accounts import policy
from corridor.accounts.break_glass import break_glass
from corridor.accounts.models import Party, PartyKind, Role, User
from corridor.audit import services as audit
from corridor.audit.models import AuditEvent
from corridor.cases import services
from corridor.cases.models import (
    Case,
    CaseStatus,
    DestinationOffer,
    OfferStatus,
    UrgencyChange,
    UrgencyTier,
)
from corridor.crossings import services as crossing_services
from corridor.crossings.models import (
    BatchMember,
    Clearance,
    CoordinationEvent,
    Movement,
    Outcome,
)
from corridor.notify.models import Message
from corridor.planning.result import explanation_to_dict
from corridor.plans.models import PlanProposal, StandbyEntry
from corridor.plans.services import propose_plan
from tests.factories import (
    BatchFactory,
    CaseFactory,
    CompanionFactory,
    CrossingDayFactory,
    FacilityFactory,
    PartyFactory,
    PersonFactory,
    UrgencyTierFactory,
    UserFactory,
)
from tests.helpers import CROSSING_DATE, CROSSING_TIME, PLANNING_TIME, at_local, last_audit
from tests.journeys import Planner

CLINICAL = "CLINICAL-SUMMARY-OF-THE-CASE-PAGE"
NATIONAL_ID = "900000077"


@dataclass
class Desk:
    """A case at a referring facility, offered to the liaison's hospital, and who works on it."""

    case: Case
    offer: DestinationOffer
    tiers: dict[str, UrgencyTier]
    coordinator: User
    referral: User
    reviewer: User
    liaison: User
    other_liaison: User
    other_hospital: Party


@pytest.fixture
def tiers(db: None) -> dict[str, UrgencyTier]:
    return {
        code: UrgencyTierFactory(code=code, rank=rank, name_en=name_en, name_ar=name_ar)
        for code, rank, name_en, name_ar in [
            ("critical", 1, "Critical", "حرجة"),
            ("urgent", 2, "Urgent", "عاجلة"),
            ("stable", 3, "Stable", "مستقرة"),
        ]
    }


@pytest.fixture
def desk(
    tiers: dict[str, UrgencyTier], coordinator: User, liaison: User, receiving_hospital: Party
) -> Desk:
    ministry = PartyFactory(code="moh", kind=PartyKind.HEALTH_MINISTRY)
    facility = FacilityFactory(party=ministry, name_en="Al-Amal Hospital")
    other_hospital = PartyFactory(
        code="other-hospital", name_en="Other Hospital", kind=PartyKind.RECEIVING_HOSPITAL
    )
    case = CaseFactory(
        referring_facility=facility,
        urgency=tiers["urgent"],
        clinical_summary=CLINICAL,
        icd10_code="S82.2",
        patient=PersonFactory(
            national_id=NATIONAL_ID,
            name_latin="Amal Haddad",
            date_of_birth=datetime.date(2016, 3, 8),
        ),
        status=CaseStatus.OFFERED,
        approved_at=at_local(datetime.date(2026, 1, 15), 12),
    )
    offer = DestinationOffer.objects.create(
        case=case,
        receiving_party=receiving_hospital,
        status=OfferStatus.OFFERED,
        offered_on=datetime.date(2026, 1, 20),
    )
    return Desk(
        case=case,
        offer=offer,
        tiers=tiers,
        coordinator=coordinator,
        referral=UserFactory(
            username="referral", party=ministry, facility=facility, roles=[Role.REFERRAL_OFFICER]
        ),
        reviewer=UserFactory(username="reviewer", party=ministry, roles=[Role.MEDICAL_REVIEWER]),
        liaison=liaison,
        other_liaison=UserFactory(
            username="other-liaison", party=other_hospital, roles=[Role.RECEIVING_LIAISON]
        ),
        other_hospital=other_hospital,
    )


def as_user(user: User) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def page_of(user: User, case: Case) -> str:
    response = as_user(user).get(reverse("cases:detail", args=[case.reference]))
    assert response.status_code == 200
    return response.content.decode()


def clinical_reads(case: Case) -> list[tuple[str, str]]:
    return [
        (event.actor.username, event.data["via"])
        for event in AuditEvent.objects.filter(
            action="case.clinical_read", object_id=str(case.pk)
        ).select_related("actor")
    ]


def action_urls(page: str) -> set[str]:
    return set(re.findall(r'<form method="post" action="([^"]+)"', page))


# --- what each role sees ------------------------------------------------------------------------


def test_the_coordinator_sees_the_whole_case_but_reads_no_clinical_summary(desk: Desk) -> None:
    CompanionFactory(case=desk.case, person=PersonFactory(name_latin="Sami Haddad"))

    page = page_of(desk.coordinator, desk.case)

    assert "Amal Haddad" in page and "Sami Haddad" in page
    assert 'id="case-timeline"' in page and 'id="case-standing"' in page
    assert "Receiving Hospital" in page  # the offer
    assert CLINICAL not in page
    assert "break the glass" in page
    assert clinical_reads(desk.case) == []


def test_a_referral_officer_reads_the_clinical_summary_and_each_read_is_audited(
    desk: Desk,
) -> None:
    first = page_of(desk.referral, desk.case)
    page_of(desk.referral, desk.case)

    assert CLINICAL in first and "S82.2" in first
    assert "Your reading of this summary has been recorded." in first
    assert clinical_reads(desk.case) == [("referral", "role"), ("referral", "role")]


def test_a_receiving_liaison_sees_the_profile_and_their_offer_but_no_identity_or_clearance(
    desk: Desk, plan: Planner
) -> None:
    DestinationOffer.objects.create(
        case=desk.case,
        receiving_party=desk.other_hospital,
        status=OfferStatus.OFFERED,
        offered_on=datetime.date(2026, 1, 21),
    )
    services.accept_offer(desk.offer, actor=desk.liaison, on=datetime.date(2026, 1, 22))
    plan.cleared(desk.case)  # the crossing authority cleared the patient

    page = page_of(desk.liaison, desk.case)

    assert CLINICAL in page
    assert clinical_reads(desk.case) == [("liaison", "role")]
    for identity in ("Amal Haddad", desk.case.patient.name_ar, NATIONAL_ID, "8 Mar 2016"):
        assert identity not in page
    assert "Receiving Hospital" in page
    assert "Other Hospital" not in page  # another party's offer
    assert "Crossing Authority" not in page and "clearance-cleared" not in page
    assert 'id="case-timeline"' not in page and "person-messages" not in page


def test_the_coordinators_page_never_reads_the_clinical_summary_or_a_phone(desk: Desk) -> None:
    client = as_user(desk.coordinator)

    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("cases:detail", args=[desk.case.reference]))

    assert response.status_code == 200
    selected = " ".join(query["sql"] for query in captured.captured_queries)
    assert "clinical_summary" not in selected
    assert '"phone"' not in selected and ".phone" not in selected


def test_a_receiving_liaison_gets_404_for_a_case_not_offered_to_their_party(desk: Desk) -> None:
    response = as_user(desk.other_liaison).get(reverse("cases:detail", args=[desk.case.reference]))

    assert response.status_code == 404
    assert CLINICAL not in response.content.decode()
    refusal = AuditEvent.objects.filter(action="permission.refused").last()
    assert refusal is not None and refusal.actor == desk.other_liaison
    assert clinical_reads(desk.case) == []


def test_breaking_the_glass_opens_the_summary_to_the_coordinator_and_the_read_says_so(
    desk: Desk,
) -> None:
    break_glass(
        desk.coordinator,
        policy.CASE_CLINICAL,
        desk.case,
        reason="The receiving hospital asks about the fracture by phone",
    )

    page = page_of(desk.coordinator, desk.case)

    assert CLINICAL in page
    assert clinical_reads(desk.case) == [("coordinator", "break_glass")]
    assert "Clinical summary opened by breaking the glass" in page  # on the timeline


def test_a_download_of_the_referral_is_on_the_timeline_as_shared(desk: Desk) -> None:
    client = as_user(desk.referral)
    assert client.get(reverse("cases:fhir", args=[desk.case.reference])).status_code == 200

    page = page_of(desk.coordinator, desk.case)

    timeline = page.split('id="case-timeline"', 1)[1]
    assert "Shared with moh (fhir:case:identity:clinical)" in timeline
    assert "referral of a case to a health system (FHIR)" in timeline


def test_each_role_is_offered_only_the_actions_it_may_take(desk: Desk) -> None:
    ref = desk.case.reference
    offer = desk.offer.pk

    assert action_urls(page_of(desk.coordinator, desk.case)) == {
        f"/cases/{ref}/offer/",
        f"/cases/{ref}/withdraw/",
        f"/cases/{ref}/death/",
        f"/cases/{ref}/documents/",  # attach a document
    }
    assert action_urls(page_of(desk.referral, desk.case)) == {
        f"/cases/{ref}/urgency/",
        f"/cases/{ref}/documents/",
    }
    assert action_urls(page_of(desk.liaison, desk.case)) == {
        f"/cases/{ref}/offers/{offer}/accept/",
        f"/cases/{ref}/offers/{offer}/decline/",
    }
    services.accept_offer(desk.offer, actor=desk.liaison)
    assert action_urls(page_of(desk.liaison, desk.case)) == set()
    under_review = CaseFactory(status=CaseStatus.UNDER_REVIEW, urgency=desk.tiers["stable"])
    assert action_urls(page_of(desk.reviewer, under_review)) == {
        f"/cases/{under_review.reference}/urgency/",
        f"/cases/{under_review.reference}/review/approve/",
        f"/cases/{under_review.reference}/review/reject/",
        f"/cases/{under_review.reference}/documents/",
    }
    services.record_death(desk.case, actor=desk.coordinator)
    # A document may still come for a closed case.
    assert action_urls(page_of(desk.coordinator, desk.case)) == {f"/cases/{ref}/documents/"}
    assert "Your role takes no action on this case" in page_of(desk.coordinator, desk.case)


# --- actions ------------------------------------------------------------------------------------


def post(user: User, path: str, data: dict[str, object], **headers: str) -> object:
    return as_user(user).post(path, data, **headers)


def test_a_referral_officer_changes_the_urgency_with_a_reason(desk: Desk) -> None:
    response = post(
        desk.referral,
        reverse("cases:urgency", args=[desk.case.reference]),
        {"urgency-tier": desk.tiers["critical"].pk, "urgency-reason": "Sepsis since Monday"},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("cases:detail", args=[desk.case.reference])
    desk.case.refresh_from_db()
    assert desk.case.urgency == desk.tiers["critical"]
    change = UrgencyChange.objects.get(case=desk.case)
    assert (change.previous, change.new, change.changed_by, change.reason) == (
        desk.tiers["urgent"],
        desk.tiers["critical"],
        desk.referral,
        "Sepsis since Monday",
    )
    event = last_audit(desk.case)
    assert (event.action, event.actor) == ("case.urgency_changed", desk.referral)
    page = page_of(desk.referral, desk.case)
    assert "Sepsis since Monday" in page  # in the urgency history and on the timeline


def test_after_an_action_the_page_says_what_was_done(desk: Desk) -> None:
    client = as_user(desk.coordinator)

    response = client.post(
        reverse("cases:offer", args=[desk.case.reference]),
        {"offer-party": desk.other_hospital.pk},
        follow=True,
    )

    assert response.redirect_chain == [(reverse("cases:detail", args=[desk.case.reference]), 302)]
    assert f"Case {desk.case.reference} was offered." in response.content.decode()


def test_changing_the_urgency_needs_a_reason_and_another_tier(desk: Desk) -> None:
    url = reverse("cases:urgency", args=[desk.case.reference])

    same = post(
        desk.referral, url, {"urgency-tier": desk.tiers["urgent"].pk, "urgency-reason": "x"}
    )
    silent = post(desk.referral, url, {"urgency-tier": desk.tiers["critical"].pk})

    assert same.status_code == 400
    assert "The case is already Urgent: choose another tier." in same.content.decode()
    assert silent.status_code == 400
    assert 'for="id_urgency-reason"' in silent.content.decode()
    assert "This field is required." in silent.content.decode()
    desk.case.refresh_from_db()
    assert desk.case.urgency == desk.tiers["urgent"]
    assert not UrgencyChange.objects.exists()


def test_a_coordinator_offers_the_case_to_another_receiving_party(desk: Desk) -> None:
    response = post(
        desk.coordinator,
        reverse("cases:offer", args=[desk.case.reference]),
        {"offer-party": desk.other_hospital.pk},
    )

    assert response.status_code == 302
    offer = DestinationOffer.objects.get(case=desk.case, receiving_party=desk.other_hospital)
    assert offer.status == OfferStatus.OFFERED
    event = last_audit(offer)
    assert (event.action, event.actor, event.data["party"]) == (
        "offer.offered",
        desk.coordinator,
        "other-hospital",
    )
    # the other hospital's liaison may now open the case
    assert CLINICAL in page_of(desk.other_liaison, desk.case)


def test_a_coordinator_withdraws_the_case_and_its_batch_places_are_released(
    desk: Desk, plan: Planner
) -> None:
    plan.batch(desk.case)

    response = post(
        desk.coordinator,
        reverse("cases:withdraw", args=[desk.case.reference]),
        {"withdraw-reason": "The family found treatment elsewhere"},
    )

    assert response.status_code == 302
    desk.case.refresh_from_db()
    assert desk.case.status == CaseStatus.WITHDRAWN
    assert desk.case.status_reason == "The family found treatment elsewhere"
    member = BatchMember.objects.get(case=desk.case)
    assert (member.active, member.outcome) == (False, Outcome.WITHDRAWN)
    event = last_audit(desk.case)
    assert (event.action, event.actor, event.data["reason"]) == (
        "case.withdrawn",
        desk.coordinator,
        "The family found treatment elsewhere",
    )


def test_a_coordinator_records_a_death_while_waiting(desk: Desk) -> None:
    response = post(
        desk.coordinator,
        reverse("cases:death", args=[desk.case.reference]),
        {"death-on": "2026-01-30"},
    )

    assert response.status_code == 302
    desk.case.refresh_from_db()
    assert desk.case.status == CaseStatus.DIED
    assert desk.case.status_reason == "died on 2026-01-30"
    assert last_audit(desk.case).action == "case.died"


def test_a_death_in_the_future_is_refused_naming_the_field(desk: Desk) -> None:
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    response = post(
        desk.coordinator,
        reverse("cases:death", args=[desk.case.reference]),
        {"death-on": tomorrow.isoformat()},
    )

    assert response.status_code == 400
    body = response.content.decode()
    assert "The date of death cannot be in the future." in body
    assert 'for="id_death-on"' in body
    desk.case.refresh_from_db()
    assert desk.case.status == CaseStatus.OFFERED


def test_a_medical_reviewer_approves_a_case_and_it_leaves_their_list(desk: Desk) -> None:
    case = CaseFactory(status=CaseStatus.UNDER_REVIEW, urgency=desk.tiers["stable"])

    response = post(
        desk.reviewer,
        reverse("cases:review", args=[case.reference, "approve"]),
        {"approve-urgency": desk.tiers["critical"].pk},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("cases:list")  # no longer under review: out of scope
    case.refresh_from_db()
    assert (case.status, case.approved_by, case.urgency) == (
        CaseStatus.APPROVED,
        desk.reviewer,
        desk.tiers["critical"],
    )
    assert [e.action for e in AuditEvent.objects.filter(object_id=str(case.pk))][-2:] == [
        "case.urgency_changed",
        "case.approved",
    ]


def test_a_medical_reviewer_cannot_reject_without_a_reason_and_is_told_in_arabic(
    desk: Desk,
) -> None:
    case = CaseFactory(status=CaseStatus.UNDER_REVIEW, urgency=desk.tiers["stable"])
    client = Client(HTTP_ACCEPT_LANGUAGE="ar")
    client.force_login(desk.reviewer)

    response = client.post(reverse("cases:review", args=[case.reference, "reject"]), {})

    assert response.status_code == 400
    body = response.content.decode()
    assert '<html lang="ar" dir="rtl">' in body
    with translation.override("ar"):
        reason = gettext("A reason is required to reject a case.")  # "يجب ذكر سبب لرفض الحالة."
    assert f'<p class="error" role="alert">{reason}</p>' in body
    case.refresh_from_db()
    assert case.status == CaseStatus.UNDER_REVIEW


def test_a_liaison_accepts_the_offer_with_the_date_a_bed_is_free(desk: Desk) -> None:
    response = post(
        desk.liaison,
        reverse("cases:answer", args=[desk.case.reference, desk.offer.pk, "accept"]),
        {f"accept-{desk.offer.pk}-available_from": "2026-02-12"},
    )

    assert response.status_code == 302
    desk.offer.refresh_from_db()
    assert desk.offer.status == OfferStatus.ACCEPTED
    assert desk.offer.available_from == datetime.date(2026, 2, 12)
    desk.case.refresh_from_db()
    assert desk.case.status == CaseStatus.ACCEPTED
    event = last_audit(desk.offer)
    assert (event.action, event.actor) == ("offer.accepted", desk.liaison)


def test_a_liaison_declines_the_offer_and_no_longer_sees_the_case(desk: Desk) -> None:
    response = post(
        desk.liaison,
        reverse("cases:answer", args=[desk.case.reference, desk.offer.pk, "decline"]),
        {f"decline-{desk.offer.pk}-reason": "No paediatric orthopaedic bed"},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("cases:receiving")
    desk.offer.refresh_from_db()
    assert (desk.offer.status, desk.offer.note) == (
        OfferStatus.DECLINED,
        "No paediatric orthopaedic bed",
    )
    assert last_audit(desk.offer).action == "offer.declined"
    gone = as_user(desk.liaison).get(reverse("cases:detail", args=[desk.case.reference]))
    assert gone.status_code == 404


def test_a_liaison_cannot_answer_an_offer_made_to_another_party(desk: Desk) -> None:
    other = DestinationOffer.objects.create(
        case=desk.case,
        receiving_party=desk.other_hospital,
        status=OfferStatus.OFFERED,
        offered_on=datetime.date(2026, 1, 21),
    )

    response = post(
        desk.liaison,
        reverse("cases:answer", args=[desk.case.reference, other.pk, "accept"]),
        {},
    )

    assert response.status_code == 404
    other.refresh_from_db()
    assert other.status == OfferStatus.OFFERED


def test_roles_without_the_action_are_refused_and_the_refusal_audited(desk: Desk) -> None:
    ref = desk.case.reference
    urgency = {"urgency-tier": desk.tiers["critical"].pk, "urgency-reason": "because"}

    assert post(desk.coordinator, reverse("cases:urgency", args=[ref]), urgency).status_code == 403
    assert post(desk.referral, reverse("cases:withdraw", args=[ref]), {}).status_code == 403
    assert post(desk.liaison, reverse("cases:death", args=[ref]), {}).status_code == 403
    outsider = UserFactory(username="analyst", roles=[Role.ANALYST])
    assert post(outsider, reverse("cases:offer", args=[ref]), {}).status_code == 403
    assert as_user(desk.coordinator).get(reverse("cases:withdraw", args=[ref])).status_code == 405
    refused = AuditEvent.objects.filter(action="permission.refused")
    assert {e.data["action"] for e in refused} >= {policy.CASE_URGENCY, policy.CASE_MANAGE}
    desk.case.refresh_from_db()
    assert desk.case.status == CaseStatus.OFFERED and desk.case.urgency == desk.tiers["urgent"]


def test_a_refused_transition_shows_its_reason_on_the_page(desk: Desk) -> None:
    services.record_death(desk.case, actor=desk.coordinator)  # on another screen, a moment ago

    response = post(
        desk.coordinator,
        reverse("cases:withdraw", args=[desk.case.reference]),
        {"withdraw-reason": "The family found treatment elsewhere"},
    )

    assert response.status_code == 409
    body = response.content.decode()
    assert "cannot go from &#x27;died&#x27; to &#x27;withdrawn&#x27;" in body
    assert 'role="alert"' in body and 'id="case-actions"' in body
    desk.case.refresh_from_db()
    assert desk.case.status == CaseStatus.DIED


def test_with_htmx_an_action_redraws_the_sections_and_reads_no_clinical_summary(
    desk: Desk,
) -> None:
    url = reverse("cases:urgency", args=[desk.case.reference])
    data = {"urgency-tier": desk.tiers["critical"].pk, "urgency-reason": "Sepsis"}

    done = post(desk.referral, url, data, HTTP_HX_REQUEST="true")
    refused = post(desk.referral, url, data, HTTP_HX_REQUEST="true")  # already critical now

    assert done.status_code == 200
    body = done.content.decode()
    assert body.lstrip().startswith('<section class="card case-actions" id="case-actions"')
    for section in ("case-summary", "case-urgency", "case-people", "case-timeline", "case-offers"):
        assert f'id="{section}" hx-swap-oob="true"' in body
    assert "The urgency of case" in body and "Sepsis" in body
    assert "<html" not in body and CLINICAL not in body
    assert refused.status_code == 400
    assert "The case is already Critical" in refused.content.decode()
    assert clinical_reads(desk.case) == []


def test_with_htmx_an_action_that_ends_the_users_view_of_the_case_redirects(desk: Desk) -> None:
    response = post(
        desk.liaison,
        reverse("cases:answer", args=[desk.case.reference, desk.offer.pk, "decline"]),
        {},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 204
    assert response["HX-Redirect"] == reverse("cases:receiving")


# --- the timeline and the planner ---------------------------------------------------------------


def timeline_of(page: str) -> list[tuple[datetime.datetime, str]]:
    section = page.split('id="case-timeline"', 1)[1].split("</ol>", 1)[0]
    entries = []
    for stamp, title in re.findall(
        r'<time datetime="([^"]+)">.*?</time>\s*<span class="what">([^<]+)</span>', section, re.S
    ):
        moment = datetime.datetime.fromisoformat(stamp)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=timezone.get_current_timezone())
        entries.append((moment, title.replace("&#x27;", "'")))
    return entries


def test_the_timeline_tells_every_event_about_the_case_in_time_order(
    desk: Desk, plan: Planner, who: Party, crossing_authority: Party
) -> None:
    case = desk.case
    services.set_urgency(
        case,
        desk.tiers["critical"],
        actor=desk.referral,
        reason="worse",
        at=at_local(datetime.date(2026, 1, 25), 9),
    )
    services.accept_offer(desk.offer, actor=desk.liaison, on=datetime.date(2026, 1, 27))
    batch = plan.confirmed(case)  # listed, submitted, cleared, confirmed on PLANNING_TIME
    crossing_services.cancel_batch(
        batch,
        party=crossing_authority,
        actor=desk.coordinator,
        no_reason_given=True,
        relayed_by=who,
        at=at_local(CROSSING_DATE, 7, 40),
    )
    Message.objects.create(
        person=case.patient,
        case=case,
        batch=batch,
        kind="cancelled",
        language="ar",
        body="…",
        channel="console",
        dedupe_key="test-cancelled",
        created_at=at_local(CROSSING_DATE, 8),
    )
    page_of(desk.referral, case)  # a read of the clinical summary: not an event of the case

    entries = timeline_of(page_of(desk.coordinator, case))

    moments = [moment for moment, _ in entries]
    assert moments == sorted(moments)
    titles = [title for _, title in entries]
    # Events of one moment (the planner's batch steps, all at PLANNING_TIME) may come in any order.
    expected = [
        {"Registered"},
        {"Approved for treatment abroad (Form No. 1)"},
        {"Offered to Receiving Hospital"},
        {"Urgency: Urgent → Critical"},
        {"Accepted by Receiving Hospital"},
        {
            "Status: Listed on a batch",
            "Batch 1: List submitted",
            "Status: Cleared",
            "Batch 1: Coordination confirmed",
        },
        {"Batch 1: Coordination cancelled"},
        {"Message to Amal Haddad: Cancelled"},
    ]
    spans = [[titles.index(title) for title in group] for group in expected]
    for before, after in zip(spans, spans[1:], strict=False):
        assert max(before) < min(after), titles
    assert "Status: Accepted by a destination" in titles  # recorded now: the service's own time
    assert any(title.startswith("Amal Haddad: Cleared on batch 1") for title in titles)
    assert any(title.startswith("Amal Haddad listed on batch 1") for title in titles)
    assert not any("clinical" in title.lower() for title in titles)
    # the business time of a status change, not the moment the audit row was written
    when = {title: moment for moment, title in entries}
    assert when["Status: Listed on a batch"] == PLANNING_TIME
    seat = next(title for title in titles if title.startswith("Amal Haddad listed on batch 1"))
    assert when[seat] == PLANNING_TIME


def test_the_planner_explains_where_the_case_stands_with_its_score_factors(
    desk: Desk, plan: Planner
) -> None:
    services.accept_offer(desk.offer, actor=desk.liaison, available_from=datetime.date(2026, 2, 1))
    CompanionFactory(case=desk.case, person=PersonFactory(date_of_birth=datetime.date(1985, 1, 1)))
    for offset in (1, 2):
        CrossingDayFactory(
            crossing=plan.crossing,
            date=CROSSING_DATE + datetime.timedelta(days=offset),
            quota_out=10,
        )
    proposal = propose_plan(
        plan.crossing, CROSSING_DATE, 3, actor=desk.coordinator, at=PLANNING_TIME
    )
    explanation = planning.Plan.from_dict(proposal.plan).explanation(desk.case.reference)
    assert explanation.status == planning.Status.PLANNED

    page = page_of(desk.coordinator, desk.case)

    standing = page.split('id="case-standing"', 1)[1].split("</section>", 1)[0]
    assert "Planned" in standing
    assert explanation.text_en in standing
    assert "Receiving Hospital" in standing  # the destination, by name
    assert f"<dd>{explanation.rank}</dd>" in standing
    assert "Urgency: Urgent" in standing and "Child patient" in standing
    assert "Days waiting since referral" in standing
    total = re.search(r"Total</th><td class=\"number\">([\d.]+)<", standing)
    assert total is not None and float(total.group(1)) == explanation.score
    assert "From the plan proposed on" in standing
    assert "has changed since this plan" not in standing
    services.set_urgency(desk.case, desk.tiers["critical"], actor=desk.referral, reason="worse")
    assert "has changed since this plan" in page_of(desk.coordinator, desk.case)
    services.record_death(desk.case, actor=desk.coordinator)
    closed = page_of(desk.coordinator, desk.case).split('id="case-standing"', 1)[1]
    assert explanation.text_en not in closed  # the plan is older than the death
    assert "The planner does not plan a case in this state (Died while waiting)" in closed


def test_a_case_no_plan_includes_says_so(desk: Desk) -> None:
    page = page_of(desk.coordinator, desk.case)

    assert "No plan includes this case yet" in page


# --- a fixed number of queries ------------------------------------------------------------------


def _grow(desk: Desk, plan: Planner, n: int) -> None:
    """`n` of everything the page shows: companions, batches, events, offers, messages."""
    case = desk.case
    proposal = PlanProposal.objects.create(
        crossing=plan.crossing,
        first_day=CROSSING_DATE,
        days=3,
        planned_at=PLANNING_TIME,
        rules_version="test",
        plan={
            "explanations": [
                explanation_to_dict(
                    planning.Explanation(
                        case_id=case.reference,
                        status=planning.Status.STANDBY,
                        date=CROSSING_DATE,
                        destination=None,
                        rank=7,
                        score=512.0,
                        reasons=(),
                        text_en="on standby",
                        text_ar="في قائمة الاحتياط",
                    )
                )
            ]
        },
        created_at=PLANNING_TIME,
    )
    for i in range(n):
        companion = CompanionFactory(case=case)
        batch = BatchFactory(crossing=plan.crossing, planned_date=CROSSING_DATE)
        for person, role, comp in [
            (case.patient, "patient", None),
            (companion.person, "companion", companion),
        ]:
            BatchMember.objects.create(
                batch=batch,
                person=person,
                role=role,
                case=case,
                companion=comp,
                seat=1 if comp is None else 2,
                clearance=Clearance.REFUSED,
                clearance_party=plan.authority,
                clearance_at=PLANNING_TIME,
                active=False,
                outcome=Outcome.TURNED_BACK,
                outcome_at=CROSSING_TIME,
            )
            Movement.objects.create(
                crossing=plan.crossing,
                person=person,
                direction="out",
                at=CROSSING_TIME,
                date=CROSSING_DATE,
                batch=batch,
                outcome="turned_back",
            )
        CoordinationEvent.objects.create(
            batch=batch,
            kind="cancelled",
            party=plan.authority,
            no_reason_given=True,
            at=CROSSING_TIME,
        )
        StandbyEntry.objects.create(batch=batch, case=case, position=i + 1, proposal=proposal)
        UrgencyChange.objects.create(
            case=case,
            previous=desk.tiers["stable"],
            new=desk.tiers["urgent"],
            changed_at=PLANNING_TIME,
        )
        DestinationOffer.objects.create(
            case=case,
            receiving_party=PartyFactory(kind=PartyKind.RECEIVING_HOSPITAL),
            status=OfferStatus.DECLINED,
            offered_on=CROSSING_DATE,
            answered_on=CROSSING_DATE,
        )
        Message.objects.create(
            person=case.patient,
            case=case,
            batch=batch,
            kind="listed",
            language="ar",
            body="…",
            channel="console",
            dedupe_key=f"grow-{i}",
            created_at=PLANNING_TIME,
        )
        with transaction.atomic():
            audit.record("case.bumped", case, data={"reason": f"bump {i}"})


def _queries(user: User, case: Case) -> int:
    client = as_user(user)
    url = reverse("cases:detail", args=[case.reference])
    assert client.get(url).status_code == 200  # warm: session and caches
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("n", [3, 30])
def test_the_page_takes_a_fixed_number_of_queries_however_much_the_case_holds(
    desk: Desk, plan: Planner, n: int
) -> None:
    _grow(desk, plan, n)

    page = page_of(desk.coordinator, desk.case)
    assert page.count('class="companion ') == n
    assert page.count("offer offer-declined") == n

    counts = (
        _queries(desk.coordinator, desk.case),
        _queries(desk.referral, desk.case),
        _queries(desk.liaison, desk.case),
    )
    assert counts == (COORDINATOR_QUERIES, REFERRAL_QUERIES, LIAISON_QUERIES)


# The same for 3 or 30 of everything. The referral officer's page also writes the audit row of
# the clinical summary read; the liaison's reads the receiving profile and the party's offers only.
# Each reads the list of documents in one query (see `test_documents`).
COORDINATOR_QUERIES = 25
REFERRAL_QUERIES = 29
LIAISON_QUERIES = 18
