"""The small closed vocabularies of a planning problem."""

from __future__ import annotations

from enum import StrEnum


class Clearance(StrEnum):
    """One person's security clearance as the crossing authority last answered it."""

    CLEARED = "cleared"
    REFUSED = "refused"
    PENDING = "pending"
    NOT_ASKED = "not_asked"


class Mobility(StrEnum):
    """How a patient travels: a stretcher takes one of the day's stretcher places."""

    SEATED = "seated"
    WHEELCHAIR = "wheelchair"
    STRETCHER = "stretcher"


class Direction(StrEnum):
    """The direction a plan fills: out of the territory (evacuations) or into it."""

    OUT = "out"
    IN = "in"
