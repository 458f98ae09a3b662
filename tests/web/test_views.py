"""The landing page, sign-in, the health check and the admin, through the test client."""

import pytest
from django.contrib import admin
from django.urls import reverse

from corridor.accounts.models import Party, Role, User
from corridor.accounts.services import grant_role
from corridor.crossings.models import CrossingDay
from tests.factories import give_totp

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator():
    party = Party.objects.create(
        code="who", name_ar="منظمة الصحة العالمية", name_en="WHO", kind="coordinating_agency"
    )
    user = User.objects.create_user("coord", password="pw-for-tests-1", party=party)
    grant_role(user, Role.COORDINATOR)
    give_totp(user)
    return user


def test_health_check_answers_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_home_sends_anonymous_visitors_to_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_signed_in_user_sees_their_party_and_role(client, coordinator):
    client.force_login(coordinator)
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Signed in as coord (WHO)" in text
    assert "Coordinator" in text
    assert "Waiting cases by urgency" in text


def test_wrong_password_shows_an_error_and_does_not_sign_in(client, coordinator):
    response = client.post(
        reverse("account_login"),
        {"login": "coord", "password": "wrong"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "username and/or password you specified are not correct" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_sign_out_ends_the_session(client, coordinator):
    client.force_login(coordinator)
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_every_admin_list_and_add_page_renders_for_an_administrator(client, rf):
    user = User.objects.create_superuser("root", password="pw-for-tests-1")
    grant_role(user, Role.ADMINISTRATOR)
    give_totp(user)
    client.force_login(user)
    request = rf.get("/admin/")
    request.user = user
    for model, model_admin in admin.site._registry.items():
        meta = model._meta
        url = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        assert client.get(url).status_code == 200, url
        if model_admin.has_add_permission(request):
            url = reverse(f"admin:{meta.app_label}_{meta.model_name}_add")
            assert client.get(url).status_code == 200, url


def test_admin_shows_status_fields_read_only(client):
    from corridor.cases.admin import CaseAdmin
    from corridor.crossings.admin import BatchAdmin
    from corridor.returns.admin import ReturnRegistrationAdmin

    for admin_class in (CaseAdmin, BatchAdmin, ReturnRegistrationAdmin):
        assert "status" in admin_class.readonly_fields


def test_the_admin_never_deletes_and_hides_clinical_text_and_the_audit_log(client, rf):
    from corridor.accounts.services import grant_role

    user = User.objects.create_superuser("root2", password="pw-for-tests-1")
    grant_role(user, Role.ADMINISTRATOR)
    request = rf.get("/admin/")
    request.user = user
    registered = admin.site._registry
    for model, model_admin in registered.items():
        if model._meta.app_label.startswith(
            ("accounts", "cases", "crossings", "people", "returns")
        ):
            assert not model_admin.has_delete_permission(request), model
        lifecycle = any(f.name == "status" for f in model._meta.fields)
        # A crossing day's status is the calendar administrators keep, not a life cycle.
        if lifecycle and model is not CrossingDay and model_admin.has_change_permission(request):
            assert "status" in model_admin.get_readonly_fields(request), model
    from corridor.audit.models import AuditEvent
    from corridor.cases.models import Case
    from corridor.crossings.models import CoordinationEvent, Incident, Movement
    from corridor.people.models import Person

    assert AuditEvent not in registered
    for model in (CoordinationEvent, Movement):
        assert not registered[model].has_add_permission(request)
    for model, field in ((Case, "clinical_summary"), (Incident, "narrative"), (Person, "phone")):
        form = registered[model].get_form(request)
        assert field not in form.base_fields, (model, field)


def test_an_admin_change_is_on_the_audit_chain(client):
    from corridor.accounts.services import grant_role
    from corridor.audit.models import AuditEvent

    user = User.objects.create_superuser("root3", password="pw-for-tests-1")
    grant_role(user, Role.ADMINISTRATOR)
    give_totp(user)
    party = Party.objects.create(code="p1", name_ar="ج", name_en="P", kind="other")
    client.force_login(user)
    response = client.post(
        reverse("admin:accounts_party_change", args=[party.pk]),
        {"code": "p1", "name_ar": "ج", "name_en": "P renamed", "kind": "other", "country": ""},
    )
    assert response.status_code == 302
    event = AuditEvent.objects.filter(action="admin.changed").last()
    assert event.object_id == str(party.pk) and "name_en" in event.data["fields"]
