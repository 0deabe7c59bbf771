"""Row factories: small organizations built by hand, one row at a time.

Ids are small integers (``UUID(int=n)``) so that failures read easily; objectives are
created one minute apart, in the order the test writes them.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from itertools import count
from uuid import UUID

from okr_domain.values import (
    CycleStatus,
    Kind,
    Level,
    MetricType,
    ObjectiveStatus,
    OkrPolicy,
    TeamKind,
    Visibility,
)
from projections.analysis import Directory
from projections.catalog.rows import CycleRow, KeyResultRow, ObjectiveRow, PersonRow, TeamRow

ORG_ID = UUID(int=1)
Q1_START = date(2026, 1, 1)
Q1_END = date(2026, 3, 31)  # 90 days: 31 + 28 + 31


def at(day: date, hour: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


class Org:
    """An organization's rows, built up by a test."""

    def __init__(self, policy: OkrPolicy | None = None) -> None:
        self.policy = policy or OkrPolicy()
        self._ids = count(100)
        self._created = count(0)
        self.teams: list[TeamRow] = []
        self.people: list[PersonRow] = []
        self.cycles: list[CycleRow] = []
        self.objectives: list[ObjectiveRow] = []
        self.key_results: list[KeyResultRow] = []
        self._kr_counts: dict[UUID, int] = {}
        self.root = self.team("Company", parent=None, kind=TeamKind.COMPANY)

    def new_id(self) -> UUID:
        return UUID(int=next(self._ids))

    @property
    def directory(self) -> Directory:
        return Directory.build(self.people, self.teams)

    def team(self, name: str, *, parent: TeamRow | str | None = "root",
             lead: PersonRow | None = None, kind: TeamKind = TeamKind.TEAM) -> TeamRow:
        parent_row = self.root if parent == "root" else parent
        assert not isinstance(parent_row, str)
        row = TeamRow(self.new_id(), ORG_ID, name, kind,
                      parent_row.id if parent_row is not None else None,
                      lead.id if lead is not None else None, 0)
        self.teams.append(row)
        return row

    def lead(self, team: TeamRow, person: PersonRow) -> None:
        team.lead_id = person.id

    def person(self, name: str, *, team: TeamRow | None = None,
               manager: PersonRow | None = None) -> PersonRow:
        row = PersonRow(self.new_id(), ORG_ID, name.lower(), name, None,
                        team.id if team is not None else None,
                        manager.id if manager is not None else None, 0)
        self.people.append(row)
        return row

    def cycle(self, key: str = "2026-Q1", *, starts_on: date = Q1_START,
              ends_on: date = Q1_END, status: CycleStatus = CycleStatus.ACTIVE) -> CycleRow:
        row = CycleRow(self.new_id(), ORG_ID, key, key, starts_on, ends_on, status, None,
                       at(starts_on), 0)
        self.cycles.append(row)
        return row

    def objective(
        self,
        cycle: CycleRow,
        title: str,
        *,
        team: TeamRow | None = None,
        person: PersonRow | None = None,
        level: Level | None = None,
        kind: Kind = Kind.ASPIRATIONAL,
        parent: ObjectiveRow | None = None,
        private: bool = False,
        status: ObjectiveStatus = ObjectiveStatus.ACTIVE,
        krs: tuple[float, ...] = (),
        final_score: float | None = None,
        override: float | None = None,
        created_at: datetime | None = None,
        last_check_in_at: datetime | None = None,
    ) -> ObjectiveRow:
        if level is None:
            if person is not None:
                level = Level.INDIVIDUAL
            elif team is None or team.id == self.root.id:
                level = Level.COMPANY
            else:
                level = Level.TEAM
        if level is Level.COMPANY and team is None:
            team = self.root
        created = created_at or at(cycle.starts_on) + timedelta(minutes=next(self._created))
        row = ObjectiveRow(
            id=self.new_id(), organization_id=ORG_ID, cycle_id=cycle.id, level=level,
            owner_team_id=team.id if team is not None else None,
            owner_person_id=person.id if person is not None else None,
            kind=kind, visibility=Visibility.PRIVATE if private else Visibility.PUBLIC,
            status=status, title=title, description="", parent_id=(
                parent.id if parent is not None else None),
            parent_key_result_id=None, score=0.0, grade_override=override,
            final_score=final_score, created_at=created, updated_at=created,
            last_check_in_at=last_check_in_at,
        )
        self.objectives.append(row)
        for score in krs:
            self.kr(row, score)
        return row

    def kr(self, objective: ObjectiveRow, score: float, *, weight: float = 1.0,
           progress: float | None = None,
           last_check_in_at: datetime | None = None) -> KeyResultRow:
        """A MILESTONE key result at ``score`` (its current value is the percentage)."""
        raw = score if progress is None else progress
        index = self._kr_counts.get(objective.id, 0)
        self._kr_counts[objective.id] = index + 1
        row = KeyResultRow(
            id=self.new_id(), objective_id=objective.id, organization_id=ORG_ID,
            cycle_id=objective.cycle_id, title=f"KR {index + 1}",
            metric_type=MetricType.MILESTONE, start=Decimal(0), target=Decimal(100),
            unit="%", weight=weight, current=Decimal(str(raw * 100)), progress=raw,
            score=min(1.0, max(0.0, raw)), check_in_count=0 if last_check_in_at is None else 1,
            last_check_in_at=last_check_in_at, sort_index=index, position=0,
        )
        self.key_results.append(row)
        return row
