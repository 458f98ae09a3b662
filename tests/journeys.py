"""A planner that walks batches through their usual steps, so a test starts where it matters."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from corridor.accounts.models import Party, User
from corridor.cases.models import Case
from corridor.crossings import services
from corridor.crossings.models import Batch, Clearance, Crossing, Direction
from tests.factories import CaseFactory, CompanionFactory
from tests.helpers import CROSSING_DATE, PLANNING_TIME


@dataclass
class Planner:
    crossing: Crossing
    coordinator: User
    coordinating_party: Party
    authority: Party

    def case(self, companions: int = 0, **fields: object) -> Case:
        """An approved case with `companions` proposed companions."""
        case = CaseFactory(**fields)
        for _ in range(companions):
            CompanionFactory(case=case)
        return case

    def batch(self, *cases: Case, date: datetime.date = CROSSING_DATE) -> Batch:
        """A draft batch carrying `cases`, in order."""
        batch = services.create_batch(
            self.crossing, Direction.OUT, date, actor=self.coordinator, at=PLANNING_TIME
        )
        for case in cases:
            services.add_case_to_batch(batch, case, actor=self.coordinator, at=PLANNING_TIME)
        return batch

    def submitted(self, *cases: Case, date: datetime.date = CROSSING_DATE) -> Batch:
        batch = self.batch(*cases, date=date)
        return services.submit_batch(
            batch, party=self.coordinating_party, actor=self.coordinator, at=PLANNING_TIME
        )

    def clear_everyone(self, batch: Batch) -> Batch:
        for member in batch.members.filter(active=True):
            services.record_clearance(
                member,
                Clearance.CLEARED,
                party=self.authority,
                actor=self.coordinator,
                at=PLANNING_TIME,
            )
        batch.refresh_from_db()
        return batch

    def cleared(self, *cases: Case, date: datetime.date = CROSSING_DATE) -> Batch:
        return self.clear_everyone(self.submitted(*cases, date=date))

    def confirm(self, batch: Batch) -> Batch:
        return services.confirm_batch(
            batch, party=self.authority, actor=self.coordinator, at=PLANNING_TIME
        )

    def confirmed(self, *cases: Case, date: datetime.date = CROSSING_DATE) -> Batch:
        return self.confirm(self.cleared(*cases, date=date))
