"""Recording a protection incident and reviewing it: the guards and the moves of the review."""

from __future__ import annotations

import datetime

import pytest

from corridor import clock
from corridor.accounts.models import Role, User
from corridor.crossings import incidents
from corridor.crossings.models import (
    BatchMember,
    Crossing,
    IncidentKind,
    IncidentReview,
    IncidentStatus,
    MemberRole,
)
from corridor.exceptions import DomainError, TransitionNotAllowed
from tests.factories import (
    BatchFactory,
    CrossingFactory,
    IncidentFactory,
    PersonFactory,
    UserFactory,
)
from tests.helpers import audit_actions


@pytest.fixture
def monitor(db: None) -> User:
    return UserFactory(username="monitor", roles=[Role.CROSSING_OFFICER])


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"occurred_on": "tomorrow"}, "after today"),
        ({"narrative": "  \n "}, "the narrative is empty"),
        ({"kind": "rumour"}, "is not a kind of incident"),
        ({"severity": "apocalyptic"}, "is not a severity"),
    ],
)
def test_recording_refuses_what_cannot_be_true_and_writes_nothing(
    crossing: Crossing, monitor: User, changes: dict[str, str], message: str
) -> None:
    fields: dict[str, object] = {
        "kind": IncidentKind.HARASSMENT,
        "occurred_on": clock.today(),
        "narrative": "Shouted at in the queue.",
    }
    fields.update(changes)
    if fields["occurred_on"] == "tomorrow":
        fields["occurred_on"] = clock.today() + datetime.timedelta(days=1)

    with pytest.raises(DomainError, match=message):
        incidents.record_incident(crossing, actor=monitor, **fields)  # type: ignore[arg-type]

    assert not crossing.incidents.exists()


def test_a_review_to_the_same_status_without_a_note_changes_nothing(
    crossing: Crossing, monitor: User
) -> None:
    incident = IncidentFactory(crossing=crossing)

    incidents.review_incident(incident, IncidentStatus.OPEN, actor=monitor)

    assert not IncidentReview.objects.exists()
    assert audit_actions(incident) == []


def test_a_closed_incident_can_be_reopened_for_review_but_not_straight_to_open(
    crossing: Crossing, monitor: User
) -> None:
    incident = IncidentFactory(crossing=crossing)
    incidents.review_incident(incident, IncidentStatus.CLOSED, note="Referred.", actor=monitor)

    with pytest.raises(TransitionNotAllowed):
        incidents.review_incident(incident, IncidentStatus.OPEN, actor=monitor)
    incidents.review_incident(
        incident, IncidentStatus.UNDER_REVIEW, note="New witness.", actor=monitor
    )

    incident.refresh_from_db()
    assert incident.status == IncidentStatus.UNDER_REVIEW
    assert [r.to_status for r in IncidentReview.objects.order_by("pk")] == [
        IncidentStatus.CLOSED,
        IncidentStatus.UNDER_REVIEW,
    ]


def test_an_incident_names_only_people_who_travelled_through_its_crossing(
    crossing: Crossing,
) -> None:
    here, there, nowhere = PersonFactory(), PersonFactory(), PersonFactory()
    BatchMember.objects.create(
        batch=BatchFactory(crossing=crossing), person=here, role=MemberRole.RETURNEE, seat=1
    )
    BatchMember.objects.create(
        batch=BatchFactory(crossing=CrossingFactory()),
        person=there,
        role=MemberRole.RETURNEE,
        seat=1,
    )

    assert list(incidents.travellers_at(crossing)) == [here]
    assert nowhere not in incidents.travellers_at(crossing)


def test_travellers_near_an_incident_are_those_on_a_batch_within_three_days(
    crossing: Crossing,
) -> None:
    day = datetime.date(2026, 2, 10)
    people = {offset: PersonFactory() for offset in (-4, -3, 0, 3, 4)}
    for offset, person in people.items():
        BatchMember.objects.create(
            batch=BatchFactory(crossing=crossing, planned_date=day + datetime.timedelta(offset)),
            person=person,
            role=MemberRole.RETURNEE,
            seat=1,
        )
    elsewhere = PersonFactory()
    BatchMember.objects.create(
        batch=BatchFactory(crossing=CrossingFactory(), planned_date=day),
        person=elsewhere,
        role=MemberRole.RETURNEE,
        seat=1,
    )

    near = set(incidents.travellers_near(crossing, day))

    assert near == {people[-3], people[0], people[3]}
