"""The waiting list page: filters, the search by name in either script or by ID number, sorting,
pages, what each role sees, the audited export, and a fixed number of queries."""

from __future__ import annotations

import csv
import datetime
import io
import re

import pytest
from django.test import Client
from django.utils.formats import date_format
from openpyxl import load_workbook

from corridor.accounts.models import PartyKind, Role, User
from corridor.audit.models import AuditEvent
from corridor.cases.models import Case, CaseStatus, CompanionStatus, OfferStatus, UrgencyTier
from corridor.profiles import WAITING_LIST
from tests.factories import (
    CaseFactory,
    CompanionFactory,
    FacilityFactory,
    PartyFactory,
    PersonFactory,
    UrgencyTierFactory,
    UserFactory,
)
from tests.journeys import Planner

TODAY = datetime.date(2026, 2, 5)
URL = "/cases/"


@pytest.fixture(autouse=True)
def _demo_clock(settings) -> None:
    settings.CORRIDOR_DEMO_DATE = TODAY


@pytest.fixture
def tiers(db) -> dict[str, UrgencyTier]:
    return {
        code: UrgencyTierFactory(code=code, name_en=code.title(), name_ar=arabic, rank=rank)
        for code, arabic, rank in (
            ("critical", "حرجة", 1),
            ("urgent", "عاجلة", 2),
            ("stable", "مستقرة", 3),
        )
    }


def _case(tiers, *, urgency="stable", waited=100, born=datetime.date(1990, 5, 17), **fields):
    patient = fields.pop("patient", None) or PersonFactory(date_of_birth=born)
    return CaseFactory(
        patient=patient,
        urgency=tiers[urgency],
        referral_date=TODAY - datetime.timedelta(days=waited),
        **fields,
    )


def _signed_in(user: User) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


@pytest.fixture
def coordinator_client(coordinator) -> Client:
    return _signed_in(coordinator)


def _references(response) -> list[str]:
    """The case references listed, in the order of the rows."""
    assert response.status_code == 200, response.content.decode()[:500]
    return re.findall(
        r'<td class="reference"[^>]*><a href="/cases/[^"]+/">([^<]+)</a>', response.content.decode()
    )


def test_each_waiting_case_shows_its_standing_and_closed_cases_stay_off_the_list(
    tiers, plan: Planner, coordinator_client, receiving_hospital
) -> None:
    child = _case(
        tiers,
        urgency="critical",
        waited=400,
        born=datetime.date(2019, 3, 1),
        patient=PersonFactory(
            given_name_ar="سلمى",
            family_name_ar="النجار",
            name_latin="Salma Al-Najjar",
            date_of_birth=datetime.date(2019, 3, 1),
        ),
        clinical_category="cancer",
    )
    CompanionFactory(case=child)
    CompanionFactory(case=child)
    CompanionFactory(case=child, status=CompanionStatus.REFUSED)  # no longer travelling
    child.offers.create(
        receiving_party=receiving_hospital, status=OfferStatus.ACCEPTED, offered_on=TODAY
    )
    batch = plan.batch(child)
    crossed = _case(tiers, status=CaseStatus.CROSSED)
    died = _case(tiers, status=CaseStatus.DIED)

    response = coordinator_client.get(URL)

    assert _references(response) == [child.reference]
    page = response.content.decode()
    row = page[page.index(child.reference) : page.index("</tr>", page.index(child.reference))]
    assert "سلمى" in row and "Salma Al-Najjar" in row
    assert "Critical" in row and "Cancer" in row
    assert 'data-label="Days waiting">400</td>' in row
    assert 'data-label="Companions">2</td>' in row  # active companions only
    assert 'data-label="Age"><span>6 <span class="child">child</span></span></td>' in row
    assert "Receiving Hospital" in row
    assert "Listed on a batch" in row
    assert f"Batch {batch.number}" in row and f'href="/crossing/batches/{batch.pk}/"' in row
    assert "1 case" in page
    everything = coordinator_client.get(URL, {"status": "any"})
    assert set(_references(everything)) == {child.reference, crossed.reference, died.reference}


def test_filters_select_by_urgency_category_status_destination_age_and_days_waiting(
    tiers, coordinator_client, receiving_hospital
) -> None:
    critical = _case(tiers, urgency="critical", waited=10, clinical_category="burns")
    accepted = _case(tiers, urgency="urgent", waited=200, status=CaseStatus.ACCEPTED)
    accepted.offers.create(
        receiving_party=receiving_hospital, status=OfferStatus.ACCEPTED, offered_on=TODAY
    )
    child = _case(tiers, waited=50, born=datetime.date(2015, 1, 1))
    adult_born_18_years_ago = _case(tiers, waited=30, born=datetime.date(2008, 2, 5))
    under_review = _case(tiers, status=CaseStatus.UNDER_REVIEW)

    def listed(**filters: object) -> set[str]:
        return set(_references(coordinator_client.get(URL, filters)))

    assert listed(urgency="critical") == {critical.reference}
    assert listed(category="burns") == {critical.reference}
    assert listed(status="accepted") == {accepted.reference}
    assert listed(status="under_review") == {under_review.reference}
    assert under_review.reference not in listed()
    assert listed(destination="yes") == {accepted.reference}
    assert accepted.reference not in listed(destination="no")
    assert listed(age="child") == {child.reference}
    assert adult_born_18_years_ago.reference in listed(age="adult")
    assert listed(waited_min=100) == {accepted.reference}
    assert listed(waited_max=30) == {critical.reference, adult_born_18_years_ago.reference}
    assert listed(waited_min=20, waited_max=60, age="adult") == {adult_born_18_years_ago.reference}


def test_a_filter_the_server_cannot_use_is_refused_naming_the_field(tiers, coordinator_client):
    _case(tiers)

    negative = coordinator_client.get(URL, {"waited_min": "-3"})
    crossed = coordinator_client.get(URL, {"waited_min": "40", "waited_max": "10"})
    unknown = coordinator_client.get(URL, {"urgency": "made-up"})

    assert negative.status_code == 400
    assert "Waiting at least (days)" in negative.content.decode()
    assert "greater than or equal to 0" in negative.content.decode()
    assert crossed.status_code == 400
    assert "cannot be less than waiting at least" in crossed.content.decode()
    assert unknown.status_code == 400
    assert "Select a valid choice" in unknown.content.decode()
    assert _references_or_none(negative) == []


def _references_or_none(response) -> list[str]:
    return re.findall(r'<td class="reference"', response.content.decode())


@pytest.fixture
def osama(tiers) -> Case:
    patient = PersonFactory(
        given_name_ar="أُسامة",
        father_name_ar="مصطفى",
        grandfather_name_ar="إبراهيم",
        family_name_ar="الآغا",
        name_latin="Osama Mustafa Ibrahim Al-Agha",
        national_id="401234562",
    )
    return _case(tiers, patient=patient)


@pytest.fixture
def others(tiers) -> list[Case]:
    names = [
        ("سامي", "مصطفى", "الشوا", "Sami Al-Shawa"),
        ("أسماء", "عبد الله", "حلس", "Asmaa Abdallah Hillis"),
        ("مصطفى", "أحمد", "أبو شمالة", "Mustafa Ahmad Abu Shamala"),
    ]
    return [
        _case(
            tiers,
            patient=PersonFactory(
                given_name_ar=given, father_name_ar=father, family_name_ar=family, name_latin=latin
            ),
        )
        for given, father, family, latin in names
    ]


@pytest.mark.parametrize(
    "typed",
    [
        "اسامه",  # no hamza, haa for taa marbuta
        "إسامة",  # the wrong hamza
        "أسامة الأغا",  # hamza on the article, madda dropped
        "اسامة مصطفي",  # yaa for alef maqsura
        "مصطفى ابراهيم الاغا",
        "اغا",  # without the article
        "أُسَامَة",  # with the short vowels written
        "osama al-agha",
        "OSAMA agha",
    ],
)
def test_spellings_of_hamza_alef_taa_marbuta_and_alef_maqsura_find_the_same_person(
    osama, others, coordinator_client, typed
) -> None:
    response = coordinator_client.get(URL, {"q": typed})

    assert _references(response) == [osama.reference]


def test_a_name_is_found_by_the_beginning_of_its_words_in_any_order(
    osama, others, coordinator_client
) -> None:
    assert _references(coordinator_client.get(URL, {"q": "الاغ اسا"})) == [osama.reference]
    assert set(_references(coordinator_client.get(URL, {"q": "مصطفى"}))) == {
        osama.reference,
        others[0].reference,
        others[2].reference,
    }
    assert _references(coordinator_client.get(URL, {"q": "عبدالله"})) == [others[1].reference]
    assert _references(coordinator_client.get(URL, {"q": "ابوشمالة"})) == [others[2].reference]


@pytest.mark.parametrize("typed", ["اسامع الاغا", "أسامة الاعا", "Usama Agha", "Osamma Alagha"])
def test_a_typing_slip_still_finds_the_person_and_the_page_says_so(
    osama, others, coordinator_client, typed
) -> None:
    response = coordinator_client.get(URL, {"q": typed})

    assert osama.reference in _references(response)
    assert others[2].reference not in _references(response)
    assert "names one or two letters away are shown too" in response.content.decode()


def test_an_exact_name_with_enough_matches_shows_no_similar_names(tiers, coordinator_client):
    for _ in range(6):
        _case(tiers, patient=PersonFactory(given_name_ar="نور", name_latin="Nour"))
    near = _case(tiers, patient=PersonFactory(given_name_ar="نوري", name_latin="Nouri X"))
    slip = _case(tiers, patient=PersonFactory(given_name_ar="نون", name_latin="Noun"))

    response = coordinator_client.get(URL, {"q": "نور"})

    listed = _references(response)
    assert len(listed) == 7 and near.reference in listed  # the beginning of a word
    assert slip.reference not in listed
    assert "one or two letters away" not in response.content.decode()


@pytest.mark.parametrize("typed", ["401234562", "٤٠١٢٣٤٥٦٢", "401-234-562"])
def test_an_id_number_finds_exactly_its_person(osama, others, coordinator_client, typed) -> None:
    assert _references(coordinator_client.get(URL, {"q": typed})) == [osama.reference]


def test_part_of_an_id_number_finds_nobody(osama, coordinator_client) -> None:
    assert _references(coordinator_client.get(URL, {"q": "40123456"})) == []


def test_a_case_reference_finds_its_case(osama, others, coordinator_client) -> None:
    assert _references(coordinator_client.get(URL, {"q": osama.reference.lower()})) == [
        osama.reference
    ]


@pytest.mark.parametrize("typed", ["%", "_", "' OR 1=1 --", "\\", "؟؟", "a" * 100])
def test_search_text_that_means_nothing_lists_nothing_and_breaks_nothing(
    osama, coordinator_client, typed
) -> None:
    assert _references(coordinator_client.get(URL, {"q": typed})) == []


def test_the_list_sorts_by_urgency_waiting_time_or_reference(tiers, coordinator_client) -> None:
    _case(tiers, urgency="stable", waited=500, reference="CASE-B")
    _case(tiers, urgency="critical", waited=5, reference="CASE-C")
    _case(tiers, urgency="urgent", waited=90, reference="CASE-A")
    _case(tiers, urgency="critical", waited=60, reference="CASE-D")

    def order(sort: str) -> list[str]:
        return _references(coordinator_client.get(URL, {"sort": sort}))

    assert order("priority") == ["CASE-D", "CASE-C", "CASE-A", "CASE-B"]
    assert order("longest") == ["CASE-B", "CASE-A", "CASE-D", "CASE-C"]
    assert order("newest") == ["CASE-C", "CASE-D", "CASE-A", "CASE-B"]
    assert order("reference") == ["CASE-A", "CASE-B", "CASE-C", "CASE-D"]
    assert _references(coordinator_client.get(URL)) == order("priority")


def test_pages_of_fifty_keep_the_filters(tiers, coordinator_client) -> None:
    for number in range(53):
        _case(tiers, urgency="urgent", reference=f"URG-{number:03d}")
    _case(tiers, urgency="stable")

    first = coordinator_client.get(URL, {"urgency": "urgent", "sort": "reference"})
    second = coordinator_client.get(URL, {"urgency": "urgent", "sort": "reference", "page": "2"})

    assert len(_references(first)) == 50 and _references(first)[0] == "URG-000"
    assert _references(second) == ["URG-050", "URG-051", "URG-052"]
    assert "53 cases" in first.content.decode()
    assert "?urgency=urgent&amp;sort=reference&amp;page=2" in first.content.decode()
    assert "Page 2 of 2" in second.content.decode()


def test_an_htmx_request_gets_the_results_without_the_page_around_them(
    osama, coordinator_client
) -> None:
    response = coordinator_client.get(URL, {"q": "اسامة"}, HTTP_HX_REQUEST="true")

    body = response.content.decode()
    assert osama.reference in body
    assert "<html" not in body and 'name="q"' not in body
    assert "HX-Request" in response["Vary"]
    restored = coordinator_client.get(
        URL, {"q": "اسامة"}, HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    )
    assert "<html" in restored.content.decode()


def test_a_refused_filter_comes_back_to_htmx_as_a_400_with_the_reason(tiers, coordinator_client):
    response = coordinator_client.get(URL, {"waited_max": "x"}, HTTP_HX_REQUEST="true")

    assert response.status_code == 400
    assert "Waiting at most (days)" in response.content.decode()
    assert "Enter a whole number" in response.content.decode()


def test_a_receiving_liaison_sees_no_names_and_cannot_search_by_name(
    osama, liaison, receiving_hospital
) -> None:
    osama.offers.create(
        receiving_party=receiving_hospital, status=OfferStatus.OFFERED, offered_on=TODAY
    )
    elsewhere = PartyFactory(name_en="Hospital Elsewhere", kind=PartyKind.RECEIVING_HOSPITAL)
    osama.offers.create(receiving_party=elsewhere, status=OfferStatus.ACCEPTED, offered_on=TODAY)
    client = _signed_in(liaison)

    page = client.get(URL).content.decode()
    by_name = client.get(URL, {"q": "اسامة"})
    by_id = client.get(URL, {"q": "401234562"})
    by_reference = client.get(URL, {"q": osama.reference})

    assert osama.reference in page
    for identity in ("أُسامة", "اسامه", "Osama", "401234562", "1990-05-17"):
        assert identity not in page
    assert ">Name<" not in page
    assert "Another destination" in page and "Hospital Elsewhere" not in page
    assert "search by case reference" in page  # the search box says what it searches
    assert _references(by_name) == [] and _references(by_id) == []
    assert "your role does not show patients' names or ID numbers" in by_name.content.decode()
    assert _references(by_reference) == [osama.reference]
    assert "Download this list" not in page


def test_a_referral_officer_lists_the_cases_of_their_own_facility_only(tiers) -> None:
    facility = FacilityFactory()
    own = _case(tiers, referring_facility=facility, patient=PersonFactory(given_name_ar="هالة"))
    elsewhere = _case(tiers, patient=PersonFactory(given_name_ar="هالة"))
    officer = UserFactory(party=facility.party, facility=facility, roles=[Role.REFERRAL_OFFICER])
    client = _signed_in(officer)

    assert _references(client.get(URL)) == [own.reference]
    assert _references(client.get(URL, {"q": "هالة"})) == [own.reference]
    assert _references(client.get(URL, {"q": elsewhere.reference})) == []


def test_roles_without_the_waiting_list_are_refused(tiers) -> None:
    for role in (Role.CROSSING_OFFICER, Role.ANALYST, Role.RETURNS_OFFICER, Role.AUDITOR):
        client = _signed_in(UserFactory(roles=[role]))
        assert client.get(URL).status_code == 403
        assert client.get("/cases/export.csv").status_code == 403
    assert Client().get(URL).status_code == 302


def test_the_export_is_the_filtered_list_in_its_profile_and_is_audited_as_shared(
    osama, others, tiers, coordinator, coordinator_client
) -> None:
    critical = _case(tiers, urgency="critical", waited=3)

    response = coordinator_client.get("/cases/export.csv", {"q": "مصطفى", "sort": "reference"})

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="waiting-list.csv"'
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert list(rows[0]) == WAITING_LIST.keys
    assert [row["reference"] for row in rows] == sorted(
        [osama.reference, others[0].reference, others[2].reference]
    )
    assert critical.reference not in response.content.decode()
    exported = rows[[row["reference"] for row in rows].index(osama.reference)]
    assert exported["name_latin"] == "Osama Mustafa Ibrahim Al-Agha"
    assert exported["urgency"] == "stable" and exported["days_waiting"] == "100"
    text = response.content.decode("utf-8-sig")
    for forbidden in ("401234562", "1990-05-17", "clinical_summary"):
        assert forbidden not in text
    event = AuditEvent.objects.filter(action="export.shared").latest("sequence")
    assert event.actor == coordinator
    assert event.data["what"] == "waiting-list"
    assert event.data["people"] == 3 and event.data["format"] == "csv"
    assert event.data["recipient"] == coordinator.party.code
    assert event.data["purpose"] == WAITING_LIST.purpose


def test_the_excel_export_carries_the_column_labels(osama, coordinator_client) -> None:
    response = coordinator_client.get("/cases/export.xlsx")

    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [cell.value for cell in sheet[1]][:3] == ["Reference", "Name (Arabic)", "Name (Latin)"]
    assert sheet.cell(row=2, column=1).value == osama.reference
    assert AuditEvent.objects.filter(action="export.shared", data__format="xlsx").count() == 1


def test_an_export_in_another_format_or_with_bad_filters_is_refused_and_not_audited(
    osama, coordinator_client
) -> None:
    other_format = coordinator_client.get("/cases/export.json")
    bad_filter = coordinator_client.get("/cases/export.csv", {"waited_min": "-1"})

    assert other_format.status_code == 400
    assert "use one of: csv, xlsx" in other_format.content.decode()
    assert bad_filter.status_code == 400
    assert "Waiting at least (days)" in bad_filter.content.decode()
    assert not AuditEvent.objects.filter(action="export.shared").exists()


def test_the_coordinator_is_offered_the_export_of_what_the_page_shows(
    osama, coordinator_client
) -> None:
    page = coordinator_client.get(URL, {"urgency": "stable"}).content.decode()

    assert 'href="/cases/export.csv?urgency=stable"' in page
    assert 'href="/cases/export.xlsx?urgency=stable"' in page


def _world(tiers, plan: Planner, receiving_hospital, size: int) -> None:
    for number in range(size):
        case = _case(tiers, urgency=("critical", "urgent", "stable")[number % 3])
        CompanionFactory(case=case)
        if number % 2:
            case.offers.create(
                receiving_party=receiving_hospital, status=OfferStatus.ACCEPTED, offered_on=TODAY
            )
        if number % 5 == 0:
            plan.batch(case)


# session, user, role grants, the second factor; urgency tiers of the form; count; the page's
# ids; its cases; the cases whose identity shows; companions, accepted destinations and batches
# of the page; the session saved (savepoint, update, release).
LIST_QUERIES = 15
# A search by ID number counts nothing: it lists the matching ids in one pass.
ID_SEARCH_QUERIES = 14
# A search by name: the last case id (the version of the cached vocabulary of names), then the
# ids and keys of the cases with the name or a similar one, in one pass.
NAME_SEARCH_QUERIES = 15


@pytest.mark.parametrize("size", [3, 30])
def test_the_list_runs_the_same_queries_for_3_or_30_cases(
    tiers, plan, receiving_hospital, coordinator_client, django_assert_num_queries, size
) -> None:
    _world(tiers, plan, receiving_hospital, size)
    someone = Case.objects.select_related("patient").first()
    someone.patient.national_id = "409999997"
    someone.patient.save()
    coordinator_client.get(URL, {"q": "xyzzy"})  # the vocabulary of names is cached once built

    with django_assert_num_queries(LIST_QUERIES):
        listed = coordinator_client.get(URL)
    with django_assert_num_queries(ID_SEARCH_QUERIES):
        by_id = coordinator_client.get(URL, {"q": "409999997", "sort": "longest"})
    with django_assert_num_queries(NAME_SEARCH_QUERIES):
        by_name = coordinator_client.get(URL, {"q": "Persen", "urgency": "critical"})

    assert len(_references(listed)) == size
    assert _references(by_id) == [someone.reference]
    assert len(_references(by_name)) == (size + 2) // 3


def test_each_export_of_the_coordinating_agency_names_its_party(tiers, osama) -> None:
    agency = PartyFactory(code="red-crescent", kind=PartyKind.COORDINATING_AGENCY)
    client = _signed_in(UserFactory(party=agency, roles=[Role.COORDINATOR]))

    client.get("/cases/export.csv")

    assert AuditEvent.objects.get(action="export.shared").data["recipient"] == "red-crescent"


def test_a_receiving_liaison_sees_no_status_no_planned_batch_and_cannot_filter_by_status(
    tiers, plan: Planner, liaison, receiving_hospital
) -> None:
    listed = _case(tiers, urgency="critical")
    listed.offers.create(
        receiving_party=receiving_hospital, status=OfferStatus.ACCEPTED, offered_on=TODAY
    )
    batch = plan.batch(listed)
    cleared = _case(tiers, status=CaseStatus.CLEARED)
    turned_back = _case(tiers, status=CaseStatus.TURNED_BACK)
    for case in (cleared, turned_back):
        case.offers.create(
            receiving_party=receiving_hospital, status=OfferStatus.OFFERED, offered_on=TODAY
        )
    client = _signed_in(liaison)

    response = client.get(URL)
    page = response.content.decode()
    by_status = client.get(URL, {"status": CaseStatus.TURNED_BACK})
    any_status = client.get(URL, {"status": "any"})

    assert set(_references(response)) == {listed.reference, cleared.reference}
    for outcome in ("Listed on a batch", "Cleared", "Turned back", ">Status<", "Planned batch"):
        assert outcome not in page
    assert f"Batch {batch.number}" not in page and 'name="status"' not in page
    assert date_format(batch.planned_date) not in page.split("<tbody>")[1]
    # The status asked for in the address is ignored: the list stays the cases waiting to leave.
    assert set(_references(by_status)) == {listed.reference, cleared.reference}
    assert set(_references(any_status)) == {listed.reference, cleared.reference}


def test_the_coordinator_still_sees_status_and_planned_batch(
    tiers, plan: Planner, coordinator_client, receiving_hospital
) -> None:
    listed = _case(tiers)
    batch = plan.batch(listed)
    page = coordinator_client.get(URL).content.decode()
    assert ">Status<" in page and 'name="status"' in page and f"Batch {batch.number}" in page


def test_a_receiving_liaison_cannot_export_the_waiting_list_and_its_status_columns(
    osama, liaison
) -> None:
    client = _signed_in(liaison)
    for fmt in ("csv", "xlsx"):
        assert client.get(f"/cases/export.{fmt}").status_code == 403
    assert not AuditEvent.objects.filter(action="export.shared").exists()
