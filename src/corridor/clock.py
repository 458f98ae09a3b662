"""The time Corridor's business rules run on: the real clock, or a demo clock set to a day.

`CORRIDOR_DEMO_DATE` (yyyy-mm-dd) moves the clock to that day, keeping the time of day, so the
demo and training sessions can live through a scenario's week. Audit events keep real time: the
audit log says when something really happened.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils import timezone


def _offset() -> datetime.timedelta:
    demo_date: datetime.date | None = getattr(settings, "CORRIDOR_DEMO_DATE", None)
    if demo_date is None:
        return datetime.timedelta(0)
    return datetime.timedelta(days=(demo_date - timezone.localdate()).days)


def now() -> datetime.datetime:
    """The current time on Corridor's clock (aware)."""
    return timezone.now() + _offset()


def today() -> datetime.date:
    """Today's date where the crossing is, on Corridor's clock."""
    return timezone.localdate(now())


def is_demo_clock() -> bool:
    return getattr(settings, "CORRIDOR_DEMO_DATE", None) is not None
