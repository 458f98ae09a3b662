"""HXL aggregates: parsed by libhxl, hashtags present, small cells suppressed, never a row."""

from __future__ import annotations

import datetime
import io

import hxl
import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from corridor.accounts.models import PartyKind, Role
from corridor.audit.models import AuditEvent
from corridor.cases.models import CaseStatus
from corridor.crossings.models import Direction, Movement, MovementOutcome
from corridor.interop.hxl import HASHTAGS, hxl_csv, hxl_rows
from tests.factories import (
    CaseFactory,
    CrossingFactory,
    PartyFactory,
    PersonFactory,
    UrgencyTierFactory,
    UserFactory,
)
from tests.helpers import CROSSING_DATE, at_local

pytestmark = pytest.mark.django_db


@pytest.fixture
def figures():
    crossing = CrossingFactory(code="rafah")
    critical = UrgencyTierFactory(code="critical", rank=1)
    stable = UrgencyTierFactory(code="stable", rank=3)
    for _ in range(6):
        CaseFactory(urgency=critical, clinical_category="trauma")
    CaseFactory(
        urgency=stable, clinical_category="cancer", patient=PersonFactory(national_id="411111111")
    )
    for _ in range(2):
        CaseFactory(urgency=critical, status=CaseStatus.DIED)
    for index in range(7):
        Movement.objects.create(
            crossing=crossing,
            person=PersonFactory(),
            direction=Direction.OUT,
            at=at_local(CROSSING_DATE, 10, index),
            date=CROSSING_DATE,
            outcome=MovementOutcome.CROSSED,
        )
    Movement.objects.create(
        crossing=crossing,
        person=PersonFactory(),
        direction=Direction.IN,
        at=at_local(CROSSING_DATE, 12),
        date=CROSSING_DATE,
        outcome=MovementOutcome.CROSSED,
    )


def _parse(text: str) -> list[dict[str, str]]:
    source = hxl.data(io.BytesIO(text.encode("utf-8")))
    tags = [column.display_tag for column in source.columns]
    return [dict(zip(tags, row.values, strict=False)) for row in source]


def test_libhxl_parses_the_export_and_finds_every_hashtag(figures):
    text = hxl_csv(hxl_rows(5, org="WHO", today=datetime.date(2026, 2, 15)))
    source = hxl.data(io.BytesIO(text.encode("utf-8")))
    assert [column.display_tag for column in source.columns] == HASHTAGS
    expected = {"#date", "#loc", "#reached", "#inneed", "#affected", "#status", "#org"}
    assert expected <= set(source.tags)
    rows = _parse(text)
    assert all(row["#org+reporting"] == "WHO" for row in rows)


def test_departures_and_arrivals_are_counted_per_day_with_small_cells_suppressed(figures):
    rows = _parse(hxl_csv(hxl_rows(5, today=datetime.date(2026, 2, 15))))
    movements = {
        row["#status"]: row["#reached"] for row in rows if row["#date"] == CROSSING_DATE.isoformat()
    }
    assert movements == {"departed": "7", "arrived": "<5"}
    assert all(row["#loc+crossing"] == "rafah" for row in rows if row["#reached"])


def test_waiting_by_urgency_and_category_and_deaths_are_suppressed_below_the_threshold(figures):
    rows = _parse(hxl_csv(hxl_rows(5, today=datetime.date(2026, 2, 15))))
    waiting_by_urgency = {
        row["#status+urgency"]: row["#inneed"]
        for row in rows
        if row["#status"] == "waiting" and row["#status+urgency"]
    }
    waiting_by_category = {
        row["#status+category"]: row["#inneed"]
        for row in rows
        if row["#status"] == "waiting" and row["#status+category"]
    }
    deaths = {
        row["#status+urgency"]: row["#affected+killed"]
        for row in rows
        if row["#status"] == "died_while_waiting"
    }
    # One hidden cell in a breakdown would be its total less the others: the next smallest goes too.
    assert waiting_by_urgency == {"critical": "withheld", "stable": "<5"}
    assert waiting_by_category == {"cancer": "<5", "trauma": "withheld"}
    assert deaths == {"critical": "<5"}


def test_a_breakdown_with_one_small_cell_withholds_the_next_smallest_only():
    from corridor.profiles import suppress_margin

    assert suppress_margin([40, 3, 12, 9], 5) == [40, "<5", 12, "withheld"]
    assert suppress_margin([40, 3, 2, 9], 5) == [40, "<5", "<5", 9]
    assert suppress_margin([40, 12], 5) == [40, 12]


def test_no_personal_data_reaches_the_aggregates(figures):
    text = hxl_csv(hxl_rows(1, today=timezone.localdate()))
    assert "411111111" not in text and "CASE-" not in text


def test_analysts_download_the_hxl_file_and_the_share_is_audited(figures):
    analyst = UserFactory(
        party=PartyFactory(code="who", name_en="WHO", kind=PartyKind.COORDINATING_AGENCY),
        roles=[Role.ANALYST],
    )
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(analyst)
    response = client.get("/reports/hxl.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = _parse(response.content.decode("utf-8"))
    assert {row["#org+reporting"] for row in rows} == {"WHO"}
    event = AuditEvent.objects.filter(action="export.shared").get()
    assert event.data["what"] == "aggregates:hxl" and event.data["recipient"] == "public"
    assert "hxl.csv" in client.get("/reports/").content.decode()


def test_a_receiving_liaison_may_not_download_the_aggregates(figures):
    liaison = UserFactory(
        party=PartyFactory(kind=PartyKind.RECEIVING_HOSPITAL), roles=[Role.RECEIVING_LIAISON]
    )
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(liaison)
    assert client.get("/reports/hxl.csv").status_code == 403


def test_the_export_command_writes_the_hxl_file_and_audits_it(figures, tmp_path):
    path = tmp_path / "aggregates.csv"
    call_command("export", "hxl", "--output", str(path), "--org", "WHO")
    rows = _parse(path.read_text(encoding="utf-8"))
    assert any(row["#status"] == "departed" for row in rows)
    assert AuditEvent.objects.filter(action="export.shared").get().data["format"] == "hxl"


def test_the_export_command_prints_to_stdout_by_default(figures):
    out = io.StringIO()
    call_command("export", "hxl", stdout=out)
    assert out.getvalue().splitlines()[1].split(",") == HASHTAGS
