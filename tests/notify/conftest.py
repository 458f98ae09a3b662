"""Messages are queued after commit: these fixtures run the commit hooks and give people phones."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest
from pytest_django import Settings


@pytest.fixture(autouse=True)
def _message_settings(settings: Settings, tmp_path: Any) -> None:
    settings.CORRIDOR_MESSAGE_BACKEND = "console"
    settings.CORRIDOR_MESSAGE_LANGUAGE = "ar"
    settings.CORRIDOR_MESSAGE_MAX_ATTEMPTS = 3
    settings.CORRIDOR_MESSAGE_RETRY_SECONDS = 60
    settings.DATA_DIR = tmp_path


@pytest.fixture
def committed(
    django_capture_on_commit_callbacks: Callable[..., AbstractContextManager[Any]],
) -> Callable[[], AbstractContextManager[Any]]:
    """A context in which the after-commit hooks of the services run, as in production."""

    def run() -> AbstractContextManager[Any]:
        return django_capture_on_commit_callbacks(execute=True)

    return run
