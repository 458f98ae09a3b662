"""The signed-in landing page and the health check."""

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from corridor.accounts.models import Role, User
from corridor.i18n import local_name
from corridor.scenarios.status import situation


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """What the signed-in user sees first: who they are and the situation in figures."""
    user = request.user
    assert isinstance(user, User)
    roles = sorted(str(label) for value, label in Role.choices if value in user.role_codes)
    context = {"situation": situation(), "roles": roles, "party_name": local_name(user.party)}
    return render(request, "web/home.html", context)


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
