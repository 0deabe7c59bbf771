"""Queries over the analyses: alignmentTree, alignmentPath, stretchAnalysis, okrHealth.

Each loads the cycle's rows from the read model once and runs the pure analysis
functions over them; the result says the read-model position it reflects.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Hashable
from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction
from typing import Annotated
from uuid import UUID

import strawberry
from strawberry import relay

from okr_api.errors import ApiError
from okr_api.graphql import analysis_types as types
from okr_api.graphql import asof_analysis
from okr_api.graphql.analysis_cache import (
    CycleInputs,
    cached_result,
    cached_result_async,
    cycle_inputs,
    viewer_key,
)
from okr_api.graphql.asof import valid_moment
from okr_api.graphql.base import Info, context, global_id, optional_uuid, uuid_of
from okr_api.graphql.hr_mode import require_results
from okr_api.graphql.policy_types import PolicyInput
from okr_api.graphql.queries import wait_for
from okr_domain import clock
from okr_domain.errors import InvalidInput
from okr_domain.scoring import display
from okr_domain.values import OkrPolicy
from projections import analysis
from projections.analysis import clock as analysis_clock
from projections.catalog.rows import CycleRow, KeyResultRow, ObjectiveRow

TREND_CYCLES = 4
MAX_TREE_DEPTH = 10
AsOf = Annotated[datetime | None, strawberry.argument(
    description="Answer as of this moment (valid time: a check-in counts from when it "
                "applies), replayed from the events (ANALYST, ADMIN or MANAGER, each within "
                "what they may see).")]
KnownAt = Annotated[datetime | None, strawberry.argument(
    description="Answer as recorded by this moment: later writes (late check-ins, "
                "corrections) left out (ANALYST, ADMIN or MANAGER). Without asOf, asOf is this "
                "moment too.")]
Rescore = Annotated[PolicyInput | None, strawberry.argument(
    description="Answer as if this scoring policy had held all cycle (ANALYST or ADMIN).")]


@dataclass(frozen=True)
class CycleData:
    cycle: CycleRow
    policy: OkrPolicy
    objectives: list[ObjectiveRow]
    key_results: list[KeyResultRow]
    directory: analysis.Directory
    viewer: analysis.Viewer
    position: int
    inputs: CycleInputs

    def key(self, *parts: Hashable) -> tuple[Hashable, ...]:
        """A result cache key: the cycle, the viewer, and what else the result depends on."""
        return (self.inputs.organization.id, self.cycle.id, viewer_key(self.viewer), *parts)


async def load_cycle(info: Info, key: str, min_position: int | None) -> CycleData:
    await wait_for(info, min_position)
    ctx = context(info)
    org_id = ctx.principal.organization_id
    position = await ctx.services.read_model.position()
    inputs = await cycle_inputs(ctx.services, org_id, key, position)
    if inputs is None:
        raise ApiError("NOT_FOUND", f"no cycle {key}")
    return CycleData(inputs.cycle, inputs.organization.policy, inputs.objectives,
                     inputs.key_results, inputs.directory,
                     analysis.Viewer.from_actor(ctx.principal.actor), position, inputs)


@strawberry.input(description="Whose objectives: the organization (default), a team "
                              "(with its sub-teams unless told otherwise) or a person.")
class ScopeInput:
    team_id: relay.GlobalID | None = None
    include_sub_teams: bool = True
    person_id: relay.GlobalID | None = None


def scope_of(given: ScopeInput | None) -> analysis.Scope:
    if given is None:
        return analysis.ORGANIZATION
    team = optional_uuid(given.team_id, "Team", field="scope.teamId")
    person = optional_uuid(given.person_id, "Person", field="scope.personId")
    if team and person:
        raise ApiError("INVALID_INPUT", "scope takes a team or a person, not both")
    if team:
        return analysis.Scope.team(team, include_sub_teams=given.include_sub_teams)
    if person:
        return analysis.Scope.person(person)
    return analysis.ORGANIZATION


def _gid(type_name: str, value: UUID | None) -> relay.GlobalID | None:
    return global_id(type_name, value) if value else None


def _now() -> datetime:
    return clock.now()


def _domain(error: InvalidInput) -> ApiError:
    return ApiError(error.code.value, error.message)


@strawberry.type
class AnalysisQuery:
    @strawberry.field(description="The cycle's alignment tree: company objectives at the "
                                  "roots, team and individual objectives below, orphans.")
    async def alignment_tree(self, info: Info, cycle: str, root_id: relay.GlobalID | None = None,
                             team_id: relay.GlobalID | None = None, depth: int | None = None,
                             min_position: int | None = None, as_of: AsOf = None,
                             policy: Rescore = None,
                             known_at: KnownAt = None) -> types.AlignmentTree:
        require_results(context(info), "scores")
        if depth is not None and not 0 <= depth <= MAX_TREE_DEPTH:
            raise ApiError("INVALID_INPUT", f"depth must be between 0 and {MAX_TREE_DEPTH}")
        if known_at is not None:
            as_of = valid_moment(as_of, known_at)
        if as_of is not None or policy is not None:
            return await asof_analysis.alignment_tree(info, cycle, analysis.TreeView(
                root_objective_id=optional_uuid(root_id, "Objective", field="rootId"),
                team_id=optional_uuid(team_id, "Team", field="teamId"), max_depth=depth),
                as_of, policy, min_position, known_at)
        data = await load_cycle(info, cycle, min_position)
        view = analysis.TreeView(
            root_objective_id=optional_uuid(root_id, "Objective", field="rootId"),
            team_id=optional_uuid(team_id, "Team", field="teamId"), max_depth=depth)
        # The tree reads the clock only as the cycle's elapsed share (whole days).
        elapsed = analysis_clock.elapsed_share(data.cycle, _now())
        return await cached_result(context(info).services, data.position,
                                   data.key("tree", view, elapsed),
                                   lambda: _tree(data, view, elapsed))

    @strawberry.field(description="The path from an objective up to the company objective.")
    async def alignment_path(self, info: Info, objective_id: relay.GlobalID,
                             min_position: int | None = None) -> types.AlignmentPath | None:
        require_results(context(info), "scores")
        await wait_for(info, min_position)
        ctx = context(info)
        start = uuid_of(objective_id, "Objective", field="objectiveId")
        loader = ctx.loaders.objective
        rows: dict[UUID, ObjectiveRow] = {}
        current: UUID | None = start
        while current is not None and current not in rows and len(rows) < 64:
            row = await loader.load(current)
            if row is None:
                break
            rows[current] = row
            current = row.parent_id
        if start not in rows:
            return None
        directory = analysis.Directory.build(
            await ctx.services.read_model.people(ctx.principal.organization_id),
            (await ctx.loaders.teams()).values())
        viewer = analysis.Viewer.from_actor(ctx.principal.actor)
        if not analysis.can_see(directory, viewer, rows[start]):
            return None
        path = analysis.alignment_path(start, rows.values(), directory, viewer)
        return types.AlignmentPath(
            steps=[types.PathStep(objective_id=global_id("Objective", s.objective_id),
                                  level=s.level, title=s.title)
                   for s in path.steps],
            end=path.end, serves_company=path.serves_company)

    @strawberry.field(description="The 70% stretch analysis of a cycle for a scope.")
    async def stretch_analysis(self, info: Info, cycle: str, scope: ScopeInput | None = None,
                               min_position: int | None = None, as_of: AsOf = None,
                               policy: Rescore = None,
                               known_at: KnownAt = None) -> types.StretchAnalysis:
        require_results(context(info), "scores")
        if known_at is not None:
            as_of = valid_moment(as_of, known_at)
        if as_of is not None or policy is not None:
            return await asof_analysis.stretch_analysis(info, cycle, scope_of(scope), as_of,
                                                        policy, min_position, known_at)
        data = await load_cycle(info, cycle, min_position)
        chosen = scope_of(scope)
        services = context(info).services
        # The analysis reads the clock only as the cycle's elapsed fraction (whole days).
        now = _now()
        elapsed = analysis_clock.elapsed_fraction(data.cycle, now)
        stretch = await cached_result(services, data.position,
                                      data.key("stretch", chosen, elapsed),
                                      lambda: _stretch(data, chosen, now))
        trends = await cached_result_async(services, data.position,
                                           data.key("trends", chosen),
                                           lambda: _trends(info, data, chosen))
        return dataclasses.replace(stretch, trends=trends)

    @strawberry.field(description="OKR health findings of a cycle for a scope.")
    async def okr_health(self, info: Info, cycle: str, scope: ScopeInput | None = None,
                         min_position: int | None = None, as_of: AsOf = None,
                         known_at: KnownAt = None) -> types.OkrHealth:
        require_results(context(info), "the health report")
        if known_at is not None:
            as_of = valid_moment(as_of, known_at)
        if as_of is not None:
            return await asof_analysis.okr_health(info, cycle, scope_of(scope), as_of,
                                                  known_at)
        data = await load_cycle(info, cycle, min_position)
        try:
            report = analysis.okr_health(data.cycle, data.objectives, data.key_results,
                                         data.directory, data.viewer, data.policy, _now(),
                                         scope_of(scope))
        except InvalidInput as error:
            raise _domain(error) from None
        return types.OkrHealth(
            cycle_key=data.cycle.key, position=data.position,
            checked_count=report.checked_count,
            findings=[types.HealthFinding(
                rule=f.rule, severity=f.severity, message=f.message,
                objective_id=_gid("Objective", f.objective_id),
                owner_team_id=_gid("Team", f.owner_team_id),
                owner_person_id=_gid("Person", f.owner_person_id), value=f.value)
                for f in report.findings],
            counts=[types.HealthRuleCount(rule=c.rule, severity=c.severity, count=c.count)
                    for c in report.counts])


def _tree(data: CycleData, view: analysis.TreeView,
          elapsed: Fraction) -> types.AlignmentTree:
    try:
        tree = analysis.alignment_tree(data.cycle.id, data.objectives, data.key_results,
                                       data.directory, data.viewer, data.policy, view,
                                       elapsed=elapsed)
    except InvalidInput as error:
        raise _domain(error) from None
    return types.AlignmentTree(
        cycle_key=data.cycle.key, roll_up=tree.roll_up, position=data.position,
        nodes=[types.TreeNode.of(n, data.directory) for n in tree.nodes],
        root_ids=[global_id("Objective", i) for i in tree.root_ids],
        orphan_ids=[global_id("Objective", i) for i in tree.orphan_ids],
        coverage=types.Coverage.of(tree.coverage))


def _stretch(data: CycleData, chosen: analysis.Scope, now: datetime) -> types.StretchAnalysis:
    """The analysis without its trends (they are added per request)."""
    try:
        result = analysis.stretch_analysis(
            data.cycle, data.objectives, data.key_results, data.directory, data.viewer,
            data.policy, now, chosen)
    except InvalidInput as error:
        raise _domain(error) from None
    return asof_analysis.stretch_type(data.cycle.key, data.position, result, [])


async def _trends(info: Info, data: CycleData,
                  scope: analysis.Scope) -> list[types.AmbitionTrend]:
    """Ambition across the cycles up to this one (at most ``TREND_CYCLES``)."""
    ctx = context(info)
    org_id = ctx.principal.organization_id
    read_model = ctx.services.read_model
    cycles = sorted((c for c in await read_model.cycles(org_id)
                     if c.starts_on <= data.cycle.starts_on),
                    key=lambda c: (c.starts_on, c.key))[-TREND_CYCLES:]
    objectives: list[ObjectiveRow] = []
    key_results: list[KeyResultRow] = []
    for cycle in cycles:
        if cycle.id == data.cycle.id:
            objectives += data.objectives
            key_results += data.key_results
        else:
            objectives += await read_model.cycle_objectives(org_id, cycle.id)
            key_results += await read_model.cycle_key_results(org_id, cycle.id)
    trends = analysis.ambition_trends(cycles, objectives, key_results, data.directory,
                                      data.viewer, data.policy, scope)
    keys = {c.id: c.key for c in cycles}
    ordered = sorted((*trends.people, *trends.teams), key=lambda t: not t.flags)
    return [types.AmbitionTrend(
        owner_kind=t.owner_kind,
        owner_id=global_id("Person" if t.owner_kind is analysis.OwnerKind.PERSON else "Team",
                           t.owner_id),
        points=[types.TrendPoint(cycle_key=keys[p.cycle_id], count=p.count,
                                 mean=display(p.mean), band=p.band) for p in t.points],
        flags=list(t.flags)) for t in ordered]
