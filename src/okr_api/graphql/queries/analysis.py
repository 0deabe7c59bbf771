"""Queries over the analyses: alignmentTree, alignmentPath, stretchAnalysis, okrHealth.

Each reads the cycle's rows once, live or as of a moment (see
``okr_api.graphql.queries.analysis_rows``), runs the pure analysis functions over them,
under the organization's rules or another policy, and says the read-model position (and
moment) the answer reflects.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from uuid import UUID

import strawberry
from strawberry import relay

from okr_api.errors import ApiError
from okr_api.graphql.asof import require_history, require_travel, rescoring, valid_moment
from okr_api.graphql.base import Info, context, global_id, optional_uuid, uuid_of
from okr_api.graphql.hr_mode import require_results
from okr_api.graphql.queries.analysis_inputs import AsOf, KnownAt, Rescore, ScopeInput, scope_of
from okr_api.graphql.queries.analysis_results import (
    domain_error,
    health_type,
    stretch_type,
    tree_type,
    trends,
)
from okr_api.graphql.queries.analysis_rows import computed, computed_async, kept, rows_for
from okr_api.graphql.read_your_writes import wait_for
from okr_api.graphql.types import analysis as results
from okr_api.graphql.types import analysis_tree as tree_types
from okr_api.graphql.types.policy import PolicyInput
from okr_domain.errors import InvalidInput
from projections import analysis
from projections.analysis import clock as analysis_clock
from projections.catalog.rows import ObjectiveRow

MAX_TREE_DEPTH = 10


def _moment(as_of: datetime | None, known_at: datetime | None) -> datetime | None:
    return valid_moment(as_of, known_at) if known_at is not None else as_of


def _check(info: Info, as_of: datetime | None, policy: PolicyInput | None) -> None:
    if as_of is not None:
        require_travel(info)
    if policy is not None:
        require_history(info, "policy")


@strawberry.type
class AnalysisQuery:
    @strawberry.field(description="The cycle's alignment tree: company objectives at the "
                                  "roots, team and individual objectives below, orphans.")
    async def alignment_tree(self, info: Info, cycle: str, root_id: relay.GlobalID | None = None,
                             team_id: relay.GlobalID | None = None, depth: int | None = None,
                             min_position: int | None = None, as_of: AsOf = None,
                             policy: Rescore = None,
                             known_at: KnownAt = None) -> tree_types.AlignmentTree:
        require_results(context(info), "scores")
        if depth is not None and not 0 <= depth <= MAX_TREE_DEPTH:
            raise ApiError("INVALID_INPUT", f"depth must be between 0 and {MAX_TREE_DEPTH}")
        as_of = _moment(as_of, known_at)
        view = analysis.TreeView(
            root_objective_id=optional_uuid(root_id, "Objective", field="rootId"),
            team_id=optional_uuid(team_id, "Team", field="teamId"), max_depth=depth)
        _check(info, as_of, policy)
        root = view.root_objective_id if view.team_id is None else None
        rows = await rows_for(info, cycle, as_of, min_position, known_at, root=root)
        rules, options, scoring = rescoring(rows.policy, policy)
        # The tree reads the moment only as the cycle's elapsed share (whole days).
        elapsed = analysis_clock.elapsed_share(rows.cycle, rows.now)

        def compute() -> tree_types.AlignmentTree:
            try:
                tree = analysis.alignment_tree(
                    rows.cycle.id, rows.objectives, rows.key_results, rows.directory,
                    rows.viewer, rules, view, options, elapsed=elapsed)
            except InvalidInput as error:
                raise domain_error(error) from None
            return tree_type(rows, tree, scoring)

        tree = await computed(info, rows, policy is not None,
                              ("tree", view, rules, options, elapsed), compute)
        return dataclasses.replace(tree, as_of=rows.as_of)

    @strawberry.field(description="The path from an objective up to the company objective.")
    async def alignment_path(self, info: Info, objective_id: relay.GlobalID,
                             min_position: int | None = None) -> tree_types.AlignmentPath | None:
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
        return tree_types.AlignmentPath(
            steps=[tree_types.PathStep(objective_id=global_id("Objective", s.objective_id),
                                       level=s.level, title=s.title)
                   for s in path.steps],
            end=path.end, serves_company=path.serves_company)

    @strawberry.field(description="The 70% stretch analysis of a cycle for a scope.")
    async def stretch_analysis(self, info: Info, cycle: str, scope: ScopeInput | None = None,
                               min_position: int | None = None, as_of: AsOf = None,
                               policy: Rescore = None,
                               known_at: KnownAt = None) -> results.StretchAnalysis:
        require_results(context(info), "scores")
        as_of = _moment(as_of, known_at)
        chosen = scope_of(scope)
        _check(info, as_of, policy)
        rows = await rows_for(info, cycle, as_of, min_position, known_at)
        rules, options, scoring = rescoring(rows.policy, policy)
        now = rows.now

        def compute() -> results.StretchAnalysis:
            # The answer is built once per kept result (the objectives behind pace may
            # be thousands); a repeated question adds only its trends and its moment.
            return stretch_type(rows, analysis.stretch_analysis(
                rows.cycle, rows.objectives, rows.key_results, rows.directory, rows.viewer,
                rules, now, chosen, options), [], scoring)

        try:
            # The analysis reads the moment only as the cycle's elapsed whole days.
            elapsed = analysis_clock.elapsed_days(rows.cycle, now)
            built = await computed(info, rows, policy is not None,
                                   ("stretch", chosen, rules, options, elapsed), compute)
            # Earlier cycles are read as they are now.
            found = await computed_async(info, rows, policy is not None,
                                         ("trends", chosen, rules, options),
                                         lambda: trends(info, rows, chosen, rules, options))
        except InvalidInput as error:
            raise domain_error(error) from None
        return dataclasses.replace(built, trends=found, position=rows.position,
                                   as_of=rows.as_of, scoring=scoring)

    @strawberry.field(description="OKR health findings of a cycle for a scope.")
    async def okr_health(self, info: Info, cycle: str, scope: ScopeInput | None = None,
                         min_position: int | None = None, as_of: AsOf = None,
                         known_at: KnownAt = None) -> results.OkrHealth:
        require_results(context(info), "the health report")
        as_of = _moment(as_of, known_at)
        chosen = scope_of(scope)
        _check(info, as_of, None)
        rows = await rows_for(info, cycle, as_of, min_position, known_at)
        now = rows.now

        def compute() -> analysis.HealthReport:
            return analysis.okr_health(rows.cycle, rows.objectives, rows.key_results,
                                       rows.directory, rows.viewer, rows.policy, now, chosen)

        try:
            report = await kept(info, rows.result_key("health", chosen, now), compute)
        except InvalidInput as error:
            raise domain_error(error) from None
        return health_type(rows, report)
