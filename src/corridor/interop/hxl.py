"""HXL: aggregates for public reporting as a CSV with a hashtag row, small cells suppressed.

One long table, one figure per line, so that a reader (or HDX) can filter it: departures and
arrivals per day and crossing from the crossing log, people waiting by urgency and by clinical
category, and deaths while waiting by urgency, as of the day of the export. Every count below the
small-cell threshold is published as "<threshold", never as the number.
"""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Count
from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _

from corridor import clock
from corridor.exports import record_share
from corridor.profiles import suppress, suppress_margin


@dataclass(frozen=True)
class HxlColumn:
    key: str
    label: Any  # a lazy translation: the human header row
    hashtag: str


COLUMNS = (
    HxlColumn("date", _("Date"), "#date"),
    HxlColumn("crossing", _("Crossing"), "#loc+crossing"),
    HxlColumn("direction", _("Direction"), "#status+direction"),
    HxlColumn("status", _("Status"), "#status"),
    HxlColumn("urgency", _("Urgency"), "#status+urgency"),
    HxlColumn("clinical_category", _("Clinical category"), "#status+category"),
    HxlColumn("crossed", _("People who crossed"), "#reached"),
    HxlColumn("waiting", _("People waiting to leave for treatment"), "#inneed"),
    HxlColumn("died", _("People who died while waiting"), "#affected+killed"),
    HxlColumn("org", _("Reporting organisation"), "#org+reporting"),
)
HASHTAGS = [c.hashtag for c in COLUMNS]

# Values of the status column, stable codes for machines.
DEPARTED = "departed"
ARRIVED = "arrived"
WAITING = "waiting"
DIED_WHILE_WAITING = "died_while_waiting"


def hxl_rows(threshold: int, *, org: str = "", today: datetime.date) -> list[dict[str, Any]]:
    """The aggregates, one figure per row, every count suppressed below `threshold`."""
    from corridor.cases.models import Case, CaseStatus
    from corridor.crossings.models import Direction, Movement, MovementOutcome

    blank = {c.key: "" for c in COLUMNS}
    rows: list[dict[str, Any]] = []
    movements = (
        Movement.objects.filter(outcome=MovementOutcome.CROSSED)
        .values_list("date", "crossing__code", "direction")
        .annotate(n=Count("id"))
        .order_by("date", "crossing__code", "direction")
    )
    for date, crossing, direction, count in movements:
        rows.append(
            {
                **blank,
                "date": date.isoformat(),
                "crossing": crossing,
                "direction": direction,
                "status": DEPARTED if direction == Direction.OUT else ARRIVED,
                "crossed": suppress(int(count), threshold),
                "org": org,
            }
        )
    as_of = today.isoformat()
    waiting = Case.objects.waiting()
    # The urgency and category breakdowns count the same people (and deaths one more time), so
    # each is published with secondary suppression: no total less the others reveals a cell.
    breakdowns = [
        (
            WAITING,
            "urgency",
            "waiting",
            waiting.values_list("urgency__code").annotate(n=Count("id")).order_by("urgency__rank"),
        ),
        (
            WAITING,
            "clinical_category",
            "waiting",
            waiting.values_list("clinical_category")
            .annotate(n=Count("id"))
            .order_by("clinical_category"),
        ),
        (
            DIED_WHILE_WAITING,
            "urgency",
            "died",
            Case.objects.filter(status=CaseStatus.DIED)
            .values_list("urgency__code")
            .annotate(n=Count("id"))
            .order_by("urgency__rank"),
        ),
    ]
    for status, key, column, counts in breakdowns:
        labels, values = zip(*counts, strict=True) if counts else ((), ())
        for label, shown in zip(labels, suppress_margin(list(values), threshold), strict=True):
            rows.append(
                {**blank, "date": as_of, "status": status, key: label, column: shown, "org": org}
            )
    return rows


def hxl_csv(rows: list[dict[str, Any]]) -> str:
    """The rows as HXL CSV: a header row in the active language, then the hashtag row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([str(c.label) for c in COLUMNS])
    writer.writerow(HASHTAGS)
    for row in rows:
        writer.writerow([row[c.key] for c in COLUMNS])
    return buffer.getvalue()


def share_hxl(*, actor: Any) -> HttpResponse:
    """All public aggregates as an HXL CSV download, in the name of the actor's party; audited."""
    party = getattr(actor, "party", None)
    rows = hxl_rows(
        settings.CORRIDOR_SMALL_CELL,
        org=party.name_en if party is not None else "",
        today=clock.today(),
    )
    response = HttpResponse(hxl_csv(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="corridor-aggregates-hxl.csv"'
    response["Cache-Control"] = "no-store"
    record_share(
        actor=actor,
        what="aggregates:hxl",
        subject=None,
        recipient="public",
        purpose="public reporting of aggregates (HXL)",
        legal_basis="public interest",
        people=0,
        fmt="hxl",
    )
    return response
