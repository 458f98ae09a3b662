"""The case page shows the coordinator each person's messages, and a liaison none of them."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

from django.test import Client
from django.urls import reverse

from corridor.accounts.models import User
from corridor.cases.models import CaseStatus, DestinationOffer
from corridor.notify.models import Message
from tests.helpers import CROSSING_DATE
from tests.journeys import Planner

Committed = Callable[[], AbstractContextManager[Any]]
PHONE = "+970599000003"


def test_the_coordinator_sees_kind_status_and_time_but_not_the_phone(
    client: Client, plan: Planner, coordinator: User, committed: Committed
) -> None:
    case = plan.case(companions=1)
    case.patient.phone = PHONE
    case.patient.save()
    with committed():
        plan.batch(case)
    client.force_login(coordinator)

    response = client.get(reverse("cases:detail", args=[case.reference]))

    page = response.content.decode()
    assert response.status_code == 200
    assert 'class="card person-messages"' in page
    assert page.count('class="message message-queued"') == 2
    assert "مدرج في القائمة" in page  # the kind, in the page's language
    assert PHONE not in page
    assert Message.objects.get(person=case.patient).body not in page


def test_a_liaison_does_not_see_messages(
    client: Client, plan: Planner, liaison: User, committed: Committed
) -> None:
    case = plan.case()
    with committed():
        plan.batch(case)
    DestinationOffer.objects.create(
        case=case, receiving_party=liaison.party, status="offered", offered_on=CROSSING_DATE
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.LISTED
    client.force_login(liaison)

    response = client.get(reverse("cases:detail", args=[case.reference]))

    assert response.status_code == 200
    assert "person-messages" not in response.content.decode()
    assert "message-queued" not in response.content.decode()
