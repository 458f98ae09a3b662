"""Template filters shared by every page: the Hijri date and counts with small cells hidden."""

from __future__ import annotations

import datetime

from django import template
from django.utils import translation
from hijridate import Gregorian

from corridor.i18n import local_name
from corridor.profiles import suppress

register = template.Library()


@register.filter
def hijri(value: datetime.date | None) -> str:
    """The date in the Umm al-Qura Hijri calendar, as Arabic or English readers write it."""
    if not isinstance(value, datetime.date):
        return ""
    try:
        date = Gregorian(value.year, value.month, value.day).to_hijri()
    except OverflowError:  # outside the calendar's table (before 1924 or after 2077)
        return ""
    if translation.get_language() == "ar":
        return f"{date.day} {date.month_name('ar')} {date.year} هـ"
    return f"{date.day} {date.month_name('en')} {date.year} AH"


@register.filter
def small_cell(value: int, threshold: int | None) -> int | str:
    """A count of people, shown as "<threshold" when the reader may not see small counts."""
    if threshold is None or not isinstance(value, int):
        return value
    return suppress(value, threshold)


@register.filter
def local(value: object) -> str:
    """An object's name in the reader's language (`name_ar` or `name_en`)."""
    return local_name(value) if value is not None else ""
