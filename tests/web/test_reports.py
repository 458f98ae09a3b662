"""The reports page: figures of the day and the period, charts with their tables and files."""

from __future__ import annotations

import csv
import datetime
import io
import re

import pytest
from django.test import Client

from corridor.accounts.models import Party, PartyKind, Role, User
from corridor.audit.models import AuditEvent
from corridor.cases import services as case_services
from corridor.cases.models import CaseStatus, UrgencyTier
from corridor.crossings import services
from corridor.crossings.models import (
    Clearance,
    CrossingDay,
    Direction,
    MemberRole,
    MovementOutcome,
)
from corridor.web.reports import TABLES, Figures, Period, report_tables
from tests.factories import (
    CaseFactory,
    CrossingDayFactory,
    PartyFactory,
    UrgencyTierFactory,
    UserFactory,
)
from tests.helpers import CROSSING_DATE, CROSSING_TIME, PLANNING_TIME, at_local
from tests.journeys import Planner

pytestmark = pytest.mark.django_db

TODAY = CROSSING_DATE  # Tuesday 10 February 2026
DAY = datetime.timedelta(days=1)


@pytest.fixture(autouse=True)
def _clock_on_the_crossing_day(settings):
    settings.CORRIDOR_DEMO_DATE = TODAY


@pytest.fixture
def tiers() -> tuple[UrgencyTier, UrgencyTier]:
    critical = UrgencyTierFactory(code="critical", name_en="Critical", name_ar="حرجة", rank=1)
    stable = UrgencyTierFactory(code="stable", name_en="Stable", name_ar="مستقرة", rank=2)
    return critical, stable


@pytest.fixture
def analyst(db: None) -> User:
    party = PartyFactory(code="ocha", kind=PartyKind.COORDINATING_AGENCY)
    return UserFactory(username="analyst", party=party, roles=[Role.ANALYST])


@pytest.fixture
def week(plan: Planner, tiers, crossing_day: CrossingDay, crossing_authority: Party) -> Planner:
    """A week played through the services, ending today (10 Feb), on one crossing.

    Today: a batch of two patients and a companion crossed (quota 10 each way). In the week:
    on 8 Feb a patient was refused clearance by the crossing authority; on 9 Feb (quota 8) a
    batch for the 11th was cancelled with no reason given, then postponed with a reason, a
    critical patient died while waiting and a stable case was approved.
    """
    critical, stable = tiers
    CrossingDayFactory(crossing=plan.crossing, date=TODAY - DAY, quota_out=8, quota_in=6)
    CrossingDayFactory(crossing=plan.crossing, date=TODAY + DAY, quota_out=10, quota_in=10)
    CrossingDayFactory(crossing=plan.crossing, date=TODAY + 2 * DAY, quota_out=10, quota_in=10)
    batch = plan.confirmed(plan.case(companions=1, urgency=critical), plan.case(urgency=stable))
    services.depart_batch(batch, actor=plan.coordinator, at=CROSSING_TIME)
    for role in (MemberRole.PATIENT, MemberRole.COMPANION):
        for member in batch.members.filter(active=True, role=role).order_by("seat"):
            services.mark_member_crossed(member, actor=plan.coordinator, at=CROSSING_TIME)

    refused = plan.submitted(plan.case(urgency=stable), date=TODAY + DAY)
    services.record_clearance(
        refused.members.get(role=MemberRole.PATIENT),
        Clearance.REFUSED,
        party=crossing_authority,
        actor=plan.coordinator,
        at=PLANNING_TIME,
    )

    stopped = plan.confirmed(plan.case(urgency=critical), date=TODAY + DAY)
    services.cancel_batch(
        stopped,
        party=crossing_authority,
        no_reason_given=True,
        actor=plan.coordinator,
        at=at_local(TODAY - DAY, 7),
    )
    services.postpone_batch(
        stopped,
        TODAY + 2 * DAY,
        party=plan.coordinating_party,
        reason="Crossing closed early",
        actor=plan.coordinator,
        at=at_local(TODAY - DAY, 12),
    )
    case_services.record_death(
        plan.case(urgency=critical), actor=plan.coordinator, at=at_local(TODAY - DAY, 6)
    )
    CaseFactory(urgency=stable, status_changed_at=at_local(TODAY - DAY, 9))
    for _ in range(5):
        CaseFactory(urgency=stable)
    return plan


def _client(user: User, language: str = "en") -> Client:
    client = Client()
    client.force_login(user)
    client.post("/i18n/setlang/", {"language": language, "next": "/reports/"})
    return client


def _csv(client: Client, name: str, query: str = "") -> list[dict[str, str]]:
    response = client.get(f"/reports/{name}.csv{query}")
    assert response.status_code == 200, response.content
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def _figures(client: Client, query: str = "") -> dict[str, tuple[str, str]]:
    return {row["figure"]: (row["today"], row["period"]) for row in _csv(client, "figures", query)}


def test_the_figures_of_the_day_and_the_period_are_those_the_services_recorded(week):
    client = _client(week.coordinator)
    figures = _figures(client)
    assert figures["departures"] == ("3", "3")
    assert figures["arrivals"] == ("0", "0")
    assert figures["quota_out"] == ("10", "18")
    assert figures["quota_in"] == ("10", "16")
    assert figures["stops_with_reason"] == ("0", "1")  # the postponement, with its reason
    assert figures["stops_no_reason"] == ("0", "1")  # the cancellation, no reason given
    assert figures["clearance_refusals"] == ("0", "1")
    assert figures["deaths_while_waiting"] == ("0", "1")
    assert figures["approved"] == ("0", "1")
    assert figures["waiting_now"] == ("7", "")

    by_day = {row["date"]: row for row in _csv(client, "departures_arrivals")}
    assert by_day["2026-02-10"] == {
        "date": "2026-02-10",
        "quota_out": "10",
        "departures": "3",
        "turned_back_out": "0",
        "quota_in": "10",
        "arrivals": "0",
        "turned_back_in": "0",
    }
    assert by_day["2026-02-09"]["quota_out"] == "8"
    assert by_day["2026-02-05"]["quota_out"] == "0"  # no crossing day recorded
    assert _csv(client, "clearance_refusals") == [{"party": "crossing-authority", "refusals": "1"}]
    stops = {row["kind"]: row for row in _csv(client, "coordination_stops")}
    assert stops["cancelled"] == {"kind": "cancelled", "with_reason": "0", "no_reason_given": "1"}
    assert stops["postponed"] == {"kind": "postponed", "with_reason": "1", "no_reason_given": "0"}
    deaths = {row["date"]: row for row in _csv(client, "deaths_by_day")}
    assert deaths["2026-02-09"] == {
        "date": "2026-02-09",
        "critical": "1",
        "stable": "0",
        "total": "1",
    }
    assert _csv(client, "backlog_by_urgency") == [
        {"urgency": "critical", "waiting": "0"},
        {"urgency": "stable", "waiting": "7"},
    ]
    assert _csv(client, "waiting_list_flows") == [
        {"urgency": "critical", "approved": "0", "departed": "1", "died": "1"},
        {"urgency": "stable", "approved": "1", "departed": "1", "died": "0"},
    ]

    page = client.get("/reports/").content.decode()
    assert "Departures and arrivals per day against the quota" in page
    assert "Crossing Authority" in page  # the refusing party, by name
    assert "Today, 10 February 2026" in page


def test_an_analyst_sees_counts_of_people_below_five_hidden_but_quotas_and_events_exact(
    week, analyst
):
    client = _client(analyst)
    figures = _figures(client)
    assert figures["departures"] == ("<5", "<5")
    assert figures["deaths_while_waiting"] == ("<5", "<5")
    # Seven waiting, all stable: shown beside critical's hidden zero, 7 - 7 would give it away.
    assert figures["waiting_now"] == ("withheld", "")
    # Not counts of people; the analyst's default week is widened to whole weeks (2-15 Feb),
    # so the period's quota takes in the crossing days planned after today as well.
    assert figures["quota_out"] == ("10", "38")
    assert figures["stops_no_reason"] == ("0", "1")  # events, not people
    assert _csv(client, "clearance_refusals") == [{"party": "crossing-authority", "refusals": "<5"}]
    page = client.get("/reports/").content.decode()
    assert "&lt;5" in page and "fewer than 5 (hidden)" in page
    departures = _chart(page, "chart-departures-arrivals")
    assert re.search(r"<title>10 Feb: Departures &lt;5</title>", departures)
    # Every day moved fewer than five people: no exact count of them on the page.
    assert {row[2] for row in _table_cells(page, "departures_arrivals")} == {"&lt;5"}


def test_every_table_downloads_as_csv_and_each_download_is_audited_with_its_period(week, analyst):
    # The analyst's period is widened to whole weeks, Monday 2 to Sunday 15 February.
    for user, recipient, start, end in (
        (week.coordinator, "internal", "2026-02-04", "2026-02-10"),
        (analyst, "public", "2026-02-02", "2026-02-15"),
    ):
        client = _client(user)
        for name in TABLES:
            before = AuditEvent.objects.filter(action="export.shared").count()
            response = client.get(f"/reports/{name}.csv?from=2026-02-04&to=2026-02-10")
            assert response.status_code == 200, name
            assert response["Content-Disposition"] == (
                f'attachment; filename="{name.replace("_", "-")}-{start}-{end}.csv"'
            )
            event = AuditEvent.objects.filter(action="export.shared").order_by("sequence").last()
            assert AuditEvent.objects.filter(action="export.shared").count() == before + 1
            assert event.actor == user
            assert event.data["what"] == f"aggregates:{name}"
            assert event.data["recipient"] == recipient
            assert f"{start} to {end}" in event.data["purpose"]
            assert event.data["people"] == 0 and event.data["format"] == "csv"


def test_the_period_chosen_limits_the_period_figures_but_not_those_of_today(week):
    client = _client(week.coordinator)
    figures = _figures(client, "?from=2026-02-01&to=2026-02-08")
    assert figures["departures"] == ("3", "0")
    assert figures["clearance_refusals"] == ("0", "1")  # refused on the 8th
    assert figures["deaths_while_waiting"] == ("0", "0")  # died on the 9th
    assert figures["quota_out"] == ("10", "0")
    days = [
        row["date"] for row in _csv(client, "departures_arrivals", "?from=2026-02-01&to=2026-02-08")
    ]
    assert days == [f"2026-02-0{d}" for d in range(1, 9)]
    page = client.get("/reports/?from=2026-02-01&to=2026-02-08").content.decode()
    assert 'value="2026-02-01"' in page and 'value="2026-02-08"' in page
    assert "from=2026-02-01&amp;to=2026-02-08" in page  # the downloads keep the period


def test_the_default_period_is_the_seven_days_up_to_today(week):
    client = _client(week.coordinator)
    days = [row["date"] for row in _csv(client, "departures_arrivals")]
    assert days == [(TODAY - i * DAY).isoformat() for i in range(6, -1, -1)]
    page = client.get("/reports/").content.decode()
    assert 'value="2026-02-04"' in page and 'value="2026-02-10"' in page


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?from=2026-02-31&to=2026-02-10", "From: Enter a valid date."),
        ("?from=2026-02-01&to=soon", "To: Enter a valid date."),
        ("?from=2026-02-10&to=2026-02-01", "To: The end of the period must be on or after"),
        ("?from=2025-01-01&to=2026-02-10", "To: A period may span at most 92 days"),
    ],
)
def test_a_bad_period_is_refused_with_a_message_naming_the_field(week, query, message):
    client = _client(week.coordinator)
    response = client.get(f"/reports/{query}")
    assert response.status_code == 400
    assert message in response.content.decode()
    assert "<svg" not in response.content.decode()
    before = AuditEvent.objects.filter(action="export.shared").count()
    download = client.get(f"/reports/figures.csv{query}")
    assert download.status_code == 400
    assert message in download.content.decode()
    assert AuditEvent.objects.filter(action="export.shared").count() == before


def _chart(page: str, key: str) -> str:
    match = re.search(
        rf'<svg class="chart-svg" role="img" aria-labelledby="{key}-title.*?</svg>', page, re.S
    )
    assert match, key
    return match.group(0)


def _table_cells(page: str, name: str) -> list[list[str]]:
    section = re.search(rf'aria-labelledby="{name}-heading">.*?</section>', page, re.S)
    assert section, name
    body = re.search(r"<tbody>(.*?)</tbody>", section.group(0), re.S)
    assert body
    return [
        re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        for row in re.findall(r"<tr>(.*?)</tr>", body.group(1), re.S)
    ]


def test_each_chart_is_an_svg_with_a_title_followed_by_its_table(week):
    page = _client(week.coordinator).get("/reports/").content.decode()
    assert page.count('<svg class="chart-svg" role="img"') == 6
    for key, name in [
        ("chart-departures-arrivals", "departures_arrivals"),
        ("chart-stops", "coordination_stops"),
        ("chart-refusals", "clearance_refusals"),
        ("chart-deaths", "deaths_by_day"),
        ("chart-backlog", "backlog_by_urgency"),
        ("chart-flows", "waiting_list_flows"),
    ]:
        svg = _chart(page, key)
        assert f'<title id="{key}-title">' in svg and f'<desc id="{key}-desc">' in svg
        assert "viewBox=" in svg
        section = re.search(rf'aria-labelledby="{name}-heading">.*?</section>', page, re.S)
        assert section and section.group(0).index("<svg") < section.group(0).index("<table")
        assert f"/reports/{name}.csv?" in section.group(0)
    assert "<script" not in page.split("</head>")[1]  # drawn on the server, no chart library
    assert "style=" not in page


def _bars(svg: str) -> list[tuple[float, float, str]]:
    """Each bar's x, width and title, in drawing order (day by day, departures first)."""
    return [
        (float(x), float(width), title)
        for x, width, title in re.findall(
            r'<rect class="bar" x="([\d.]+)" y="[\d.]+" width="([\d.]+)"[^>]*>'
            r"<title>([^<]*)</title>",
            svg,
        )
    ]


def test_in_arabic_the_time_axis_of_a_chart_starts_at_the_right(week):
    english_page = _client(week.coordinator, "en").get("/reports/").content.decode()
    english = _chart(english_page, "chart-departures-arrivals")
    arabic_page = _client(week.coordinator, "ar").get("/reports/").content.decode()
    arabic = _chart(arabic_page, "chart-departures-arrivals")
    assert 'dir="rtl"' in arabic_page and 'direction="rtl"' in arabic
    assert 'direction="ltr"' in english

    # 14 bars: departures and arrivals of the 4th to the 10th, the 4th first.
    left_to_right, right_to_left = _bars(english), _bars(arabic)
    assert len(left_to_right) == len(right_to_left) == 14
    assert left_to_right[0][2] == "4 Feb: Departures 0"
    assert left_to_right[-2][2] == "10 Feb: Departures 3"
    assert left_to_right[0][0] < left_to_right[-2][0]
    assert right_to_left[0][0] > right_to_left[-2][0]  # the 4th at the right in Arabic
    width = float(re.search(r'viewBox="0 0 ([\d.]+)', english).group(1))
    for (x, bar_width, _title), (mirrored, _width, _other) in zip(
        left_to_right, right_to_left, strict=True
    ):
        assert mirrored == pytest.approx(width - x - bar_width, abs=0.11)  # drawn to 0.1


def _grow(size: int, tiers) -> None:
    """`size` more rows in every breakdown: waiting cases, deaths and approvals over the week."""
    critical, stable = tiers
    for index in range(size):
        day = TODAY - (index % 7) * DAY
        CaseFactory(urgency=critical if index % 2 else stable)
        CaseFactory(urgency=stable, status=CaseStatus.DIED, status_changed_at=at_local(day, 8))
        CaseFactory(urgency=critical, status_changed_at=at_local(day, 9))


# Session, user, roles and second factor; ten aggregate queries for the figures and charts and
# seven for the public tables; the session saved.
QUERIES = 21


def test_the_page_reads_a_fixed_number_of_queries_whatever_the_data(
    week, tiers, django_assert_num_queries
):
    client = _client(week.coordinator)
    _grow(3, tiers)
    with django_assert_num_queries(QUERIES):
        assert client.get("/reports/").status_code == 200
    _grow(30, tiers)
    with django_assert_num_queries(QUERIES):
        assert client.get("/reports/").status_code == 200


def test_only_analysts_and_coordinators_read_and_download_the_reports(week, liaison, outsider):
    for user in (liaison, outsider):
        client = _client(user)
        assert client.get("/reports/").status_code == 403
        assert client.get("/reports/departures_arrivals.csv").status_code == 403
    assert not AuditEvent.objects.filter(action="export.shared").exists()


def _synthetic_figures(tiers) -> Figures:
    """A week (Mon 2 to Sun 8 Feb) whose totals would give hidden counts away if shown exactly."""
    critical, stable = tiers
    period = Period(datetime.date(2026, 2, 2), datetime.date(2026, 2, 8))
    days = period.days
    crossed, back = MovementOutcome.CROSSED, MovementOutcome.TURNED_BACK
    movements = {(day, Direction.OUT, crossed): 6 for day in days}
    movements[(days[3], Direction.OUT, crossed)] = 2  # one small day among large ones
    movements.update({(day, Direction.IN, crossed): 7 for day in days})
    movements.update({(day, Direction.OUT, back): 5 for day in days})
    movements[(days[1], Direction.IN, back)] = 1
    deaths = {
        (days[0], critical.pk): 6,
        (days[0], stable.pk): 2,  # the day's total of 8 less 6 would show these 2
        (days[1], critical.pk): 7,
        (days[1], stable.pk): 8,  # every part shown: the day's total of 15 is shown
    }
    return Figures(
        today=days[-1],
        period=period,
        quotas={day: (10, 10) for day in days},
        movements=movements,
        stops={},
        refusals={(days[0], "authority"): 9, (days[2], "health"): 3},
        parties={"authority": "Authority", "health": "Health"},
        deaths=deaths,
        approved={(days[0], critical.pk): 8, (days[4], stable.pk): 1},
        departed={},
        waiting={critical.pk: 9, stable.pk: 12},
        tiers=[critical, stable],
        waiting_cells={
            (critical.pk, "cancer"): 6,
            (critical.pk, "cardiac"): 3,
            (stable.pk, "cancer"): 12,
        },
    )


def _hidden(value) -> bool:
    return isinstance(value, str)


def test_for_the_analyst_no_total_less_the_parts_shown_gives_a_hidden_count(tiers):
    figures = _synthetic_figures(tiers)
    tables = {t.name: t for t in report_tables(figures, threshold=5, charts=False)}
    critical, stable = (tier.code for tier in tiers)
    codes = [critical, stable]
    shown = {row["figure"]: row for row in tables["figures"].rows}
    per_day = tables["departures_arrivals"].rows
    deaths = tables["deaths_by_day"].rows
    flows = {row["urgency"]: row for row in tables["waiting_list_flows"].rows}
    backlog = {row["urgency"]: row["waiting"] for row in tables["backlog_by_urgency"].rows}
    refusals = [row["refusals"] for row in tables["clearance_refusals"].rows]
    # Each total shown with its parts shown elsewhere on the page.
    totals = [(row["total"], [row[code] for code in codes]) for row in deaths]
    totals += [(flows[code]["died"], [row[code] for row in deaths]) for code in codes]
    totals += [
        (shown["departures"]["period"], [row["departures"] for row in per_day]),
        (shown["arrivals"]["period"], [row["arrivals"] for row in per_day]),
        (
            shown["turned_back"]["period"],
            [row[key] for row in per_day for key in ("turned_back_out", "turned_back_in")],
        ),
        (shown["deaths_while_waiting"]["period"], [row[c] for row in deaths for c in codes]),
        (shown["approved"]["period"], [flows[code]["approved"] for code in codes]),
        (shown["clearance_refusals"]["period"], refusals),
        (shown["waiting_now"]["today"], list(backlog.values())),
    ]
    for total, parts in totals:
        if any(_hidden(part) for part in parts):
            assert _hidden(total), (total, parts)
        else:  # every part exact: the total is theirs, not withheld for nothing
            assert total == sum(parts), (total, parts)
    # Not vacuous: the small parts are there, and the totals they would have betrayed withheld.
    assert deaths[0]["total"] == "withheld" and deaths[0][stable] == "<5"
    assert deaths[1]["total"] == 15
    assert shown["departures"]["period"] == "withheld"
    assert shown["arrivals"]["period"] == 49  # seven every day: nothing hidden, shown
    assert shown["clearance_refusals"]["period"] == "withheld" and "<5" in refusals
    # Critical's 9 waiting are 6 cancer and 3 cardiac in the public table: withheld beside it.
    assert backlog == {critical: "withheld", stable: 12}
    assert shown["waiting_now"]["today"] == "withheld"


def test_staff_who_see_operational_detail_still_get_every_total_exactly(tiers):
    figures = _synthetic_figures(tiers)
    tables = {t.name: t for t in report_tables(figures, threshold=None, charts=False)}
    assert tables["deaths_by_day"].rows[0]["total"] == 8
    shown = {row["figure"]: row for row in tables["figures"].rows}
    assert shown["departures"]["period"] == 38 and shown["waiting_now"]["today"] == 21


def test_the_chart_draws_no_hidden_difference_for_the_analyst(tiers):
    page = report_tables(_synthetic_figures(tiers), threshold=5)[4]
    assert page.name == "deaths_by_day" and page.chart is not None
    # The day with 6 critical and 2 stable: the hidden part is an outline, its title "<5".
    assert "2 Feb: Stable &lt;5" in page.chart and "Stable 2" not in page.chart


def test_an_analysts_period_is_widened_to_whole_weeks_so_overlapping_periods_isolate_no_day(
    week, analyst
):
    client = _client(analyst)
    page = client.get("/reports/?from=2026-02-04&to=2026-02-10").content.decode()
    assert "From 2 February 2026 to 15 February 2026" in page
    assert 'value="2026-02-02"' in page and 'value="2026-02-15"' in page
    assert "a period runs in whole weeks" in page
    # Two periods a day apart give the same figures: their difference is no day's count.
    assert _figures(client, "?from=2026-02-04&to=2026-02-10") == _figures(
        client, "?from=2026-02-05&to=2026-02-10"
    )
    assert _figures(client, "?from=2026-02-03&to=2026-02-09") == _figures(
        client, "?from=2026-02-03&to=2026-02-10"
    )
    # Staff who see exact counts keep the days they chose.
    staff = _client(week.coordinator).get("/reports/?from=2026-02-04&to=2026-02-10")
    assert "From 4 February 2026 to 10 February 2026" in staff.content.decode()
