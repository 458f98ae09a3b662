"""Files waiting between a dry run and the user's decision: encrypted, theirs, brief."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from corridor.accounts.models import Role
from corridor.interop import pending
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _own_data_dir(settings, tmp_path: Path) -> None:
    settings.DATA_DIR = tmp_path / "var"


@pytest.fixture
def user(db):
    return UserFactory(username="coordinator", roles=[Role.COORDINATOR])


def test_a_kept_file_comes_back_whole_to_its_user_only(user):
    kept = pending.keep(user, "cases", "../../etc/list\x00.csv", "desk", b"name,id\n")

    back = pending.load(user, kept.token, "cases")

    assert (back.data, back.file_name, back.source) == (b"name,id\n", "list.csv", "desk")
    stranger = UserFactory(username="stranger", roles=[Role.COORDINATOR])
    with pytest.raises(pending.PendingImportGone):
        pending.load(stranger, kept.token, "cases")
    with pytest.raises(pending.PendingImportGone):
        pending.load(user, kept.token, "returns")


@pytest.mark.parametrize("token", ["../secret_key", "", "a" * 10, "x/" * 30, "." * 43])
def test_a_token_that_is_not_one_of_ours_never_reaches_the_file_system(user, token):
    with pytest.raises(pending.PendingImportGone, match="Upload it again"):
        pending.load(user, token, "cases")
    pending.discard(token)  # nothing to do, nothing raised


def test_files_older_than_an_hour_cannot_be_opened_and_are_swept(user, monkeypatch):
    old = pending.keep(user, "cases", "old.csv", "", b"old")
    path = pending.directory() / old.token
    an_hour_ago = time.time() - pending.PENDING_SECONDS - 5
    os.utime(path, (an_hour_ago, an_hour_ago))
    real_time = time.time
    monkeypatch.setattr(time, "time", lambda: real_time() + pending.PENDING_SECONDS + 5)
    with pytest.raises(pending.PendingImportGone):
        pending.load(user, old.token, "cases")  # the encryption carries its time
    monkeypatch.undo()

    fresh = pending.keep(user, "cases", "new.csv", "", b"new")  # sweeps the old one

    assert sorted(p.name for p in pending.directory().iterdir()) == [fresh.token]


def test_discarding_deletes_the_file(user):
    kept = pending.keep(user, "returns", "r.csv", "", b"x")
    pending.discard(kept.token)
    assert list(pending.directory().iterdir()) == []
    with pytest.raises(pending.PendingImportGone):
        pending.load(user, kept.token, "returns")


def test_a_waiting_file_is_claimed_once_and_can_be_put_back(user):
    kept = pending.keep(user, "cases", "l.csv", "", b"x")

    pending.claim(kept)

    with pytest.raises(pending.PendingImportGone, match="imported only once"):
        pending.claim(kept)
    with pytest.raises(pending.PendingImportGone):
        pending.load(user, kept.token, "cases")  # a claimed file cannot be opened
    pending.release(kept)
    assert pending.load(user, kept.token, "cases").data == b"x"
    pending.claim(kept)
    pending.discard_claimed(kept.token)
    assert list(pending.directory().iterdir()) == []
