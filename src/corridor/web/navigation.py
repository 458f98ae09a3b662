"""Role-aware navigation: only the pages the signed-in user may use."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from corridor.accounts import policy

# (url name, label, policy action)
PAGES = [
    ("web:home", _("Today"), policy.SITUATION_VIEW),
    ("cases:list", _("Waiting list"), policy.CASE_VIEW),
    ("cases:receiving", _("Cases offered to us"), policy.RECEIVING_VIEW),
    ("crossings:batches", _("Batches"), policy.BATCH_VIEW),
    ("plans:list", _("Plan"), policy.PLAN_VIEW),
    ("crossings:log", _("Crossing log"), policy.MOVEMENT_VIEW),
    ("crossings:incidents", _("Incidents"), policy.INCIDENT_VIEW),
    ("returns:list", _("Returns"), policy.RETURN_VIEW),
    ("interop:imports", _("Imports"), policy.IMPORT_VIEW),
    ("web:reports", _("Reports"), policy.AGGREGATES_VIEW),
    ("audit:log", _("Audit log"), policy.AUDIT_VIEW),
]


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Template context: `nav`, the links this user's roles allow, marking the current one."""
    demo_date = getattr(settings, "CORRIDOR_DEMO_DATE", None)
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": [], "demo_date": demo_date}
    links = []
    for name, label, action in PAGES:
        if policy.allows(user, action):
            url = reverse(name)
            links.append({"url": url, "label": label, "current": request.path == url})
    return {"nav": links, "demo_date": demo_date}
