"""The Rafah February 2026 scenario, loaded small, tells the story of the first week."""

import datetime
import io
import json

import pytest
from allauth.mfa.models import Authenticator
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.urls import reverse

from corridor.accounts.models import User
from corridor.audit.services import verify_chain
from corridor.cases.models import Case, CaseStatus
from corridor.crossings.models import (
    Batch,
    BatchMember,
    BatchStatus,
    CoordinationEventKind,
    Direction,
    Movement,
    MovementOutcome,
)
from corridor.returns.models import ReturnRegistration, ReturnStatus
from corridor.scenarios import rafah_2026_02
from corridor.scenarios.demo_users import DEMO_USERS, create_demo_users
from tests.helpers import totp_code

pytestmark = pytest.mark.django_db

SMALL = {"waiting_cases": 400, "return_registrations": 400}


def load_small(seed: int = 7) -> rafah_2026_02.Loaded:
    return rafah_2026_02.load(seed, **SMALL)


def test_by_wednesday_60_people_departed_and_52_arrived():
    load_small()
    crossed = Movement.objects.filter(
        outcome=MovementOutcome.CROSSED, date__lte=datetime.date(2026, 2, 4)
    )
    assert crossed.filter(direction=Direction.OUT).count() == 60
    assert crossed.filter(direction=Direction.IN).count() == 52
    # every departure is a cleared member of a closed batch
    for movement in crossed.filter(direction=Direction.OUT).select_related("batch"):
        assert movement.batch.status == BatchStatus.CLOSED
    assert not BatchMember.objects.filter(
        outcome="crossed", clearance__in=["refused", "pending", "no_answer"]
    ).exists()


def test_batch_3_was_cancelled_without_reason_relayed_by_who_and_postponed_to_thursday():
    load_small()
    batch = Batch.objects.get(number=3, direction=Direction.OUT, kind="evacuation")
    assert batch.status == BatchStatus.POSTPONED
    assert batch.first_planned_date == datetime.date(2026, 2, 4)
    assert batch.planned_date == datetime.date(2026, 2, 5)
    assert batch.assembly_point.name_en == "Al-Amal Hospital"
    assert batch.assembly_point.party.code == "prcs"
    kinds = list(batch.coordination_events.order_by("at", "id").values_list("kind", flat=True))
    assert kinds == ["submitted", "confirmed", "cancelled", "postponed"]
    cancelled = batch.coordination_events.get(kind=CoordinationEventKind.CANCELLED)
    assert cancelled.party.code == "crossing-authority"
    assert cancelled.relayed_by.code == "who"
    assert cancelled.relayed_to.code == "prcs"
    assert cancelled.no_reason_given and cancelled.reason == ""
    postponed = batch.coordination_events.get(kind=CoordinationEventKind.POSTPONED)
    assert (postponed.previous_date, postponed.new_date) == (
        datetime.date(2026, 2, 4),
        datetime.date(2026, 2, 5),
    )
    active = batch.members.filter(active=True)
    assert active.count() == 35
    assert not active.filter(needs_reconfirmation=False).exists()


def test_waiting_list_and_returns_have_the_scenario_mix():
    loaded = load_small()
    waiting = Case.objects.waiting()
    assert loaded.counts["waiting_cases"] == waiting.count()
    assert waiting.count() > 300
    assert Case.objects.filter(status=CaseStatus.DIED).count() > 0
    trauma_share = waiting.filter(clinical_category="trauma").count() / waiting.count()
    assert 0.35 < trauma_share < 0.65
    ineligible = ReturnRegistration.objects.filter(status=ReturnStatus.INELIGIBLE)
    assert 0 < ineligible.count() < ReturnRegistration.objects.count() / 4
    # every decision names the rule that made it
    assert not ReturnRegistration.objects.filter(eligibility_rule=None).exists()
    assert all(
        "rule" in reason for reason in ineligible.values_list("eligibility_reason", flat=True)
    )


@pytest.mark.django_db(transaction=True)
def test_the_same_seed_gives_the_same_data():
    load_small(seed=11)
    first = list(Case.objects.order_by("pk").values_list("patient__national_id", "urgency__code"))
    call_command("flush", interactive=False, verbosity=0)
    load_small(seed=11)
    second = list(Case.objects.order_by("pk").values_list("patient__national_id", "urgency__code"))
    assert first == second


def test_loading_twice_is_refused_and_the_chain_is_intact():
    load_small()
    assert verify_chain().ok
    with pytest.raises(rafah_2026_02.ScenarioAlreadyLoaded):
        load_small()


def test_status_json_reads_the_situation_from_the_database():
    load_small()
    out = io.StringIO()
    call_command("status", "--json", "--today", "2026-02-04", stdout=out)
    data = json.loads(out.getvalue())
    assert data["totals"] == {"crossed_out": 60, "crossed_in": 52}
    wednesday = next(d for d in data["crossing_days"] if d["date"] == "2026-02-04")
    assert wednesday["quota_out"] == 50 and wednesday["crossed_out"] == 0
    batch3 = next(b for b in data["batches"] if b["number"] == 3 and b["direction"] == "out")
    assert batch3["status"] == "postponed"
    assert batch3["last_event"]["kind"] == "postponed"
    assert any(
        e["kind"] == "cancelled" and e["no_reason_given"] for e in batch3["coordination_events"]
    )
    assert data["waiting_total"] == Case.objects.waiting().count()
    # A change in the database shows in the status: it is not the loader's constants.
    Movement.objects.filter(direction=Direction.IN).first().delete()
    out = io.StringIO()
    call_command("status", "--json", stdout=out)
    assert json.loads(out.getvalue())["totals"]["crossed_in"] == 51


def test_status_table_is_readable_and_bad_arguments_fail():
    load_small()
    out = io.StringIO()
    call_command("status", "--today", "2026-02-04", stdout=out)
    text = out.getvalue()
    assert "In all: 60 departed, 52 arrived" in text
    assert "no reason given" in text
    with pytest.raises(CommandError, match="--today must be a date"):
        call_command("status", "--today", "Wednesday")


def test_load_scenario_command_rejects_unknown_scenario():
    with pytest.raises(CommandError, match="unknown scenario 'gaza-1948'"):
        call_command("load_scenario", "gaza-1948")


def test_demo_users_exist_one_per_role_and_can_sign_in(client):
    load_small()
    logins = create_demo_users("a-demo-password")
    assert {login.username for login in logins} == {u for u, _, _ in DEMO_USERS.values()}
    for role, (username, party, _facility) in DEMO_USERS.items():
        user = User.objects.get(username=username)
        assert user.has_role(role)
        assert user.party.code == party
    assert client.login(username="coordinator", password="a-demo-password")
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert b"coordinator" in response.content


def test_demo_users_who_need_two_factor_get_an_authenticator_app_and_its_secret(client):
    load_small()
    logins = {login.username: login for login in create_demo_users("a-demo-password")}

    with_secret = {name for name, login in logins.items() if login.totp_secret}
    assert with_secret == {"coordinator", "reviewer", "admin"}
    client.post(reverse("account_login"), {"login": "reviewer", "password": "a-demo-password"})
    response = client.post(
        reverse("mfa_authenticate"), {"code": totp_code(logins["reviewer"].totp_secret)}
    )
    assert response["Location"] == reverse("web:home")
    # Running the demo again keeps the secret already in the users' apps.
    again = {login.username: login for login in create_demo_users("a-demo-password")}
    assert again["reviewer"].totp_secret == logins["reviewer"].totp_secret


def test_the_no_mfa_demo_exempts_its_users_from_two_factor(client):
    load_small()
    create_demo_users("a-demo-password")

    logins = create_demo_users("a-demo-password", mfa=False)

    assert all(login.totp_secret == "" for login in logins)
    assert not Authenticator.objects.exists()
    assert User.objects.filter(mfa_exempt=True).count() == len(DEMO_USERS)
    response = client.post(
        reverse("account_login"), {"login": "coordinator", "password": "a-demo-password"}
    )
    assert response["Location"] == reverse("web:home")
    assert client.get("/").status_code == 200


def test_phones_and_clinical_summaries_are_loaded_encrypted():
    load_small()

    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM people_person WHERE phone <> ''")
        phones = [row[0] for row in cursor.fetchall()]
        cursor.execute("SELECT clinical_summary FROM cases_case WHERE clinical_summary <> ''")
        summaries = [row[0] for row in cursor.fetchall()]
    assert len(phones) > 400
    assert len(summaries) >= 400
    # Fernet tokens start with the version byte 0x80, "gAAAAA" in base64.
    assert all(value.startswith("gAAAAA") for value in phones + summaries)
    assert not any("+970" in value for value in phones)
