"""Two-factor authentication: who needs it, setting it up, and what happens until they do."""

from __future__ import annotations

import re

import pytest
from allauth.mfa.models import Authenticator
from django.test import Client
from django.urls import reverse

from corridor.accounts.mfa import has_totp, requires_mfa
from corridor.accounts.models import Role
from corridor.accounts.services import (
    activate_totp,
    reset_two_factor,
    set_mfa_exemption,
)
from corridor.audit.models import AuditEvent
from tests.factories import TOTP_SECRET, UserFactory
from tests.helpers import audit_actions, last_audit, totp_code

pytestmark = pytest.mark.django_db


PASSWORD = "correct horse battery staple"  # the factory's


def signed_in(user) -> Client:
    client = Client(headers={"accept-language": "en"})
    client.force_login(user)
    return client


def signed_in_and_confirmed(user) -> Client:
    """Signed in, and the password just confirmed again, as changing two-factor set-up asks."""
    client = signed_in(user)
    response = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert response.status_code == 302
    return client


@pytest.mark.parametrize(
    ("role", "required"),
    [
        (Role.COORDINATOR, True),
        (Role.MEDICAL_REVIEWER, True),
        (Role.ADMINISTRATOR, True),
        (Role.REFERRAL_OFFICER, False),
        (Role.RECEIVING_LIAISON, False),
        (Role.CROSSING_OFFICER, False),
        (Role.RETURNS_OFFICER, False),
        (Role.ANALYST, False),
    ],
)
def test_two_factor_is_required_for_coordinators_reviewers_and_administrators(role, required):
    assert requires_mfa(UserFactory(roles=[role], totp=False)) is required


def test_anyone_who_can_reach_the_admin_site_needs_two_factor(outsider):
    outsider.is_staff = True
    assert requires_mfa(outsider)


def test_the_demo_exemption_holds_outside_production_only(settings):
    coordinator = UserFactory(roles=[Role.COORDINATOR], totp=False)
    set_mfa_exemption(coordinator, True)
    assert not requires_mfa(coordinator)

    settings.PRODUCTION = True
    assert requires_mfa(coordinator)


def test_the_cast_coordinator_has_an_authenticator_app(coordinator, liaison):
    assert has_totp(coordinator)
    assert not has_totp(liaison)


def test_a_coordinator_without_an_authenticator_app_is_sent_to_set_one_up():
    coordinator = UserFactory(roles=[Role.COORDINATOR], totp=False)
    client = signed_in_and_confirmed(coordinator)

    for path in ["/", reverse("mfa_index"), reverse("admin:index")]:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"] == reverse("mfa_activate_totp"), path

    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    assert "Your role requires two-factor authentication." in page.content.decode()


def test_a_user_still_to_set_up_two_factor_may_sign_out_and_change_language():
    client = signed_in(UserFactory(roles=[Role.MEDICAL_REVIEWER], totp=False))

    assert client.post(reverse("set_language"), {"language": "ar"}).status_code == 302
    response = client.post(reverse("account_logout"))
    assert response["Location"] == reverse("account_login")
    assert "_auth_user_id" not in client.session


def test_setting_up_the_authenticator_app_opens_the_pages_and_is_audited(
    django_capture_on_commit_callbacks,
):
    coordinator = UserFactory(roles=[Role.COORDINATOR], totp=False)
    client = signed_in_and_confirmed(coordinator)
    page = client.get(reverse("mfa_activate_totp")).content.decode()
    secret = re.search(r'<code class="secret" dir="ltr">([A-Z2-7]+)</code>', page)
    assert secret is not None
    assert 'src="data:image/svg+xml;base64,' in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret.group(1))})

    assert response["Location"] == reverse("mfa_view_recovery_codes")
    codes = client.get(reverse("mfa_view_recovery_codes")).content.decode()
    assert codes.count("<li><code>") == 10
    assert client.get("/").status_code == 200
    assert has_totp(coordinator)
    added = AuditEvent.objects.filter(action="account.authenticator_added", actor=coordinator)
    assert sorted(added.values_list("data__type", flat=True)) == ["recovery_codes", "totp"]


def test_a_wrong_code_does_not_set_up_the_app():
    client = signed_in_and_confirmed(UserFactory(roles=[Role.COORDINATOR], totp=False))
    client.get(reverse("mfa_activate_totp"))

    response = client.post(reverse("mfa_activate_totp"), {"code": "12345"})

    assert response.status_code == 200
    assert "Incorrect code" in response.content.decode()
    assert client.get("/").status_code == 302


def test_setting_up_asks_for_the_password_again_first():
    client = signed_in(UserFactory(roles=[Role.COORDINATOR], totp=False))

    response = client.get(reverse("mfa_activate_totp"))
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert client.get(response["Location"]).status_code == 200
    response = client.post(response["Location"], {"password": PASSWORD})

    assert response["Location"] == reverse("mfa_activate_totp")
    assert client.get(reverse("mfa_activate_totp")).status_code == 200


def test_a_liaison_without_two_factor_reaches_every_page(liaison):
    assert signed_in(liaison).get("/").status_code == 200


def test_an_exempt_demo_coordinator_reaches_the_pages():
    coordinator = UserFactory(roles=[Role.COORDINATOR], totp=False)
    set_mfa_exemption(coordinator, True)

    assert signed_in(coordinator).get("/").status_code == 200
    assert audit_actions(coordinator)[-2:] == ["account.mfa_exempted", "account.login"]


def test_the_admin_sign_in_form_sends_to_the_two_factor_sign_in(client, db):
    response = client.get(reverse("admin:login") + "?next=/admin/")

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_activating_is_idempotent_and_returns_the_secret_in_use():
    reviewer = UserFactory(roles=[Role.MEDICAL_REVIEWER], totp=False)

    secret = activate_totp(reviewer, actor=reviewer)

    assert activate_totp(reviewer) == secret
    assert Authenticator.objects.filter(user=reviewer).count() == 2  # the app and recovery codes
    assert audit_actions(reviewer).count("account.two_factor_activated") == 1


def test_resetting_two_factor_removes_the_authenticators_and_ends_the_sessions(coordinator):
    device = signed_in(coordinator)
    administrator = UserFactory(username="root", roles=[Role.ADMINISTRATOR])

    reset_two_factor(coordinator, actor=administrator)

    assert not Authenticator.objects.filter(user=coordinator).exists()
    event = last_audit(coordinator)
    assert (event.action, event.actor, event.data) == (
        "account.two_factor_reset",
        administrator,
        {"removed": ["recovery_codes", "totp"]},
    )
    assert device.get("/").status_code == 302
    fresh = signed_in(coordinator)
    assert fresh.get("/")["Location"] == reverse("mfa_activate_totp")


def test_the_admin_lists_authenticators_without_their_secrets(coordinator):
    administrator = UserFactory(
        username="root", is_staff=True, is_superuser=True, roles=[Role.ADMINISTRATOR]
    )
    client = signed_in(administrator)
    totp = Authenticator.objects.get(user=coordinator, type=Authenticator.Type.TOTP)

    listing = client.get(reverse("admin:mfa_authenticator_changelist"))
    detail = client.get(reverse("admin:mfa_authenticator_change", args=[totp.pk]))

    assert listing.status_code == detail.status_code == 200
    for response in (listing, detail):
        assert TOTP_SECRET not in response.content.decode()
        assert "seed" not in response.content.decode()


def test_an_administrator_resets_two_factor_from_the_admin(coordinator):
    administrator = UserFactory(
        username="root", is_staff=True, is_superuser=True, roles=[Role.ADMINISTRATOR]
    )

    signed_in(administrator).post(
        reverse("admin:accounts_user_changelist"),
        {"action": "action_reset_two_factor", "_selected_action": [coordinator.pk]},
    )

    assert not has_totp(coordinator)
    assert last_audit(coordinator).actor == administrator
