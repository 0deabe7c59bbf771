"""GraphQL types of the history queries: events, changes and timelines (an objective's
own history is beside ``Objective`` in ``okr_api.graphql.types.okr``)."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any
from uuid import UUID

import strawberry
from strawberry import relay
from strawberry.scalars import JSON

from okr_api.graphql.base import Info, global_id
from okr_api.graphql.queries.history_events import MAX_SCANNED
from okr_api.graphql.types.analysis_tree import hidden_count_field
from okr_api.graphql.types.okr import Objective
from okr_api.graphql.types.org import Person, person_of
from okr_api.graphql.types.policy import ScoringPolicy
from okr_domain import values
from projections.analysis import timeline

Interval = strawberry.enum(timeline.Interval, description="The length of a timeline step.")


@strawberry.enum(description="How exact a count is.")
class CountPrecision(Enum):
    EXACT = "EXACT"
    AT_LEAST = "AT_LEAST"
    """The count stopped at a bound: there may be more."""


@strawberry.type(description="One stored event, from the event index.")
class HistoryEvent:
    position: int = strawberry.field(description="Its global position in the event log.")
    occurred_at: datetime = strawberry.field(description="When it was recorded.")
    type: str = strawberry.field(description="Its type, like okr.Objective.CheckInRecorded.")
    aggregate_type: str = strawberry.field(description="Objective, Cycle, Person, ...")
    aggregate_id: str = strawberry.field(description="The UUID of the aggregate it changed.")
    aggregate_version: int
    cycle_key: str | None
    actor_id: relay.GlobalID | None = strawberry.field(
        description="The person who caused it (null: the service or a service account).")
    data: JSON | None = strawberry.field(
        description="Its own fields as JSON (null for webhook, service-account and other "
                    "internal events).")
    objective_row: strawberry.Private[Any] = None

    @strawberry.field(description="The objective it is about, when it is one you may see.")
    def objective(self) -> Objective | None:
        return Objective(row=self.objective_row) if self.objective_row is not None else None

    @strawberry.field
    async def actor(self, info: Info) -> Person | None:
        return await person_of(info, None if self.actor_id is None
                               else UUID(hex=self.actor_id.node_id))


@strawberry.type
class HistoryEventEdge:
    cursor: str
    node: HistoryEvent


@strawberry.type(description="A page of events in position order (keyset-paged: pass "
                             "endCursor as after). A page may hold fewer events than asked "
                             "when many were filtered out; go on while hasNextPage.")
class HistoryEventConnection:
    edges: list[HistoryEventEdge]
    nodes: list[HistoryEvent]
    page_info: relay.PageInfo
    position: int = strawberry.field(description="The event index position it reflects.")
    total_count: int = strawberry.field(
        description="Events matching the filter that you may see, over all pages: what the "
                    "edges of every page add up to. Exact, or a lower bound when the "
                    "filter's cycle, time, type and objective conditions match more than "
                    f"{MAX_SCANNED:,} events (see totalCountPrecision).")
    total_count_precision: CountPrecision = strawberry.field(
        description="EXACT, or AT_LEAST when totalCount stopped at its bound.")


@strawberry.type(description="An objective aligned elsewhere between the two moments.")
class Realignment:
    objective: Objective
    parent_before_id: relay.GlobalID | None
    parent_after_id: relay.GlobalID | None


@strawberry.type(description="A key result whose weight changed (null: it did not exist).")
class Reweighting:
    objective: Objective
    key_result_id: relay.GlobalID
    title: str
    weight_before: float | None
    weight_after: float | None


@strawberry.type(description="An objective whose graded score changed.")
class Rescoring:
    objective: Objective
    score_before: float
    score_after: float
    delta: float


@strawberry.type(description="What changed in a cycle between two moments; objectives are "
                             "shown as they were at the later one.")
class CycleChanges:
    cycle_key: str
    from_: datetime = strawberry.field(name="from")
    to: datetime
    from_position: int
    to_position: int
    created: list[Objective]
    archived: list[Objective]
    realigned: list[Realignment]
    reweighted: list[Reweighting]
    rescored: list[Rescoring]
    hidden_count: int = hidden_count_field()


@strawberry.type
class StepBand:
    band: values.Band
    count: int
    share: float | None


@strawberry.type
class StepCoverage:
    total: int
    aligned: int
    share: float | None


@strawberry.type(description="The cycle as of the end of one step.")
class TimelineStep:
    at: datetime
    position: int = strawberry.field(description="The last event position it includes.")
    status: values.CycleStatus | None = strawberry.field(
        description="Null when the cycle did not exist yet.")
    objective_count: int
    aspirational_count: int
    mean: float | None
    median: float | None
    histogram: list[int] = strawberry.field(
        description="Aspirational scores per tenth: [0, 0.1), ..., [0.9, 1.0].")
    bands: list[StepBand]
    committed_count: int
    committed_met: int
    check_ins: int = strawberry.field(description="Recorded since the step before.")
    check_ins_total: int
    checked_in_objectives: int = strawberry.field(
        description="Objectives whose latest check-in falls in this step.")
    coverage: StepCoverage
    hidden_count: int = hidden_count_field()


@strawberry.type(description="A cycle's evolution, step by step, replayed from its events.")
class CycleTimeline:
    cycle_key: str
    every: timeline.Interval
    scoring: ScoringPolicy
    steps: list[TimelineStep]


def person_gid(value: UUID | None) -> relay.GlobalID | None:
    return global_id("Person", value) if value is not None else None
