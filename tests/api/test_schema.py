"""Schemathesis against the OpenAPI document: no 5xx, and every response matches the schema."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
    content_type_conformance,
]
# Whose token calls each path: a user whose role allows the operation, so requests reach it.
CALLER = {"/aggregates": "analyst", "/returns": "returns", "/movements": "officer"}


def _exercise(operation: Any, mode: GenerationMode, headers: dict[str, str]) -> int:
    calls = []

    @given(case=operation.as_strategy(mode))
    @settings(
        max_examples=15,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def call(case: schemathesis.Case) -> None:
        calls.append(case)
        case.call_and_validate(headers=headers, checks=CHECKS)

    call()
    return len(calls)


@pytest.fixture
def wsgi_app() -> Iterator[WSGIHandler]:
    # The real WSGI handler closes the database connection after each request; the test's
    # transaction must survive, as Django's test client arranges for its own requests.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def test_the_api_answers_generated_requests_within_its_schema(api_world, wsgi_app):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", wsgi_app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 9
    calls = 0
    for operation in operations:
        caller = next(
            (who for end, who in CALLER.items() if operation.path.endswith(end)), "coordinator"
        )
        headers = {"Authorization": f"Bearer {api_world.tokens[caller]}"}
        for mode in GenerationMode:
            calls += _exercise(operation, mode, headers)
    assert calls > 4 * len(operations)
