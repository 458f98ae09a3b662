"""The Today page: each crossing's day, today's and tomorrow's batches, alerts, the backlog."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from corridor.accounts.models import Role
from corridor.crossings import services
from corridor.web.preferences import arabic_indic_digits
from corridor.web.templatetags.corridor import hijri
from tests.factories import CaseFactory, UrgencyTierFactory, UserFactory
from tests.helpers import CROSSING_DATE, at_local

pytestmark = pytest.mark.django_db


@pytest.fixture
def on_crossing_day(settings):
    settings.CORRIDOR_DEMO_DATE = CROSSING_DATE


def page(client, user) -> str:
    client.force_login(user)
    response = client.get(reverse("web:home"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    return response.content.decode()


def test_today_shows_the_crossing_day_quota_and_confirmed_seats(client, plan, on_crossing_day):
    plan.confirm(plan.cleared(plan.case(companions=1), plan.case()))
    text = page(client, plan.coordinator)
    assert "Rafah: today" in text
    assert "3 of 10 seats confirmed" in text
    assert "Batch 1" in text and "Coordination confirmed" in text


def test_a_cancelled_batch_raises_an_alert_that_says_no_reason_was_given(
    client, plan, crossing_authority, who, on_crossing_day
):
    batch = plan.confirm(plan.cleared(plan.case()))
    services.cancel_batch(
        batch,
        party=crossing_authority,
        relayed_by=who,
        no_reason_given=True,
        actor=plan.coordinator,
        at=at_local(CROSSING_DATE, 7, 40),
    )
    text = page(client, plan.coordinator)
    assert 'class="alert danger"' in text
    assert "coordination cancelled by Crossing Authority, no reason given" in text
    assert "no reason given" in text.split("batch-card", 1)[1]


def test_a_list_due_within_a_day_is_an_alert(client, plan, settings):
    # The day before the crossing the list is due within 24 hours, or overdue: whatever the hour.
    settings.CORRIDOR_DEMO_DATE = CROSSING_DATE - datetime.timedelta(days=1)
    plan.batch(plan.case())
    text = page(client, plan.coordinator)
    assert "The list for batch 1" in text
    assert "is due by" in text or "is overdue" in text


def test_no_list_alert_for_a_batch_a_week_away(client, plan, settings):
    settings.CORRIDOR_DEMO_DATE = CROSSING_DATE - datetime.timedelta(days=7)
    plan.batch(plan.case())
    assert "The list for batch 1" not in page(client, plan.coordinator)


def test_critical_cases_waiting_long_are_counted_and_small_counts_hidden_from_analysts(
    client, on_crossing_day
):
    critical = UrgencyTierFactory(code="critical", rank=1, name_en="Critical")
    long_ago = CROSSING_DATE - datetime.timedelta(days=30)
    for _ in range(3):
        CaseFactory(urgency=critical, referral_date=long_ago)
    CaseFactory(urgency=critical, referral_date=CROSSING_DATE)
    coordinator = UserFactory(username="c", roles=[Role.COORDINATOR])
    analyst = UserFactory(username="a", roles=[Role.ANALYST])
    text = page(client, coordinator)
    assert "3 Critical cases have been waiting more than 7 days." in text
    assert 'href="/cases/?urgency=critical&amp;waited_min=7"' in text
    analyst_text = page(client, analyst)
    assert "&lt;5" in analyst_text and "have been waiting more than 7 days" in analyst_text
    assert "waited_min" not in analyst_text  # no link to a list the analyst may not open


def test_an_analyst_sees_the_days_but_no_batch(client, plan, on_crossing_day):
    plan.confirm(plan.cleared(plan.case()))
    analyst = UserFactory(username="analyst", roles=[Role.ANALYST])
    text = page(client, analyst)
    assert "Rafah: today" in text
    assert "batch-card" not in text


def test_the_page_costs_the_same_queries_for_one_batch_or_five(
    client, plan, on_crossing_day, django_assert_max_num_queries
):
    plan.confirm(plan.cleared(plan.case()))
    client.force_login(plan.coordinator)
    with django_assert_max_num_queries(40) as one:
        client.get(reverse("web:home"))
    for _ in range(4):
        plan.confirm(plan.cleared(plan.case(companions=1)))
    with django_assert_max_num_queries(40) as five:
        client.get(reverse("web:home"))
    assert len(five.captured_queries) == len(one.captured_queries)


def test_htmx_refresh_gets_the_fragment_only(client, plan, on_crossing_day):
    client.force_login(plan.coordinator)
    response = client.get(reverse("web:home"), HTTP_HX_REQUEST="true")
    text = response.content.decode()
    assert "<html" not in text and "today-head" in text


def test_hijri_dates_in_both_languages():
    from django.utils import translation

    with translation.override("ar"):
        assert hijri(datetime.date(2026, 2, 5)) == "17 شعبان 1447 هـ"
    with translation.override("en"):
        assert hijri(datetime.date(2026, 2, 5)) == "17 Sha'ban 1447 AH"


def test_arabic_indic_digits_change_text_but_not_tags_scripts_or_fields():
    html = (
        '<p class="x1" data-n="42">Batch 3 on 5 Feb</p><script src="/a1.js">var a = 1;</script>'
        '<textarea name="t">12</textarea><input value="7"><td>2026</td><p>it&#x27;s 3 &#39;</p>'
    )
    assert arabic_indic_digits(html) == (
        '<p class="x1" data-n="42">Batch ٣ on ٥ Feb</p><script src="/a1.js">var a = 1;</script>'
        '<textarea name="t">12</textarea><input value="7"><td>٢٠٢٦</td><p>it&#x27;s ٣ &#39;</p>'
    )


def test_a_user_who_reads_arabic_indic_digits_gets_them_on_every_page(
    client, plan, on_crossing_day
):
    plan.confirm(plan.cleared(plan.case()))
    plan.coordinator.digits = "arabic"
    plan.coordinator.save()
    text = page(client, plan.coordinator)
    assert "١ of ١٠ seats confirmed" in text


def test_choosing_a_language_saves_it_on_the_account(client, coordinator):
    client.force_login(coordinator)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    coordinator.refresh_from_db()
    assert coordinator.preferred_language == "en"
    # On a new device (no language cookie) the account's language applies.
    fresh = client.__class__()
    fresh.force_login(coordinator)
    response = fresh.get(reverse("web:home"), HTTP_ACCEPT_LANGUAGE="ar")
    assert response.headers["Content-Language"] == "en"


def test_the_preferences_page_saves_language_and_digits(client, coordinator):
    client.force_login(coordinator)
    response = client.post(
        reverse("web:preferences"), {"preferred_language": "ar", "digits": "arabic"}
    )
    assert response.status_code == 302
    coordinator.refresh_from_db()
    assert (coordinator.preferred_language, coordinator.digits) == ("ar", "arabic")
    response = client.post(reverse("web:preferences"), {"preferred_language": "xx", "digits": "x"})
    assert response.status_code == 200
    assert "preferred_language" in response.context["form"].errors


def test_the_preferences_page_needs_a_signed_in_user(client):
    assert client.get(reverse("web:preferences")).status_code == 302


def test_tomorrows_batch_shows_who_is_next_on_its_standby_list(client, plan, settings):
    from corridor.plans.models import PlanProposal, StandbyEntry

    settings.CORRIDOR_DEMO_DATE = CROSSING_DATE - datetime.timedelta(days=1)
    batch = plan.batch(plan.case())
    proposal = PlanProposal.objects.create(
        crossing=plan.crossing,
        direction="out",
        first_day=CROSSING_DATE,
        days=1,
        planned_at=at_local(CROSSING_DATE, 0),
        rules_version="test",
        plan={},
        created_at=at_local(CROSSING_DATE, 0),
    )
    waiting = [plan.case() for _ in range(4)]
    for position, case in enumerate(waiting, start=1):
        StandbyEntry.objects.create(batch=batch, case=case, position=position, proposal=proposal)
    text = page(client, plan.coordinator)
    assert "4 cases on standby" in text
    shown = [case.reference for case in waiting if f'href="/cases/{case.reference}/"' in text]
    assert shown == [case.reference for case in waiting[:3]]


def test_a_crossing_officer_sees_the_batch_but_not_who_is_on_standby(client, plan, settings):
    from corridor.plans.models import PlanProposal, StandbyEntry

    settings.CORRIDOR_DEMO_DATE = CROSSING_DATE
    batch = plan.confirm(plan.cleared(plan.case()))
    proposal = PlanProposal.objects.create(
        crossing=plan.crossing,
        direction="out",
        first_day=CROSSING_DATE,
        days=1,
        planned_at=at_local(CROSSING_DATE, 0),
        rules_version="test",
        plan={},
        created_at=at_local(CROSSING_DATE, 0),
    )
    StandbyEntry.objects.create(batch=batch, case=plan.case(), position=1, proposal=proposal)
    officer = UserFactory(username="officer", roles=[Role.CROSSING_OFFICER], crossing=plan.crossing)
    text = page(client, officer)
    assert "batch-card" in text
    assert "on standby" not in text
    assert "on standby" in page(client, plan.coordinator)


def test_the_waiting_total_is_withheld_from_analysts_beside_a_hidden_urgency(
    client, on_crossing_day
):
    critical = UrgencyTierFactory(code="critical", rank=1, name_en="Critical")
    stable = UrgencyTierFactory(code="stable", rank=2, name_en="Stable")
    for _ in range(2):
        CaseFactory(urgency=critical)
    for _ in range(7):
        CaseFactory(urgency=stable)
    total_row = '<th scope="row">Total</th><td>{}</td>'
    coordinator = UserFactory(username="c", roles=[Role.COORDINATOR])
    assert total_row.format(9) in page(client, coordinator)
    analyst_text = page(client, UserFactory(username="a", roles=[Role.ANALYST]))
    # 9 less the 7 stable shown would give the 2 critical hidden as <5.
    assert total_row.format(9) not in analyst_text
    assert total_row.format("withheld") in analyst_text and "&lt;5" in analyst_text
