"""The console, outbox and RapidPro backends; RapidPro against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import datetime
import json
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from corridor.notify.backends import BACKENDS, Outgoing, get_backend
from corridor.notify.backends.outbox import outbox_path
from corridor.notify.models import Message, MessageStatus
from corridor.notify.services import deliver_due
from tests.journeys import Planner

Committed = Callable[[], AbstractContextManager[Any]]
PHONE = "+970599000002"


@dataclass
class RapidProStub:
    """A local HTTP server that records broadcasts and fails the first `fail_first` of them."""

    fail_first: int = 0
    requests: list[dict[str, Any]] = field(default_factory=list)
    url: str = ""


@pytest.fixture
def rapidpro() -> Iterator[RapidProStub]:
    stub = RapidProStub()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - the name http.server calls
            length = int(self.headers["Content-Length"])
            stub.requests.append(
                {
                    "path": self.path,
                    "authorization": self.headers["Authorization"],
                    "body": json.loads(self.rfile.read(length)),
                }
            )
            failing = len(stub.requests) <= stub.fail_first
            self.send_response(500 if failing else 201)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b"{}" if failing else b'{"id": 1, "status": "queued"}')

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    stub.url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield stub
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def _queued_message(plan: Planner, committed: Committed) -> Message:
    case = plan.case()
    case.patient.phone = PHONE
    case.patient.save()
    with committed():
        plan.batch(case)
    return Message.objects.get()


def test_every_backend_is_registered_by_name() -> None:
    assert set(BACKENDS) == {"console", "outbox", "rapidpro"}
    with pytest.raises(ValueError, match="unknown message backend 'pigeon'"):
        get_backend("pigeon")


def test_the_console_backend_prints_the_message(capsys: pytest.CaptureFixture[str]) -> None:
    get_backend("console").send(Outgoing("7", PHONE, "مرحبا", "ar", "listed"))

    assert capsys.readouterr().out == f"[message 7 to {PHONE}] مرحبا\n"


def test_the_outbox_backend_appends_json_lines(
    plan: Planner, committed: Committed, settings: Any
) -> None:
    settings.CORRIDOR_MESSAGE_BACKEND = "outbox"
    message = _queued_message(plan, committed)

    deliver_due(timezone.now())

    lines = outbox_path().read_text(encoding="utf-8").splitlines()
    assert outbox_path().parent == settings.DATA_DIR / "outbox"
    assert [json.loads(line) for line in lines] == [
        {
            "reference": str(message.pk),
            "to": PHONE,
            "text": message.body,
            "language": "ar",
            "kind": "listed",
        }
    ]


def test_rapidpro_receives_a_broadcast_with_the_token(
    plan: Planner, committed: Committed, settings: Any, rapidpro: RapidProStub
) -> None:
    settings.CORRIDOR_MESSAGE_BACKEND = "rapidpro"
    settings.CORRIDOR_RAPIDPRO_URL = rapidpro.url + "/"
    settings.CORRIDOR_RAPIDPRO_TOKEN = "secret-token"
    message = _queued_message(plan, committed)

    call_command("send_messages")

    assert rapidpro.requests == [
        {
            "path": "/api/v2/broadcasts.json",
            "authorization": "Token secret-token",
            "body": {"urns": [f"tel:{PHONE}"], "text": message.body},
        }
    ]
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT


def test_a_failed_send_is_retried_after_back_off_and_never_sent_twice(
    plan: Planner, committed: Committed, settings: Any, rapidpro: RapidProStub
) -> None:
    settings.CORRIDOR_MESSAGE_BACKEND = "rapidpro"
    settings.CORRIDOR_RAPIDPRO_URL = rapidpro.url
    settings.CORRIDOR_RAPIDPRO_TOKEN = "secret-token"
    rapidpro.fail_first = 1
    message = _queued_message(plan, committed)
    now = timezone.now()

    first = deliver_due(now)
    message.refresh_from_db()
    assert (first.retrying, message.status, message.attempts) == (1, MessageStatus.FAILED, 1)
    assert message.last_error == "RapidPro answered 500"
    assert message.next_attempt_at == now + datetime.timedelta(seconds=60)

    # Not yet due: nothing is sent before the back-off has passed.
    assert deliver_due(now + datetime.timedelta(seconds=30)).sent == 0
    second = deliver_due(now + datetime.timedelta(seconds=61))
    third = deliver_due(now + datetime.timedelta(hours=2))

    message.refresh_from_db()
    assert (second.sent, third.sent) == (1, 0)
    assert (message.status, message.attempts, message.last_error) == (MessageStatus.SENT, 2, "")
    assert len(rapidpro.requests) == 2
    assert rapidpro.requests[0]["body"] == rapidpro.requests[1]["body"]


def test_back_off_doubles_and_attempts_are_capped(
    plan: Planner, committed: Committed, settings: Any, rapidpro: RapidProStub
) -> None:
    settings.CORRIDOR_MESSAGE_BACKEND = "rapidpro"
    settings.CORRIDOR_RAPIDPRO_URL = rapidpro.url
    settings.CORRIDOR_RAPIDPRO_TOKEN = "secret-token"
    rapidpro.fail_first = 100
    message = _queued_message(plan, committed)
    now = timezone.now()
    waits = []

    for _attempt in range(5):
        deliver_due(now)
        message.refresh_from_db()
        if message.next_attempt_at is None:
            break
        waits.append(message.next_attempt_at - now)
        now = message.next_attempt_at

    assert waits == [datetime.timedelta(seconds=60), datetime.timedelta(seconds=120)]
    assert (message.status, message.attempts) == (MessageStatus.FAILED, 3)
    assert len(rapidpro.requests) == 3
