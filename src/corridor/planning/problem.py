"""The planning problem: crossing days, candidate cases, destination beds, and the rules."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from corridor.planning.rules import Rules
from corridor.planning.vocabulary import Clearance, Direction, Mobility


@dataclass(frozen=True)
class CrossingDay:
    """One calendar day of the crossing with its quotas and stretcher places.

    Quotas count everyone who crosses, patients and companions alike.
    """

    date: datetime.date
    open: bool = True
    quota_out: int = 0
    quota_in: int = 0
    stretcher_places: int = 0

    def quota(self, direction: Direction) -> int:
        """The quota of this day in `direction`, zero when the crossing is closed."""
        if not self.open:
            return 0
        return self.quota_out if direction is Direction.OUT else self.quota_in


@dataclass(frozen=True)
class Crossing:
    """The crossing being planned: its opening hour and the lead time for name lists."""

    code: str = "rafah"
    opens_at: datetime.time = datetime.time(9, 0)
    lead_time_hours: int = 24


@dataclass(frozen=True)
class Companion:
    """A person travelling with a patient, cleared or refused on their own."""

    id: str
    clearance: Clearance = Clearance.NOT_ASKED
    adult: bool = True


@dataclass(frozen=True)
class Acceptance:
    """A receiving party that accepted the case, with the first date it can take the patient."""

    party: str
    available_from: datetime.date


@dataclass(frozen=True)
class Listing:
    """The active batch a case is already on, and whether the patient was told the date."""

    date: datetime.date
    batch: str = ""
    told_date: bool = False


@dataclass(frozen=True)
class Candidate:
    """A waiting case: the patient, their companions and what decides their priority."""

    id: str
    urgency: str
    category: str
    referral_date: datetime.date
    registered_on: datetime.date
    age: int
    mobility: Mobility = Mobility.SEATED
    companions: tuple[Companion, ...] = ()
    acceptances: tuple[Acceptance, ...] = ()
    family_group: str | None = None
    patient_clearance: Clearance = Clearance.NOT_ASKED
    deteriorating: bool = False
    bump_count: int = 0
    listed: Listing | None = None


@dataclass(frozen=True)
class BedCapacity:
    """Beds a receiving party offers for arrivals of one clinical category on one date.

    A (party, category) pair that appears in no capacity row is limited only by the party's
    acceptance of each case; once a pair appears, every date without a row has no bed.
    """

    party: str
    category: str
    date: datetime.date
    beds: int


@dataclass(frozen=True)
class Problem:
    """Everything the planner needs, as of `planned_at` (the crossing's local time)."""

    planned_at: datetime.datetime
    days: tuple[CrossingDay, ...]
    candidates: tuple[Candidate, ...]
    beds: tuple[BedCapacity, ...] = ()
    crossing: Crossing = field(default_factory=Crossing)
    direction: Direction = Direction.OUT
    rules: Rules = field(default_factory=Rules)

    def __post_init__(self) -> None:
        dates = [day.date for day in self.days]
        if dates != sorted(set(dates)):
            raise ValueError("crossing days must be distinct and in date order")
        ids = [candidate.id for candidate in self.candidates]
        if len(set(ids)) != len(ids):
            raise ValueError("candidate ids must be unique")

    def list_deadline(self, day: datetime.date) -> datetime.datetime:
        """The latest moment a name list for `day` can be submitted (opening minus lead time)."""
        opens = datetime.datetime.combine(day, self.crossing.opens_at, self.planned_at.tzinfo)
        return opens - datetime.timedelta(hours=self.crossing.lead_time_hours)

    def is_listable(self, day: datetime.date) -> bool:
        """True when a new list for `day` can still be submitted at `planned_at`."""
        return self.planned_at <= self.list_deadline(day)
