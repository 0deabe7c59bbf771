"""alignmentTree, stretchAnalysis and okrHealth "as of" a moment and/or re-scored under
another policy (for analysts and admins).

As of a moment, the cycle's rows, the organization's people, teams and policy all come
from the replay (the history cache). Without a moment, a re-scoring reads the live rows.
Nothing stored changes either way.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction
from typing import TypeVar
from uuid import UUID

from strawberry import relay

from okr_api.errors import ApiError
from okr_api.graphql import analysis_types as types
from okr_api.graphql.asof import (
    cycle_as_of,
    moment,
    require_history,
    require_travel,
    rescoring,
)
from okr_api.graphql.base import Info, context, global_id
from okr_api.graphql.policy_types import PolicyInput, ScoringPolicy
from okr_domain import clock
from okr_domain.errors import InvalidInput
from okr_domain.scoring import display
from okr_domain.values import OkrPolicy
from projections import analysis
from projections.analysis import clock as analysis_clock
from projections.catalog.rows import CycleRow, KeyResultRow, ObjectiveRow

TREND_CYCLES = 4
RESULTS_KEY = "asof_results"
MAX_RESULTS = 32
T = TypeVar("T")


@dataclass(frozen=True)
class Rows:
    cycle: CycleRow
    policy: OkrPolicy
    objectives: Sequence[ObjectiveRow]
    key_results: Sequence[KeyResultRow]
    directory: analysis.Directory
    viewer: analysis.Viewer
    position: int
    as_of: datetime | None
    state_key: Hashable | None = None
    """Names the replayed rows when they are kept in the history cache (None: live rows,
    or a moment too recent to keep)."""

    def result_key(self, *parts: Hashable) -> Hashable | None:
        """A key for a result computed from these rows and ``parts`` alone (None: do not
        keep it). Every moment the kept rows hold for shares it."""
        if self.state_key is None:
            return None
        viewer = analysis.Viewer.admin() if self.viewer.is_admin else self.viewer
        return (self.state_key, viewer, *parts)


async def rows_for(info: Info, key: str, as_of: datetime | None,
                   min_position: int | None, known_at: datetime | None = None, *,
                   root: UUID | None = None) -> Rows:
    """The rows an answer reads; with ``root`` (an alignment tree's root objective, no
    team filter) as of a moment, those of that subtree may be all there is."""
    viewer = analysis.Viewer.from_actor(context(info).principal.actor)
    if as_of is not None:
        state = await cycle_as_of(info, key, as_of, known_at, root=root)
        assert state.cycle is not None
        assert state.organization is not None
        return Rows(state.cycle, state.organization.policy, state.objectives,
                    state.key_results, state.directory, viewer, state.position,
                    moment(as_of), state.key if state.valid_until is not None else None)
    from okr_api.graphql.analysis_queries import load_cycle

    data = await load_cycle(info, key, min_position)
    return Rows(data.cycle, data.policy, data.objectives, data.key_results,
                data.directory, viewer, data.position, None)


def _check(info: Info, as_of: datetime | None, policy: PolicyInput | None) -> None:
    if as_of is not None:
        require_travel(info)
    if policy is not None:
        require_history(info, "policy")


def _domain(error: InvalidInput) -> ApiError:
    return ApiError(error.code.value, error.message)


def _gid(type_name: str, value: UUID | None) -> relay.GlobalID | None:
    return global_id(type_name, value) if value else None


async def kept(info: Info, key: Hashable | None, compute: Callable[[], T]) -> T:
    """``compute()`` in a worker thread, its result kept by ``key`` (when there is one):
    repeated questions about the same cycle and moment are answered from here."""
    results = context(info).services.extras.setdefault(RESULTS_KEY, OrderedDict())
    if key is not None and key in results:
        results.move_to_end(key)
        found: T = results[key]
        return found
    value = await asyncio.to_thread(compute)
    if key is not None:
        results[key] = value
        while len(results) > MAX_RESULTS:
            results.popitem(last=False)
    return value


def _now(rows: Rows) -> datetime:
    return rows.as_of or clock.now()


async def alignment_tree(info: Info, key: str, view: analysis.TreeView,
                         as_of: datetime | None, policy: PolicyInput | None,
                         min_position: int | None,
                         known_at: datetime | None = None) -> types.AlignmentTree:
    _check(info, as_of, policy)
    root = view.root_objective_id if view.team_id is None else None
    rows = await rows_for(info, key, as_of, min_position, known_at, root=root)
    rules, options, scoring = rescoring(rows.policy, policy)
    # The tree reads the moment only as the cycle's elapsed share (whole days).
    elapsed = analysis_clock.elapsed_share(rows.cycle, _now(rows))
    tree = await kept(info, rows.result_key("tree", view, rules, options, elapsed),
                      lambda: _tree(rows, view, rules, options, scoring, elapsed))
    return dataclasses.replace(tree, as_of=rows.as_of)


def _tree(rows: Rows, view: analysis.TreeView, rules: OkrPolicy,
          options: analysis.ScoringOptions, scoring: ScoringPolicy | None,
          elapsed: Fraction) -> types.AlignmentTree:
    try:
        tree = analysis.alignment_tree(rows.cycle.id, rows.objectives, rows.key_results,
                                       rows.directory, rows.viewer, rules, view, options,
                                       elapsed=elapsed)
    except InvalidInput as error:
        raise _domain(error) from None
    return types.AlignmentTree(
        cycle_key=rows.cycle.key, roll_up=tree.roll_up, position=rows.position,
        nodes=[types.TreeNode.of(n, rows.directory) for n in tree.nodes],
        root_ids=[global_id("Objective", i) for i in tree.root_ids],
        orphan_ids=[global_id("Objective", i) for i in tree.orphan_ids],
        coverage=types.Coverage.of(tree.coverage),
        as_of=rows.as_of, scoring=scoring)


async def stretch_analysis(info: Info, key: str, scope: analysis.Scope,
                           as_of: datetime | None, policy: PolicyInput | None,
                           min_position: int | None,
                           known_at: datetime | None = None) -> types.StretchAnalysis:
    _check(info, as_of, policy)
    rows = await rows_for(info, key, as_of, min_position, known_at)
    rules, options, scoring = rescoring(rows.policy, policy)

    def compute() -> analysis.StretchAnalysis:
        return analysis.stretch_analysis(rows.cycle, rows.objectives, rows.key_results,
                                         rows.directory, rows.viewer, rules, _now(rows),
                                         scope, options)

    try:
        # The analysis reads the moment only as the cycle's elapsed whole days.
        elapsed = analysis_clock.elapsed_days(rows.cycle, _now(rows))
        result = await kept(info, rows.result_key("stretch", scope, rules, options, elapsed),
                            compute)
        # Earlier cycles are read as they are now: not kept.
        trends = await _trends(info, rows, scope, rules, options)
    except InvalidInput as error:
        raise _domain(error) from None
    return stretch_type(rows.cycle.key, rows.position, result, trends, as_of=rows.as_of,
                        scoring=scoring)


def stretch_type(cycle_key: str, position: int, result: analysis.StretchAnalysis,
                 trends: list[types.AmbitionTrend], *, as_of: datetime | None = None,
                 scoring: ScoringPolicy | None = None) -> types.StretchAnalysis:
    """The GraphQL object of a stretch analysis (live, as of a moment or re-scored)."""
    pace = result.pace
    return types.StretchAnalysis(
        cycle_key=cycle_key, position=position, final_grades=result.final_grades,
        aspirational_count=result.aspirational_count, mean=display(result.mean),
        median=display(result.median),
        distance_from_target=display(result.distance_from_target),
        histogram=[types.HistogramBucket(lower=b.lower, upper=b.upper, count=b.count)
                   for b in result.histogram],
        bands=[types.BandCount(band=b.band, count=b.count, share=b.share)
               for b in result.bands],
        committed_count=result.committed_count, committed_met=result.committed_met,
        committed_hit_rate=result.committed_hit_rate,
        pace=None if pace is None else types.Pace(
            elapsed_fraction=pace.elapsed_fraction, tolerance=pace.tolerance,
            aspirational_expected=display(pace.aspirational_expected),
            aspirational_mean=display(pace.aspirational_mean),
            committed_expected=display(pace.committed_expected),
            committed_mean=display(pace.committed_mean),
            behind=[types.BehindPace(objective_id=global_id("Objective", b.objective_id),
                                     kind=b.kind, score=display(b.score),
                                     expected=display(b.expected), gap=display(b.gap))
                    for b in pace.behind]),
        trends=trends, as_of=as_of, scoring=scoring)


async def _trends(info: Info, rows: Rows, scope: analysis.Scope, policy: OkrPolicy,
                  options: analysis.ScoringOptions) -> list[types.AmbitionTrend]:
    """Ambition across the cycles up to this one: this cycle as of the moment, the
    earlier ones (closed by then, as a rule) as they are now."""
    ctx = context(info)
    org_id = ctx.principal.organization_id
    read_model = ctx.services.read_model
    cycles = sorted((c for c in await read_model.cycles(org_id)
                     if c.starts_on <= rows.cycle.starts_on and c.id != rows.cycle.id),
                    key=lambda c: (c.starts_on, c.key))[-(TREND_CYCLES - 1):]
    objectives = list(rows.objectives)
    key_results = list(rows.key_results)
    for cycle in cycles:
        objectives += await read_model.cycle_objectives(org_id, cycle.id)
        key_results += await read_model.cycle_key_results(org_id, cycle.id)
    cycles.append(rows.cycle)
    trends = analysis.ambition_trends(cycles, objectives, key_results, rows.directory,
                                      rows.viewer, policy, scope, options)
    keys = {c.id: c.key for c in cycles}
    ordered = sorted((*trends.people, *trends.teams), key=lambda t: not t.flags)
    return [types.AmbitionTrend(
        owner_kind=t.owner_kind,
        owner_id=global_id("Person" if t.owner_kind is analysis.OwnerKind.PERSON else "Team",
                           t.owner_id),
        points=[types.TrendPoint(cycle_key=keys[p.cycle_id], count=p.count,
                                 mean=display(p.mean), band=p.band) for p in t.points],
        flags=list(t.flags)) for t in ordered]


async def okr_health(info: Info, key: str, scope: analysis.Scope,
                     as_of: datetime, known_at: datetime | None = None) -> types.OkrHealth:
    _check(info, as_of, None)
    rows = await rows_for(info, key, as_of, None, known_at)

    def compute() -> analysis.HealthReport:
        return analysis.okr_health(rows.cycle, rows.objectives, rows.key_results,
                                   rows.directory, rows.viewer, rows.policy, _now(rows), scope)

    try:
        report = await kept(info, rows.result_key("health", scope, _now(rows)), compute)
    except InvalidInput as error:
        raise _domain(error) from None

    return types.OkrHealth(
        cycle_key=rows.cycle.key, position=rows.position,
        checked_count=report.checked_count,
        findings=[types.HealthFinding(
            rule=f.rule, severity=f.severity, message=f.message,
            objective_id=_gid("Objective", f.objective_id),
            owner_team_id=_gid("Team", f.owner_team_id),
            owner_person_id=_gid("Person", f.owner_person_id), value=f.value)
            for f in report.findings],
        counts=[types.HealthRuleCount(rule=c.rule, severity=c.severity, count=c.count)
                for c in report.counts],
        as_of=rows.as_of)
