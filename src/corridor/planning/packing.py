"""Seats, stretcher places and beds left on each day, and the greedy packer that fills them."""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

from corridor.planning.prepared import Prepared, Unit

Destinations = dict[int, str]


@dataclass(frozen=True, slots=True)
class Placement:
    """A unit placed on a day, each of its cases with a destination."""

    day: int
    destinations: Mapping[int, str]


class Capacity:
    """What is left of each day's quota, stretcher places and beds as units are placed."""

    def __init__(self, prepared: Prepared) -> None:
        problem = prepared.problem
        self.prepared = prepared
        self.seats = [day.quota(problem.direction) for day in problem.days]
        self.stretchers = [day.stretcher_places if day.open else 0 for day in problem.days]
        self.beds = dict(prepared.beds)

    def copy(self) -> Capacity:
        """An independent copy, to try placements without touching this one."""
        clone = Capacity.__new__(Capacity)
        clone.prepared = self.prepared
        clone.seats = list(self.seats)
        clone.stretchers = list(self.stretchers)
        clone.beds = dict(self.beds)
        return clone

    def destinations(self, unit: Unit, day: int, ignore_seats: bool = False) -> Destinations | None:
        """A destination for every case of `unit` on `day`, or None when the unit cannot go."""
        if not ignore_seats and unit.seats > self.seats[day]:
            return None
        if unit.stretchers > self.stretchers[day]:
            return None
        prepared = self.prepared
        date = prepared.dates[day]
        used: dict[tuple[str, str], int] = {}
        result: Destinations = {}
        for index in unit.cases:
            case = prepared.cases[index]
            category = case.candidate.category
            best: tuple[tuple[int, int, str], str] | None = None
            for option in case.options:
                if option.available_from > date:
                    break
                pair = (option.party, category)
                if pair in prepared.limited_pairs:
                    left = self.beds.get((option.party, category, day), 0) - used.get(pair, 0)
                    if left <= 0:
                        continue
                    key = (1, -left, option.party)
                else:
                    key = (0, 0, option.party)
                if best is None or key < best[0]:
                    best = (key, option.party)
            if best is None:
                return None
            result[index] = best[1]
            pair = (best[1], category)
            if pair in prepared.limited_pairs:
                used[pair] = used.get(pair, 0) + 1
        return result

    def take(self, unit: Unit, day: int, destinations: Mapping[int, str], sign: int = 1) -> None:
        """Use (or with sign -1, give back) the seats, stretchers and beds of a placement."""
        self.seats[day] -= sign * unit.seats
        self.stretchers[day] -= sign * unit.stretchers
        for index, party in destinations.items():
            category = self.prepared.cases[index].candidate.category
            if (party, category) in self.prepared.limited_pairs:
                key = (party, category, day)
                self.beds[key] = self.beds.get(key, 0) - sign

    def fits(self, unit: Unit, day: int, destinations: Mapping[int, str]) -> bool:
        """True when the given placement still fits."""
        if unit.seats > self.seats[day] or unit.stretchers > self.stretchers[day]:
            return False
        needed: dict[tuple[str, str, int], int] = {}
        for index, party in destinations.items():
            category = self.prepared.cases[index].candidate.category
            if (party, category) in self.prepared.limited_pairs:
                key = (party, category, day)
                needed[key] = needed.get(key, 0) + 1
        return all(self.beds.get(key, 0) >= count for key, count in needed.items())


def can_go_on(prepared: Prepared, unit: Unit, day: int) -> bool:
    """True when every case of `unit` has an acceptance dated on or before `day`."""
    date = prepared.dates[day]
    return all(prepared.cases[index].earliest <= date for index in unit.cases)


def pack(
    prepared: Prepared,
    capacity: Capacity,
    units: Iterable[Unit],
    placements: dict[int, Placement],
    preferred: Mapping[int, int] | None = None,
    skip: Collection[int] = (),
) -> None:
    """Place each unit, in the order given, on its preferred day or else its earliest listable one.

    Placements already in `placements` and units in `skip` are left alone; new placements are
    added and taken from `capacity`. Stops early once every listable day is full.
    """
    preferred = preferred or {}
    days = [day for day, ok in enumerate(prepared.listable) if ok]
    for unit in units:
        if not any(capacity.seats[day] > 0 for day in days):
            return
        if unit.index in placements or not unit.eligible or unit.index in skip:
            continue
        first = preferred.get(unit.index)
        tries = ([first] if first is not None and prepared.listable[first] else []) + days
        for day in tries:
            if unit.seats > capacity.seats[day]:
                continue
            destinations = capacity.destinations(unit, day)
            if destinations is not None:
                capacity.take(unit, day, destinations)
                placements[unit.index] = Placement(day, destinations)
                break


def place_pinned(
    prepared: Prepared,
    capacity: Capacity,
    pinned: Mapping[int, int],
    placements: dict[int, Placement],
) -> list[int]:
    """Place units that must stay on a day, best ranked first; return those that no longer fit."""
    lost = []
    for unit_index in sorted(pinned, key=lambda index: prepared.units[index].rank):
        unit = prepared.units[unit_index]
        day = pinned[unit_index]
        destinations = capacity.destinations(unit, day) if unit.eligible else None
        if destinations is None:
            lost.append(unit_index)
            continue
        capacity.take(unit, day, destinations)
        placements[unit_index] = Placement(day, destinations)
    return lost


def greedy(
    prepared: Prepared,
    pinned: Mapping[int, int],
    preferred: Mapping[int, int] | None = None,
    skip: Collection[int] = (),
) -> tuple[dict[int, Placement], Capacity, list[int]]:
    """Pinned units first, then every eligible unit in rank order at its earliest fitting day.

    Returns the placements, the capacity left, and the pinned units that did not fit.
    """
    capacity = Capacity(prepared)
    placements: dict[int, Placement] = {}
    lost = place_pinned(prepared, capacity, pinned, placements)
    pack(prepared, capacity, prepared.units, placements, preferred, skip)
    return placements, capacity, lost


def standby_lists(
    prepared: Prepared,
    capacity: Capacity,
    placements: Mapping[int, Placement],
    skip: Collection[int] = (),
) -> dict[int, list[tuple[Unit, Destinations]]]:
    """For each listable day, unplaced units in rank order that could take freed seats.

    Each list holds seats for `standby_share` of the day's quota, and all of its units could
    be called together without running out of stretcher places or beds.
    """
    problem = prepared.problem
    waiting = [
        u
        for u in prepared.units
        if u.eligible and u.index not in placements and u.index not in skip
    ]
    lists: dict[int, list[tuple[Unit, Destinations]]] = {}
    for day, listable in enumerate(prepared.listable):
        if not listable:
            continue
        target = math.ceil(problem.rules.standby_share * problem.days[day].quota(problem.direction))
        room = capacity.copy()
        chosen: list[tuple[Unit, Destinations]] = []
        seats = 0
        for unit in waiting:
            if seats >= target:
                break
            destinations = room.destinations(unit, day, ignore_seats=True)
            if destinations is None:
                continue
            # Seats are ignored here; stretcher places and beds are held for the whole list.
            room.take(unit, day, destinations)
            chosen.append((unit, destinations))
            seats += unit.seats
        lists[day] = chosen
    return lists


def displace_for_urgent(
    prepared: Prepared,
    capacity: Capacity,
    placements: dict[int, Placement],
    told: Mapping[int, int],
    tier_rank: Mapping[int, int],
    limit: int = 50,
) -> list[int]:
    """Let unplaced cases of a more urgent tier take seats of cases told their date.

    Only the `limit` best-ranked unplaced units more urgent than some told case are tried; the
    told cases removed (worst ranked first, only as many as needed) are returned.
    """
    on_day: dict[int, list[int]] = {}
    for unit_index, day in told.items():
        if unit_index in placements and placements[unit_index].day == day:
            on_day.setdefault(day, []).append(unit_index)
    if not on_day:
        return []
    least_urgent = max(tier_rank.get(u, 0) for units in on_day.values() for u in units)
    displaced: list[int] = []
    tried = 0
    for unit in prepared.units:
        if tried >= limit:
            break
        rank = tier_rank.get(unit.index, 0)
        if unit.index in placements or not unit.eligible or rank >= least_urgent:
            continue
        tried += 1
        for day in sorted(on_day):
            if not prepared.listable[day] or not can_go_on(prepared, unit, day):
                continue
            victims = sorted(
                (u for u in on_day[day] if tier_rank.get(u, 0) > rank),
                key=lambda u: -prepared.units[u].rank,
            )
            trial = capacity.copy()
            removed: list[int] = []
            destinations = trial.destinations(unit, day)
            for victim in victims:
                if destinations is not None:
                    break
                trial.take(prepared.units[victim], day, placements[victim].destinations, sign=-1)
                removed.append(victim)
                destinations = trial.destinations(unit, day)
            if destinations is None:
                continue
            for victim in removed:
                capacity.take(prepared.units[victim], day, placements.pop(victim).destinations, -1)
                on_day[day].remove(victim)
                displaced.append(victim)
            capacity.take(unit, day, destinations)
            placements[unit.index] = Placement(day, destinations)
            break
    return displaced
