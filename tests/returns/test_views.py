"""The returns pages: registrations, one registration, lists for a date and calling returnees."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

import pytest
from django.test import Client

from corridor.accounts.models import Party, PartyKind, Role, User
from corridor.audit.models import AuditEvent
from corridor.crossings import services as crossing_services
from corridor.crossings.models import (
    Batch,
    BatchKind,
    BatchMember,
    Clearance,
    Crossing,
    CrossingDay,
    Direction,
)
from corridor.notify.models import Message, MessageKind
from corridor.returns import services
from corridor.returns.models import (
    CallOutcome,
    EligibilityRule,
    ReturnCall,
    ReturnRegistration,
    ReturnStatus,
)
from corridor.returns.search import FEW_MATCHES
from tests.factories import (
    CrossingDayFactory,
    EligibilityRuleFactory,
    FacilityFactory,
    GovernorateFactory,
    PartyFactory,
    PersonFactory,
    ReturnRegistrationFactory,
    UserFactory,
)
from tests.helpers import CROSSING_DATE, PLANNING_TIME, audit_actions

LIST_DATE = datetime.date(2026, 2, 12)  # a day on which the crossing opens, after CROSSING_DATE
PHONE = "+970599123456"


@pytest.fixture(autouse=True)
def _demo_clock(settings) -> None:
    # Business "today" is before the crossing dates of these tests, as on the desk that day.
    settings.CORRIDOR_DEMO_DATE = CROSSING_DATE - datetime.timedelta(days=3)


@pytest.fixture
def embassy(db: None) -> Party:
    return PartyFactory(
        code="embassy-cairo", name_en="Embassy in Cairo", name_ar="السفارة", kind=PartyKind.EMBASSY
    )


@pytest.fixture
def rule(db: None) -> EligibilityRule:
    return EligibilityRuleFactory(
        code="gaza-after-oct-2023",
        name_en="Gaza residents who left after 7 October 2023",
        residence_territory="gaza-strip",
        left_on_or_after=datetime.date(2023, 10, 7),
    )


@pytest.fixture
def officer(embassy: Party) -> User:
    return UserFactory(username="returns", party=embassy, roles=[Role.RETURNS_OFFICER])


@pytest.fixture
def officer_client(officer: User) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(officer)
    return client


@pytest.fixture
def return_day(crossing: Crossing) -> CrossingDay:
    return CrossingDayFactory(crossing=crossing, date=LIST_DATE, quota_out=10, quota_in=5)


def _registration(embassy: Party, rule: EligibilityRule, **fields: object) -> ReturnRegistration:
    """A registration decided eligible by the rule (or as `status` says)."""
    fields.setdefault("status", ReturnStatus.ELIGIBLE)
    registration = ReturnRegistrationFactory(
        registered_with=embassy,
        eligibility_rule=rule,
        eligibility_reason="resident of gaza-strip who left on or after 2023-10-07",
        **fields,
    )
    return registration


def _client(user: User) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


@dataclass
class Listed:
    registration: ReturnRegistration
    member: BatchMember
    batch: Batch


def _listed(
    embassy: Party,
    rule: EligibilityRule,
    crossing: Crossing,
    coordinator: User,
    *,
    cleared: bool,
    authority: Party | None = None,
    **person: object,
) -> Listed:
    """An eligible returnee put on a return batch for CROSSING_DATE, cleared if asked."""
    registration = _registration(embassy, rule, person=PersonFactory(phone=PHONE, **person))
    batch = crossing_services.create_batch(
        crossing,
        Direction.IN,
        CROSSING_DATE,
        actor=coordinator,
        kind=BatchKind.RETURN,
        at=PLANNING_TIME,
    )
    member = crossing_services.add_returnee_to_batch(
        batch, registration, actor=coordinator, at=PLANNING_TIME
    )
    if cleared:
        assert authority is not None
        crossing_services.submit_batch(batch, party=embassy, actor=coordinator, at=PLANNING_TIME)
        crossing_services.record_clearance(
            member, Clearance.CLEARED, party=authority, actor=coordinator, at=PLANNING_TIME
        )
    registration.refresh_from_db()
    return Listed(registration, member, batch)


# Permissions


def test_only_returns_officers_open_the_returns_pages_and_others_registrations_answer_404(
    embassy, rule, crossing, crossing_day, coordinator, liaison, outsider
) -> None:
    mine = _registration(embassy, rule, person=PersonFactory(national_id="911111111"))
    elsewhere = PartyFactory(code="embassy-amman", kind=PartyKind.EMBASSY)
    other_officer = UserFactory(username="amman", party=elsewhere, roles=[Role.RETURNS_OFFICER])
    crossing_officer = UserFactory(username="monitor", roles=[Role.CROSSING_OFFICER])
    pages = [
        "/returns/",
        f"/returns/{mine.pk}/",
        f"/returns/{mine.pk}/call/",
        f"/returns/lists/?date={CROSSING_DATE.isoformat()}",
    ]
    officer = UserFactory(username="returns", party=embassy, roles=[Role.RETURNS_OFFICER])

    for path in pages:
        assert _client(officer).get(path).status_code == 200, path
        for refused in (coordinator, liaison, outsider, crossing_officer):
            assert _client(refused).get(path).status_code == 403, (refused, path)
    for path in pages[1:3]:
        response = _client(other_officer).get(path)
        assert response.status_code == 404, path
        assert "911111111" not in response.content.decode()
    assert "911111111" not in _client(other_officer).get("/returns/").content.decode()
    assert Client().get("/returns/").status_code == 302


def test_actions_need_the_manage_permission(
    embassy, rule, crossing, return_day, coordinator
) -> None:
    registration = _registration(embassy, rule)
    client = _client(coordinator)

    assert client.post(f"/returns/{registration.pk}/eligibility/").status_code == 403
    assert (
        client.post(f"/returns/{registration.pk}/call/", {"outcome": "confirmed"}).status_code
        == 403
    )
    build = {"date": LIST_DATE.isoformat(), "crossing": crossing.code, "count": 2}
    assert client.post("/returns/lists/build/", build).status_code == 403
    assert not ReturnCall.objects.exists()
    assert not Batch.objects.exists()


# The list


def test_the_list_filters_by_status_eligibility_governorate_and_registration_date(
    embassy, rule, officer_client
) -> None:
    rafah = GovernorateFactory(code="rafah", name_en="Rafah")
    gaza = GovernorateFactory(code="gaza", name_en="Gaza")
    early = _registration(
        embassy,
        rule,
        person=PersonFactory(national_id="900000011", residence=rafah),
        registered_on=datetime.date(2025, 11, 1),
    )
    late_ineligible = _registration(
        embassy,
        rule,
        person=PersonFactory(national_id="900000012", residence=gaza),
        registered_on=datetime.date(2026, 1, 20),
        status=ReturnStatus.INELIGIBLE,
    )
    undecided = ReturnRegistrationFactory(
        registered_with=embassy,
        person=PersonFactory(national_id="900000013", residence=gaza),
        registered_on=datetime.date(2026, 1, 5),
    )

    def shown(query: str) -> set[str]:
        page = officer_client.get("/returns/?" + query).content.decode()
        return {
            r.person.national_id
            for r in (early, late_ineligible, undecided)
            if r.person.national_id in page
        }

    assert shown("") == {"900000011", "900000012", "900000013"}
    assert shown("status=ineligible") == {"900000012"}
    assert shown("eligibility=eligible") == {"900000011"}
    assert shown("eligibility=undecided") == {"900000013"}
    assert shown("governorate=gaza") == {"900000012", "900000013"}
    assert shown("registered_from=2026-01-01&registered_until=2026-01-10") == {"900000013"}
    assert shown("governorate=gaza&eligibility=ineligible") == {"900000012"}


def test_the_list_finds_a_person_by_id_number_or_by_a_name_spelt_another_way(
    embassy, rule, officer_client
) -> None:
    ahmads = [
        _registration(
            embassy,
            rule,
            person=PersonFactory(
                given_name_ar=given,
                family_name_ar="الشاعر",
                name_latin=f"Ahmad Al-Shaer {index}",
                national_id=f"80000001{index}",
            ),
        )
        for index, given in enumerate(["أحمد", "احمد", "أحمد", "أحمد", "أحمد"])
    ]
    fatima = _registration(
        embassy,
        rule,
        person=PersonFactory(
            given_name_ar="فاطمة", family_name_ar="حمدان", name_latin="Fatima Hamdan"
        ),
    )
    everyone = [*ahmads, fatima]

    def found(query: str) -> set[int]:
        body = officer_client.get("/returns/", {"q": query}).content.decode()
        return {r.pk for r in everyone if f"/returns/{r.pk}/" in body}

    assert found("800000012") == {ahmads[2].pk}
    assert found("٨٠٠٠٠٠٠١٢") == {ahmads[2].pk}  # typed with Arabic-Indic digits
    assert found("احمد") == {r.pk for r in ahmads}  # without the hamza
    assert found("ahmad al-shaer") == {r.pk for r in ahmads}
    assert fatima.pk in found("فاطمه حمدان")  # taa marbuta typed as haa
    assert found("800000099") == set()


def test_a_name_a_typing_slip_away_is_found_when_few_match_exactly(
    embassy, rule, officer_client
) -> None:
    fatima = _registration(
        embassy,
        rule,
        person=PersonFactory(
            given_name_ar="فاطمة", family_name_ar="حمدان", name_latin="Fatima Hamdan"
        ),
    )

    response = officer_client.get("/returns/", {"q": "fatma hamdan"})

    body = response.content.decode()
    assert f"/returns/{fatima.pk}/" in body
    assert "names one or two letters away are shown too" in body


def test_bad_filters_answer_400_and_name_the_field(embassy, rule, officer_client) -> None:
    _registration(embassy, rule, person=PersonFactory(national_id="900000021"))

    swapped = officer_client.get(
        "/returns/", {"registered_from": "2026-02-01", "registered_until": "2026-01-01"}
    )
    not_a_date = officer_client.get("/returns/", {"registered_from": "2026-13-45"})
    unknown_status = officer_client.get("/returns/", {"status": "teleported"})

    assert swapped.status_code == 400
    assert "Registered until" in swapped.content.decode()
    assert "before" in swapped.content.decode()
    assert "900000021" not in swapped.content.decode()
    assert not_a_date.status_code == 400
    assert "Enter a valid date" in not_a_date.content.decode()
    assert unknown_status.status_code == 400
    assert "teleported is not one of the available choices" in unknown_status.content.decode()


def test_an_htmx_filter_answers_with_the_results_part_only(embassy, rule, officer_client) -> None:
    _registration(embassy, rule, person=PersonFactory(national_id="900000031"))

    response = officer_client.get("/returns/", {"q": "900000031"}, HTTP_HX_REQUEST="true")

    body = response.content.decode()
    assert response.status_code == 200
    assert "900000031" in body
    assert "<html" not in body
    assert 'name="q"' in body  # the filters come back with the results


def test_the_pager_keeps_the_filters(embassy, rule, officer_client) -> None:
    for _ in range(51):
        _registration(embassy, rule)

    body = officer_client.get("/returns/", {"status": "eligible"}).content.decode()

    assert "?status=eligible&amp;page=2" in body


@pytest.mark.parametrize("rows", [3, 30])
def test_the_list_runs_a_fixed_number_of_queries(
    embassy, rule, officer_client, django_assert_num_queries, rows
) -> None:
    governorate = GovernorateFactory()
    for _ in range(rows + FEW_MATCHES):  # enough exact matches for a name never to need more
        _registration(embassy, rule, person=PersonFactory(residence=governorate))
    officer_client.get("/returns/")

    with django_assert_num_queries(LIST_QUERIES):
        filtered = officer_client.get("/returns/", {"eligibility": "eligible"})
    with django_assert_num_queries(SEARCH_QUERIES):
        searched = officer_client.get("/returns/", {"eligibility": "eligible", "q": "Person"})

    for response in (filtered, searched):
        links = re.findall(r'href="/returns/\d+/"', response.content.decode())
        assert len(links) == rows + FEW_MATCHES


# session, user, role grants, count, the page's rows, governorates of the filter; the session
# saved
LIST_QUERIES = 9
# A search by name finds the people, then lists the ids of their registrations instead of
# counting them.
SEARCH_QUERIES = LIST_QUERIES + 1


# One registration


def test_a_registration_shows_the_rule_that_decided_and_why(
    embassy, rule, officer_client, officer
) -> None:
    registration = ReturnRegistrationFactory(
        registered_with=embassy,
        departure_date=datetime.date(2023, 5, 1),
        person=PersonFactory(
            residence=GovernorateFactory(territory="gaza-strip"), phone=PHONE, national_id="912"
        ),
    )
    services.decide_eligibility(registration, actor=officer)

    body = officer_client.get(f"/returns/{registration.pk}/").content.decode()

    assert "Gaza residents who left after 7 October 2023" in body
    assert "gaza-after-oct-2023" in body
    assert "left on 2023-05-01, before 2023-10-07" in body
    assert "Not eligible" in body
    assert "Decided not eligible" in body  # the history
    assert PHONE not in body  # the phone only on the call page


def test_the_decide_button_decides_eligibility_under_the_rule_in_force(
    embassy, rule, officer_client
) -> None:
    registration = ReturnRegistrationFactory(registered_with=embassy)

    response = officer_client.post(f"/returns/{registration.pk}/eligibility/")

    registration.refresh_from_db()
    assert response.status_code == 302
    assert registration.status == ReturnStatus.ELIGIBLE
    assert registration.eligibility_rule == rule
    assert audit_actions(registration) == ["return.eligible"]


def test_the_reason_is_given_again_in_the_readers_language_while_the_facts_still_hold(
    embassy, rule, officer, officer_client
) -> None:
    # A reason stored in another language (or wording) is said again in the reader's language.
    registration = ReturnRegistrationFactory(registered_with=embassy)
    services.decide_eligibility(registration, actor=officer)
    ReturnRegistration.objects.filter(pk=registration.pk).update(
        eligibility_reason="من سكان gaza-strip وغادر بعد 2023-10-07"
    )
    moved = ReturnRegistrationFactory(registered_with=embassy)
    services.decide_eligibility(moved, actor=officer)
    ReturnRegistration.objects.filter(pk=moved.pk).update(eligibility_reason="STORED-REASON")
    moved.person.residence = GovernorateFactory(code="cairo", territory="egypt")
    moved.person.save()

    again = officer_client.get(f"/returns/{registration.pk}/").content.decode()
    as_stored = officer_client.get(f"/returns/{moved.pk}/").content.decode()

    assert "resident of gaza-strip who left on or after 2023-10-07" in again
    assert "من سكان" not in again
    assert "STORED-REASON" in as_stored  # the facts changed: the decision's own words stay


@pytest.mark.parametrize("calls", [1, 10])
def test_a_registration_page_runs_a_fixed_number_of_queries(
    embassy, rule, crossing, crossing_day, coordinator, crossing_authority, officer,
    officer_client, django_assert_num_queries, calls,
) -> None:  # fmt: skip
    listed = _listed(
        embassy, rule, crossing, coordinator, cleared=True, authority=crossing_authority
    )
    for _ in range(calls):
        services.record_call(listed.registration, CallOutcome.NO_ANSWER, actor=officer)
    officer_client.get(f"/returns/{listed.registration.pk}/")

    with django_assert_num_queries(DETAIL_QUERIES):
        response = officer_client.get(f"/returns/{listed.registration.pk}/")

    assert response.content.decode().count("No answer") == calls * 2  # the calls and the history


# session, user, roles, registration, batches, calls, household, history; the session saved
DETAIL_QUERIES = 11


# Calling


def test_a_cleared_returnee_who_confirms_is_called_and_told_by_message(
    embassy, rule, crossing, crossing_day, coordinator, crossing_authority, officer,
    officer_client, django_capture_on_commit_callbacks,
) -> None:  # fmt: skip
    listed = _listed(
        embassy, rule, crossing, coordinator, cleared=True, authority=crossing_authority
    )
    lists_page = f"/returns/lists/?date={CROSSING_DATE.isoformat()}&crossing={crossing.code}"

    page = officer_client.get(f"/returns/{listed.registration.pk}/call/", {"next": lists_page})
    with django_capture_on_commit_callbacks(execute=True):
        response = officer_client.post(
            f"/returns/{listed.registration.pk}/call/",
            {"outcome": "confirmed", "note": "Will come with two bags", "next": lists_page},
        )

    assert PHONE in page.content.decode()
    assert response.status_code == 302
    assert response["Location"] == lists_page
    listed.registration.refresh_from_db()
    assert listed.registration.status == ReturnStatus.CALLED
    call = ReturnCall.objects.get()
    assert (call.outcome, call.note, call.called_by, call.batch) == (
        CallOutcome.CONFIRMED,
        "Will come with two bags",
        officer,
        listed.batch,
    )
    assert audit_actions(listed.registration)[-3:] == [
        "return.phone_read",
        "return.call_recorded",
        "return.called",
    ]
    recorded = AuditEvent.objects.get(action="return.call_recorded")
    assert recorded.actor == officer
    assert "bags" not in str(recorded.data)  # the note stays out of the audit log
    assert Message.objects.filter(
        return_registration=listed.registration, kind=MessageKind.CALLED
    ).exists()
    shown = officer_client.get(lists_page).content.decode()
    assert "Reached, confirmed" in shown


@pytest.mark.parametrize(
    "outcome", [CallOutcome.NO_ANSWER, CallOutcome.DECLINED, CallOutcome.WRONG_NUMBER]
)
def test_a_call_that_does_not_confirm_is_recorded_and_changes_nothing_else(
    embassy, rule, crossing, crossing_day, coordinator, crossing_authority, officer_client,
    django_capture_on_commit_callbacks, outcome,
) -> None:  # fmt: skip
    listed = _listed(
        embassy, rule, crossing, coordinator, cleared=True, authority=crossing_authority
    )
    messages_before = Message.objects.count()

    with django_capture_on_commit_callbacks(execute=True):
        response = officer_client.post(
            f"/returns/{listed.registration.pk}/call/", {"outcome": outcome}
        )

    listed.registration.refresh_from_db()
    assert response.status_code == 302
    assert listed.registration.status == ReturnStatus.CLEARED
    assert ReturnCall.objects.get().outcome == outcome
    assert audit_actions(listed.registration)[-1] == "return.call_recorded"
    assert Message.objects.count() == messages_before


def test_a_listed_returnee_not_yet_cleared_who_confirms_stays_listed(
    embassy, rule, crossing, crossing_day, coordinator, officer_client
) -> None:
    listed = _listed(embassy, rule, crossing, coordinator, cleared=False)

    officer_client.post(f"/returns/{listed.registration.pk}/call/", {"outcome": "confirmed"})

    listed.registration.refresh_from_db()
    assert listed.registration.status == ReturnStatus.LISTED
    assert ReturnCall.objects.get().outcome == CallOutcome.CONFIRMED


def test_calling_someone_on_no_list_is_refused_with_the_reason(
    embassy, rule, officer_client
) -> None:
    registration = _registration(embassy, rule)

    response = officer_client.post(f"/returns/{registration.pk}/call/", {"outcome": "confirmed"})

    assert response.status_code == 409
    assert "only listed returnees are called" in response.content.decode()
    assert not ReturnCall.objects.exists()
    assert "return.call_recorded" not in audit_actions(registration)


def test_the_phone_of_someone_on_no_list_is_not_shown(embassy, rule, officer_client) -> None:
    registration = _registration(embassy, rule, person=PersonFactory(phone=PHONE))

    body = officer_client.get(f"/returns/{registration.pk}/call/").content.decode()

    assert PHONE not in body
    assert "on no return list" in body
    assert audit_actions(registration) == []


def test_a_call_without_an_outcome_names_the_field(
    embassy, rule, crossing, crossing_day, coordinator, officer_client
) -> None:
    listed = _listed(embassy, rule, crossing, coordinator, cleared=False)

    missing = officer_client.post(f"/returns/{listed.registration.pk}/call/", {"note": "x"})
    unknown = officer_client.post(
        f"/returns/{listed.registration.pk}/call/", {"outcome": "voicemail"}
    )

    assert missing.status_code == 400
    assert "Outcome of the call" in missing.content.decode()
    assert "This field is required" in missing.content.decode()
    assert unknown.status_code == 400
    assert "voicemail is not one of the available choices" in unknown.content.decode()
    assert not ReturnCall.objects.exists()


def test_showing_the_phone_is_audited_each_time(
    embassy, rule, crossing, crossing_day, coordinator, officer, officer_client
) -> None:
    listed = _listed(embassy, rule, crossing, coordinator, cleared=False)

    officer_client.get(f"/returns/{listed.registration.pk}/call/")
    officer_client.get(f"/returns/{listed.registration.pk}/call/")

    reads = AuditEvent.objects.filter(action="return.phone_read")
    assert reads.count() == 2
    assert {event.actor for event in reads} == {officer}
    assert {event.object_id for event in reads} == {str(listed.registration.pk)}


def test_an_offsite_next_address_is_not_followed(
    embassy, rule, crossing, crossing_day, coordinator, officer_client
) -> None:
    listed = _listed(embassy, rule, crossing, coordinator, cleared=False)

    response = officer_client.post(
        f"/returns/{listed.registration.pk}/call/",
        {"outcome": "no_answer", "next": "https://evil.example/"},
    )

    assert response["Location"] == f"/returns/{listed.registration.pk}/"


# Lists for a date


def test_building_a_list_puts_the_partys_eligible_returnees_on_in_the_order_they_registered(
    embassy, rule, crossing, return_day, officer, officer_client
) -> None:
    other_party = PartyFactory(code="embassy-amman", kind=PartyKind.EMBASSY)
    first = _registration(embassy, rule, registered_on=datetime.date(2025, 11, 1))
    third = _registration(embassy, rule, registered_on=datetime.date(2025, 12, 1))
    second = _registration(embassy, rule, registered_on=datetime.date(2025, 11, 15))
    _registration(embassy, rule, registered_on=datetime.date(2025, 10, 1), status="ineligible")
    _registration(other_party, rule, registered_on=datetime.date(2025, 10, 1))
    point = FacilityFactory(code="arish-point", kind="assembly_point")

    response = officer_client.post(
        "/returns/lists/build/",
        {
            "date": LIST_DATE.isoformat(),
            "crossing": crossing.code,
            "count": 2,
            "assembly_point": point.code,
        },
    )

    assert response.status_code == 302
    batch = Batch.objects.get()
    assert (batch.kind, batch.direction, batch.planned_date, batch.assembly_point) == (
        BatchKind.RETURN,
        Direction.IN,
        LIST_DATE,
        point,
    )
    seats = list(batch.members.order_by("seat").values_list("return_registration", flat=True))
    assert seats == [first.pk, second.pk]
    third.refresh_from_db()
    assert third.status == ReturnStatus.ELIGIBLE
    assert ReturnRegistration.objects.get(pk=first.pk).status == ReturnStatus.LISTED
    assert audit_actions(batch) == ["batch.created"]
    assert AuditEvent.objects.get(action="batch.created").actor == officer
    page = officer_client.get(response["Location"]).content.decode()
    assert "2 people listed on return batch 1" in page
    assert f"/returns/{first.pk}/" in page and f"/returns/{second.pk}/" in page


def test_a_list_is_cut_to_the_seats_the_days_quota_has_left(
    embassy, rule, crossing, return_day, officer_client
) -> None:
    for _ in range(8):
        _registration(embassy, rule)

    officer_client.post(
        "/returns/lists/build/",
        {"date": LIST_DATE.isoformat(), "crossing": crossing.code, "count": 3},
    )
    second = officer_client.post(
        "/returns/lists/build/",
        {"date": LIST_DATE.isoformat(), "crossing": crossing.code, "count": 3},
        follow=True,
    )
    full = officer_client.post(
        "/returns/lists/build/",
        {"date": LIST_DATE.isoformat(), "crossing": crossing.code, "count": 1},
    )

    assert Batch.objects.count() == 1  # the second list went on the same draft batch
    assert BatchMember.objects.filter(active=True).count() == return_day.quota_in == 5
    assert "3 were asked for" in second.content.decode()
    assert full.status_code == 409
    assert "No seats are left for arrivals" in full.content.decode()


def test_building_a_list_for_a_date_without_a_crossing_day_is_refused_with_the_reason(
    embassy, rule, crossing, officer_client
) -> None:
    _registration(embassy, rule)

    response = officer_client.post(
        "/returns/lists/build/",
        {"date": "2026-03-30", "crossing": crossing.code, "count": 1},
    )

    assert response.status_code == 409
    assert "has no crossing day on 2026-03-30" in response.content.decode()
    assert not Batch.objects.exists()


def test_bad_list_input_names_the_field(embassy, rule, crossing, return_day, officer_client):
    zero = officer_client.post(
        "/returns/lists/build/",
        {"date": LIST_DATE.isoformat(), "crossing": crossing.code, "count": 0},
    )
    bad_date = officer_client.get("/returns/lists/", {"date": "12/02/2026x"})
    past = officer_client.post(
        "/returns/lists/build/",
        {"date": "2026-02-01", "crossing": crossing.code, "count": 1},
    )

    assert zero.status_code == 400
    assert "How many people to list" in zero.content.decode()
    assert "greater than or equal to 1" in zero.content.decode()
    assert bad_date.status_code == 400
    assert "Crossing date" in bad_date.content.decode()
    assert "Enter a valid date" in bad_date.content.decode()
    assert past.status_code == 409
    assert "is in the past" in past.content.decode()
    assert not Batch.objects.exists()


def test_the_list_for_a_date_shows_only_the_partys_people_and_their_last_call(
    embassy, rule, crossing, crossing_day, coordinator, crossing_authority, officer,
    officer_client,
) -> None:  # fmt: skip
    listed = _listed(embassy, rule, crossing, coordinator, cleared=False, national_id="933333333")
    other_party = PartyFactory(code="embassy-amman", kind=PartyKind.EMBASSY)
    stranger = _registration(other_party, rule, person=PersonFactory(national_id="944444444"))
    crossing_services.add_returnee_to_batch(listed.batch, stranger, actor=coordinator)
    services.record_call(listed.registration, CallOutcome.WRONG_NUMBER, actor=officer)

    body = officer_client.get(
        "/returns/lists/", {"date": CROSSING_DATE.isoformat(), "crossing": crossing.code}
    ).content.decode()

    assert "933333333" in body
    assert "944444444" not in body
    assert "2 people on this batch, 1 of them registered with your party" in body
    assert "Wrong number" in body
    assert f"/returns/{listed.registration.pk}/call/" in body


@pytest.mark.parametrize("people", [3, 30])
def test_the_list_for_a_date_runs_a_fixed_number_of_queries(
    embassy, rule, crossing, coordinator, officer, officer_client, django_assert_num_queries,
    people,
) -> None:  # fmt: skip
    CrossingDayFactory(crossing=crossing, date=LIST_DATE, quota_in=60)
    for _ in range(people + 10):
        _registration(embassy, rule)
    batch = crossing_services.create_batch(
        crossing, Direction.IN, LIST_DATE, actor=coordinator, kind=BatchKind.RETURN
    )
    for registration in ReturnRegistration.objects.order_by("pk")[:people]:
        crossing_services.add_returnee_to_batch(batch, registration, actor=coordinator)
        services.record_call(registration, CallOutcome.NO_ANSWER, actor=officer)
    path = f"/returns/lists/?date={LIST_DATE.isoformat()}&crossing={crossing.code}"
    officer_client.get(path)

    with django_assert_num_queries(LISTS_QUERIES):
        response = officer_client.get(path)

    assert response.content.decode().count("No answer") == people


# session, user, roles, the crossing asked for, batches, members, crossing day, party, seats
# listed, next in line, last assembly point, crossings and assembly points of the selects; the
# session saved
LISTS_QUERIES = 17
