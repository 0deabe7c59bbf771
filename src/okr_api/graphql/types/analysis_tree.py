"""GraphQL types of the alignment tree and the alignment path, and the deprecated
``hiddenCount`` every analysis has."""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import datetime
from decimal import Decimal
from uuid import UUID

import strawberry
from strawberry import relay

from okr_api.graphql.base import Info, composite_id, global_id
from okr_api.graphql.types.org import Person, Team, person_of, team_of
from okr_api.graphql.types.policy import ScoringPolicy
from okr_domain import values
from okr_domain.scoring import display
from projections import analysis

Placement = strawberry.enum(analysis.Placement)
PathEnd = strawberry.enum(analysis.PathEnd)


NOT_COUNTED = ("Always 0: objectives you may not see are neither listed nor counted, and "
               "no number says how many there are.")
NOT_LISTED = "Always false: objectives you may not see are not listed at all."


def hidden_count_field() -> int:
    """The deprecated ``hiddenCount`` of the analyses (see ``NOT_COUNTED``)."""
    value: int = strawberry.field(default=0, deprecation_reason=NOT_COUNTED)
    return value


def as_of_field() -> datetime | None:
    """The ``asOf`` of the analyses: the moment an answer is as of."""
    value: datetime | None = strawberry.field(
        default=None, description="The moment it is as of (null: now, the live read model).")
    return value


def scoring_field() -> ScoringPolicy | None:
    """The ``scoring`` of the analyses: the policy an answer was re-scored under."""
    value: ScoringPolicy | None = strawberry.field(
        default=None, description="The policy it was re-scored under (null: the "
                                  "organization's own).")
    return value


def _objective_id(value: UUID) -> relay.GlobalID:
    return global_id("Objective", value)


@strawberry.type
class TreeKeyResult:
    id: relay.GlobalID
    title: str
    metric_type: values.MetricType
    start: Decimal
    target: Decimal
    current: Decimal
    unit: str
    weight: float
    progress: float
    score: float
    check_in_count: int
    last_check_in_at: datetime | None


@strawberry.type(description="An objective in the tree.")
class TreeObjective:
    """Plain values, filled in once: a tree can hold thousands of nodes, and fields
    without resolvers (and without awaiting) are what keeps executing it cheap."""

    title: str
    description: str
    level: values.Level
    kind: values.Kind
    status: values.ObjectiveStatus
    visibility: values.Visibility
    own_score: float = strawberry.field(description="Weighted mean of its own key results.")
    graded_score: float = strawberry.field(
        description="The score it would be graded at (or was, once closed).")
    band: values.Band
    final_score: float | None
    grade_override: float | None
    supporter_count: int
    last_check_in_at: datetime | None
    owner_team_id: strawberry.Private[UUID | None]
    owner_person_id: strawberry.Private[UUID | None]
    owners: strawberry.Private[analysis.Directory | None]
    """The organization's people and teams when known (else they are loaded)."""

    @strawberry.field(graphql_type=Team | None)
    def owner_team(self, info: Info) -> Team | Awaitable[Team | None] | None:
        """From the owners when known (no awaiting), else loaded."""
        if self.owner_team_id is None:
            return None
        if self.owners is not None:
            row = self.owners.teams.get(self.owner_team_id)
            return Team(row=row) if row else None
        return team_of(info, self.owner_team_id)

    @strawberry.field(graphql_type=Person | None)
    def owner_person(self, info: Info) -> Person | Awaitable[Person | None] | None:
        """From the owners when known (no awaiting), else loaded."""
        if self.owner_person_id is None:
            return None
        if self.owners is not None:
            row = self.owners.people.get(self.owner_person_id)
            return Person(row=row) if row else None
        return person_of(info, self.owner_person_id)

    key_results_: strawberry.Private[list[TreeKeyResult]]

    @strawberry.field
    def key_results(self) -> list[TreeKeyResult]:
        return self.key_results_

    @classmethod
    def of(cls, objective_id: UUID, details: analysis.NodeDetails,
           owners: analysis.Directory | None) -> TreeObjective:
        return cls(
            title=details.title, description=details.description, level=details.level,
            kind=details.kind, status=details.status, visibility=details.visibility,
            own_score=display(details.own_score),
            graded_score=display(details.graded_score), band=details.band,
            final_score=display(details.final_score),
            grade_override=display(details.grade_override),
            supporter_count=len(details.supporters),
            last_check_in_at=details.last_check_in_at,
            owner_team_id=details.owner_team_id, owner_person_id=details.owner_person_id,
            owners=owners,
            key_results_=[
                TreeKeyResult(
                    id=relay.GlobalID("KeyResult", composite_id(objective_id, kr.id)),
                    title=kr.title, metric_type=kr.metric_type, start=kr.start,
                    target=kr.target, current=kr.current, unit=kr.unit, weight=kr.weight,
                    progress=display(kr.progress), score=display(kr.score),
                    check_in_count=kr.check_in_count,
                    last_check_in_at=kr.last_check_in_at)
                for kr in details.key_results])


@strawberry.type(description="One objective in the alignment tree (depth-first order). "
                             "The tree holds only objectives you may see.")
class TreeNode:
    id: relay.GlobalID = strawberry.field(description="The objective's ID.")
    parent_id: relay.GlobalID | None = strawberry.field(
        description="The objective it is aligned to (null: none, or one you may not see).")
    depth: int
    placement: analysis.Placement
    hidden: bool = strawberry.field(default=False, deprecation_reason=NOT_LISTED)
    rolled_up_score: float = strawberry.field(
        description="Its score per the roll-up rule, over the objectives you may see: what "
                    "it contributes to its parent.")
    child_ids: list[relay.GlobalID]
    more_children: bool = strawberry.field(description="The depth limit cut some children.")
    objective: TreeObjective

    @classmethod
    def of(cls, node: analysis.TreeNode, owners: analysis.Directory | None = None) -> TreeNode:
        """``owners``: the people and teams the tree was drawn with, so that owners are
        not loaded again per node."""
        return cls(id=_objective_id(node.objective_id),
                   parent_id=_objective_id(node.parent_id) if node.parent_id else None,
                   depth=node.depth, placement=node.placement,
                   rolled_up_score=display(node.rolled_up_score),
                   child_ids=[_objective_id(c) for c in node.child_ids],
                   more_children=node.more_children,
                   objective=TreeObjective.of(node.objective_id, node.details, owners))


@strawberry.type
class TeamCoverage:
    team_id: relay.GlobalID
    total: int
    aligned: int
    share: float | None

    @strawberry.field
    async def team(self, info: Info) -> Team | None:
        return await team_of(info, UUID(hex=self.team_id.node_id))


@strawberry.type(description="Share of team and individual objectives that are aligned "
                             "(among those you may see).")
class Coverage:
    total: int
    aligned: int
    share: float | None
    by_team: list[TeamCoverage]

    @classmethod
    def of(cls, coverage: analysis.Coverage) -> Coverage:
        return cls(total=coverage.total, aligned=coverage.aligned, share=coverage.share,
                   by_team=[TeamCoverage(team_id=global_id("Team", t.team_id), total=t.total,
                                         aligned=t.aligned, share=t.share)
                            for t in coverage.by_team])


@strawberry.type
class AlignmentTree:
    cycle_key: str
    roll_up: values.RollUp
    position: int = strawberry.field(description="The read-model position it reflects.")
    nodes: list[TreeNode]
    root_ids: list[relay.GlobalID]
    orphan_ids: list[relay.GlobalID] = strawberry.field(
        description="Team and individual objectives aligned to nothing.")
    hidden_count: int = hidden_count_field()
    coverage: Coverage
    as_of: datetime | None = as_of_field()
    scoring: ScoringPolicy | None = scoring_field()


@strawberry.type
class PathStep:
    objective_id: relay.GlobalID
    hidden: bool = strawberry.field(default=False, deprecation_reason=NOT_LISTED)
    level: values.Level
    title: str


@strawberry.type(description="From an objective up to the company objective it serves, "
                             "through objectives you may see: it ends (UNKNOWN_PARENT) below "
                             "one you may not.")
class AlignmentPath:
    steps: list[PathStep]
    end: analysis.PathEnd
    serves_company: bool
