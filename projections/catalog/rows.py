"""The rows of the catalog read model: the current state of every entity, flat.

These plain dataclasses are what the catalog projection produces from events, what the
stores persist, and what the analyses (alignment tree, stretch, health) read. The same
rows come out of a live store and out of an in-memory replay "as of" a date.

``position`` is the notification id of the last event that changed a row. A key result's
``current`` comes from its latest check-in by (``applies_at``, ``sequence``);
``last_check_in_at`` is when its most recent check-in was recorded. Progress and scores
are exact (``Fraction``), as ``okr_domain.scoring`` computes them; weights and overrides
are the floats given, each standing for its decimal text (``scoring.exact``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from uuid import UUID

from okr_domain.values import (
    CycleStatus,
    Kind,
    Level,
    MetricType,
    ObjectiveStatus,
    OkrPolicy,
    ProposalSide,
    ProposalStatus,
    TeamKind,
    Visibility,
)


@dataclass
class OrganizationRow:
    id: UUID
    name: str
    slug: str
    root_team_id: UUID
    policy: OkrPolicy
    position: int


@dataclass
class TeamRow:
    id: UUID
    organization_id: UUID
    name: str
    kind: TeamKind
    parent_team_id: UUID | None
    lead_id: UUID | None
    position: int


@dataclass
class PersonRow:
    id: UUID
    organization_id: UUID
    external_id: str
    name: str
    email: str | None
    team_id: UUID | None
    manager_id: UUID | None
    position: int


@dataclass
class CycleRow:
    id: UUID
    organization_id: UUID
    key: str
    name: str
    starts_on: date
    ends_on: date
    status: CycleStatus
    grades_hash: str | None
    created_at: datetime
    position: int


@dataclass
class KeyResultRow:
    id: UUID
    objective_id: UUID
    organization_id: UUID
    cycle_id: UUID
    title: str
    metric_type: MetricType
    start: Decimal
    target: Decimal
    unit: str
    weight: float
    current: Decimal
    progress: Fraction
    score: Fraction
    check_in_count: int
    last_check_in_at: datetime | None
    sort_index: int
    position: int


@dataclass
class CheckInRow:
    id: UUID
    key_result_id: UUID
    objective_id: UUID
    organization_id: UUID
    cycle_id: UUID
    value: Decimal
    previous_value: Decimal | None
    confidence: int | None
    note: str
    applies_at: datetime
    recorded_at: datetime
    author_id: UUID | None
    in_one_on_one: bool
    corrected: bool
    correction_reason: str | None
    position: int
    sequence: int = 0
    """The objective's version when the check-in was recorded: with ``applies_at`` it
    decides which check-in sets the key result's current value."""
    previous_check_in_at: datetime | None = None
    """When the key result's check-in before this one was recorded (None for its
    first): the live feed's cadence facts, without reading the key result's history."""


@dataclass
class ObjectiveRow:
    id: UUID
    organization_id: UUID
    cycle_id: UUID
    level: Level
    owner_team_id: UUID | None
    owner_person_id: UUID | None
    kind: Kind
    visibility: Visibility
    status: ObjectiveStatus
    title: str
    description: str
    parent_id: UUID | None
    parent_key_result_id: UUID | None
    score: Fraction
    supporters: list[UUID] = field(default_factory=list)
    supporters_can_check_in: bool = False
    grade_override: float | None = None
    grade_reason: str | None = None
    computed_grade: float | None = None
    final_score: float | None = None
    final_exact: Fraction | None = None
    """The exact final grade; ``final_score`` is the float the close recorded, for display."""
    band: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    last_check_in_at: datetime | None = None
    position: int = 0
    created_position: int = 0
    """The position of the objective's creation: a stable sort key for listings."""
    last_one_on_one_at: datetime | None = None
    """When the latest check-in made in a 1:1 was recorded (None: never in a 1:1)."""
    awaiting_owner_acceptance: bool = False
    """A DRAFT someone else (a manager) made for its owner, until the owner activates it."""


@dataclass
class ProposalRow:
    id: UUID
    organization_id: UUID
    cycle_id: UUID | None
    child_id: UUID
    parent_id: UUID
    parent_key_result_id: UUID | None
    proposed_by_child_side: bool
    proposed_by: UUID | None
    message: str
    status: ProposalStatus
    response_reason: str | None
    created_at: datetime
    position: int
    awaiting_side: ProposalSide = ProposalSide.CHILD
    """The side that must answer (``proposed_by`` asked for the other one)."""
    responded_by: UUID | None = None
    responded_at: datetime | None = None
    withdrawn_at: datetime | None = None

    @property
    def awaited_objective_id(self) -> UUID:
        return self.child_id if self.awaiting_side is ProposalSide.CHILD else self.parent_id


@dataclass
class EventIndexRow:
    """One row per stored event: for history queries by cycle and time range."""

    position: int
    occurred_at: datetime
    organization_id: UUID
    cycle_id: UUID | None
    aggregate_id: UUID
    aggregate_version: int
    event_type: str
    actor_id: UUID | None
