from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from corridor.accounts.models import User
from corridor.audit import services as audit
from corridor.audit.management.commands.audit import Command as AuditCommand
from corridor.audit.models import GENESIS_HASH, AuditEvent, AuditHead


@pytest.fixture
def chain(coordinator: User) -> list[AuditEvent]:
    """Three events on top of those the cast's role grants wrote."""
    with transaction.atomic():
        return [
            audit.record("test.first", coordinator, actor=coordinator, data={"n": 1}),
            audit.record("test.second", coordinator, actor=coordinator, data={"n": "٢"}),
            audit.record("test.third", None, data={"nested": {"list": [1, 2]}}),
        ]


def _run_audit_command(argv: list[str], monkeypatch: pytest.MonkeyPatch) -> int:
    """Run the command as `corridor audit ...` would, returning its exit status."""
    # The command closes every connection when it finishes, which would end the test's transaction.
    monkeypatch.setattr("django.core.management.base.connections.close_all", lambda: None)
    try:
        AuditCommand().run_from_argv(["corridor", "audit", *argv, "--skip-checks"])
    except SystemExit as exit_:
        return int(exit_.code or 0)
    return 0


@pytest.mark.django_db(transaction=True)
def test_recording_outside_a_transaction_is_refused() -> None:
    with pytest.raises(RuntimeError, match=r"inside transaction\.atomic"):
        audit.record("test.outside")

    assert not AuditEvent.objects.exists()


def test_each_event_is_chained_to_the_one_before(chain: list[AuditEvent]) -> None:
    events = list(AuditEvent.objects.order_by("sequence"))

    assert [e.sequence for e in events] == list(range(1, len(events) + 1))
    assert events[0].previous_hash == GENESIS_HASH
    for before, after in zip(events, events[1:], strict=False):
        assert after.previous_hash == before.hash
    for event in events:
        assert event.hash == event.compute_hash()
    head = AuditHead.objects.get()
    assert (head.sequence, head.last_hash) == (events[-1].sequence, events[-1].hash)


def test_an_event_names_its_object_and_actor(chain: list[AuditEvent], coordinator: User) -> None:
    first = AuditEvent.objects.get(action="test.first")

    assert first.object_type == "accounts.user"
    assert first.object_id == str(coordinator.pk)
    assert first.actor_id == coordinator.pk
    assert first.data == {"n": 1}


def test_an_untouched_chain_verifies(chain: list[AuditEvent]) -> None:
    report = audit.verify_chain()

    assert report.ok
    assert report.checked == AuditEvent.objects.count()


def test_an_empty_chain_verifies(db: None) -> None:
    report = audit.verify_chain()

    assert report.ok
    assert report.checked == 0


def test_changing_an_events_data_breaks_the_chain_at_that_event(chain: list[AuditEvent]) -> None:
    AuditEvent.objects.filter(pk=chain[1].pk).update(data={"n": "forged"})

    report = audit.verify_chain()

    assert not report.ok
    assert report.broken_at == chain[1].sequence
    assert "does not match its hash" in report.problem


def test_rewriting_an_event_with_a_fresh_hash_breaks_the_next_link(
    chain: list[AuditEvent],
) -> None:
    forged = AuditEvent.objects.get(pk=chain[1].pk)
    forged.data = {"n": "forged"}
    forged.hash = forged.compute_hash()
    forged.save()

    report = audit.verify_chain()

    assert report.broken_at == chain[2].sequence
    assert "previous hash" in report.problem


def test_deleting_an_event_reports_it_missing(chain: list[AuditEvent]) -> None:
    AuditEvent.objects.filter(pk=chain[1].pk).delete()

    report = audit.verify_chain()

    assert not report.ok
    assert f"#{chain[1].sequence} is missing" in report.problem
    assert report.checked == chain[1].sequence - 1


def test_deleting_the_last_event_disagrees_with_the_head(chain: list[AuditEvent]) -> None:
    AuditEvent.objects.filter(pk=chain[2].pk).delete()

    report = audit.verify_chain()

    assert report.broken_at == chain[2].sequence
    assert f"head says #{chain[2].sequence}" in report.problem


def test_verify_command_reports_an_intact_chain(chain: list[AuditEvent]) -> None:
    out = io.StringIO()

    call_command("audit", "verify", stdout=out)

    assert out.getvalue() == f"audit chain intact: {AuditEvent.objects.count()} events checked\n"


def test_verify_command_exits_zero_on_an_intact_chain(
    chain: list[AuditEvent], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run_audit_command(["verify"], monkeypatch) == 0
    assert "audit chain intact" in capsys.readouterr().out


def test_verify_command_names_the_broken_event_in_one_line(chain: list[AuditEvent]) -> None:
    AuditEvent.objects.filter(pk=chain[1].pk).update(action="test.forged")

    with pytest.raises(CommandError) as raised:
        call_command("audit", "verify", stdout=io.StringIO())

    message = str(raised.value)
    assert f"broken at event #{chain[1].sequence}" in message
    assert "\n" not in message
    assert raised.value.returncode != 0


def test_verify_command_exits_non_zero_with_one_line_on_a_broken_chain(
    chain: list[AuditEvent], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    AuditEvent.objects.filter(pk=chain[1].pk).delete()

    status = _run_audit_command(["verify"], monkeypatch)

    err = capsys.readouterr().err
    assert status != 0
    assert err.count("\n") == 1
    assert f"#{chain[1].sequence} is missing" in err
    assert "Traceback" not in err


def test_audit_command_refuses_an_unknown_action(
    db: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    status = _run_audit_command(["repair"], monkeypatch)

    assert status != 0
    assert "invalid choice: 'repair'" in capsys.readouterr().err


def test_audit_command_via_call_command_refuses_an_unknown_action(db: None) -> None:
    with pytest.raises(CommandError, match="invalid choice"):
        call_command("audit", "repair")


def test_an_inserted_event_is_named_even_when_its_links_look_right(
    chain: list[AuditEvent],
) -> None:
    last = AuditEvent.objects.order_by("-sequence").first()
    assert last is not None
    forged = AuditEvent(
        sequence=last.sequence + 1,
        at=last.at,
        action="case.approved",
        object_type="cases.case",
        object_id="1",
        data={},
        previous_hash=last.hash,
    )
    forged.hash = forged.compute_hash()
    forged.save()

    report = audit.verify_chain()

    assert report.broken_at == forged.sequence


def test_an_event_inserted_in_the_middle_is_named(chain: list[AuditEvent]) -> None:
    middle = chain[1]
    # Make room by moving the later events up, as an intruder would have to.
    for event in AuditEvent.objects.filter(sequence__gte=middle.sequence).order_by("-sequence"):
        AuditEvent.objects.filter(pk=event.pk).update(sequence=event.sequence + 1)
    forged = AuditEvent(
        sequence=middle.sequence,
        at=middle.at,
        action="case.approved",
        data={},
        previous_hash=chain[0].hash,
    )
    forged.hash = forged.compute_hash()
    forged.save()

    report = audit.verify_chain()

    # The forged event links to its predecessor; the first one after it no longer does.
    assert report.broken_at == middle.sequence + 1
