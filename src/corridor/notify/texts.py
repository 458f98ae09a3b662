"""The text of each kind of message, in the person's language.

A message says when, where and with whom a person travels and what to bring; it never names a
diagnosis, a clinical category or anything else from the clinical record.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext as _

from corridor.notify.models import MessageKind


@dataclass(frozen=True)
class Details:
    """What a message may tell: crossing, dates, time, assembly point, companions' names."""

    crossing: str
    date: datetime.date
    time: datetime.time
    place: str
    bring: str
    travelling_with: tuple[str, ...] = ()
    previous_date: datetime.date | None = None


def what_to_bring(*, patient: bool) -> str:
    if patient:
        return _("your ID card or passport, this message and your referral papers")
    return _("your ID card or passport and this message")


def _values(details: Details) -> dict[str, str]:
    return {
        "crossing": details.crossing,
        "date": details.date.isoformat(),
        "time": details.time.strftime("%H:%M"),
        "place": details.place,
        "bring": details.bring,
        "previous": details.previous_date.isoformat() if details.previous_date else "",
        "names": _(", ").join(details.travelling_with),
    }


def _body(kind: str, details: Details) -> str:
    values = _values(details)
    if kind == MessageKind.LISTED:
        text = _(
            "You are on the list to cross at %(crossing)s on %(date)s, waiting for clearance. "
            "We will send you the time and place once you are cleared."
        )
    elif kind == MessageKind.CLEARED:
        text = _(
            "You are cleared to cross at %(crossing)s on %(date)s. Be at %(place)s at %(time)s. "
            "Bring %(bring)s."
        )
        if details.travelling_with:
            text += " " + _("Cleared with you: %(names)s.")
    elif kind == MessageKind.CALLED:
        text = _(
            "You are called to return through %(crossing)s on %(date)s. Be at %(place)s at "
            "%(time)s. Bring %(bring)s."
        )
    elif kind == MessageKind.POSTPONED:
        text = _(
            "Your crossing at %(crossing)s is postponed from %(previous)s to %(date)s. Be at "
            "%(place)s at %(time)s on the new date. Bring %(bring)s."
        )
    elif kind == MessageKind.CANCELLED:
        text = _(
            "Your crossing at %(crossing)s on %(date)s is cancelled. Stay where you are; we will "
            "contact you with a new date."
        )
    else:
        raise ValueError(f"unknown message kind {kind!r}")
    return text % values


def render(kind: str, details: Details, language: str) -> str:
    """The message body of `kind` in `language` (Corridor's own words, no clinical content)."""
    with translation.override(language):
        return _("Corridor:") + " " + _body(kind, details)
