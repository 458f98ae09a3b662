"""Return registrations of the returns officer's own party."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from corridor.accounts import policy
from corridor.returns.models import ReturnRegistration


@require_GET
@policy.requires(policy.RETURN_VIEW)
def registration_list(request: HttpRequest) -> HttpResponse:
    """Registrations with the eligibility decision and the rule that made it."""
    registrations = policy.scope(
        request.user, policy.RETURN_VIEW, ReturnRegistration.objects.all()
    ).select_related("person", "eligibility_rule")
    status = request.GET.get("status", "")
    if status:
        registrations = registrations.filter(status=status)
    page = Paginator(registrations.order_by("registered_on", "pk"), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "returns/list.html", {"page": page, "status": status})
