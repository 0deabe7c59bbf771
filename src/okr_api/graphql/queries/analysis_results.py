"""The GraphQL objects of the analyses (alignment tree, stretch analysis with its ambition
trends, OKR health) built from their results, live, as of a moment or re-scored alike."""

from __future__ import annotations

from uuid import UUID

from strawberry import relay

from okr_api.errors import ApiError
from okr_api.graphql.base import Info, context, global_id
from okr_api.graphql.queries.analysis_rows import Rows
from okr_api.graphql.types import analysis as results
from okr_api.graphql.types import analysis_tree as tree_types
from okr_api.graphql.types.policy import ScoringPolicy
from okr_domain.errors import InvalidInput
from okr_domain.scoring import display
from okr_domain.values import OkrPolicy
from projections import analysis
from projections.catalog.rows import KeyResultRow, ObjectiveRow

TREND_CYCLES = 4
"""Ambition trends cover this many cycles, up to the one asked about."""


def domain_error(error: InvalidInput) -> ApiError:
    return ApiError(error.code.value, error.message)


def _gid(type_name: str, value: UUID | None) -> relay.GlobalID | None:
    return global_id(type_name, value) if value else None


def tree_type(rows: Rows, tree: analysis.AlignmentTree,
              scoring: ScoringPolicy | None) -> tree_types.AlignmentTree:
    return tree_types.AlignmentTree(
        cycle_key=rows.cycle.key, roll_up=tree.roll_up, position=rows.position,
        nodes=[tree_types.TreeNode.of(n, rows.directory) for n in tree.nodes],
        root_ids=[global_id("Objective", i) for i in tree.root_ids],
        orphan_ids=[global_id("Objective", i) for i in tree.orphan_ids],
        coverage=tree_types.Coverage.of(tree.coverage),
        as_of=rows.as_of, scoring=scoring)


def stretch_type(rows: Rows, result: analysis.StretchAnalysis,
                 trends: list[results.AmbitionTrend],
                 scoring: ScoringPolicy | None) -> results.StretchAnalysis:
    pace = result.pace
    return results.StretchAnalysis(
        cycle_key=rows.cycle.key, position=rows.position, final_grades=result.final_grades,
        aspirational_count=result.aspirational_count, mean=display(result.mean),
        median=display(result.median),
        distance_from_target=display(result.distance_from_target),
        histogram=[results.HistogramBucket(lower=b.lower, upper=b.upper, count=b.count)
                   for b in result.histogram],
        bands=[results.BandCount(band=b.band, count=b.count, share=b.share)
               for b in result.bands],
        committed_count=result.committed_count, committed_met=result.committed_met,
        committed_hit_rate=result.committed_hit_rate,
        pace=None if pace is None else results.Pace(
            elapsed_fraction=pace.elapsed_fraction, tolerance=pace.tolerance,
            aspirational_expected=display(pace.aspirational_expected),
            aspirational_mean=display(pace.aspirational_mean),
            committed_expected=display(pace.committed_expected),
            committed_mean=display(pace.committed_mean),
            behind=[results.BehindPace(objective_id=global_id("Objective", b.objective_id),
                                       kind=b.kind, score=display(b.score),
                                       expected=display(b.expected), gap=display(b.gap))
                    for b in pace.behind]),
        trends=trends, as_of=rows.as_of, scoring=scoring)


async def trends(info: Info, rows: Rows, scope: analysis.Scope, policy: OkrPolicy,
                 options: analysis.ScoringOptions) -> list[results.AmbitionTrend]:
    """Ambition across the cycles up to this one (at most ``TREND_CYCLES``): this cycle
    as the rows have it, the earlier ones (closed by then, as a rule) as they are now."""
    ctx = context(info)
    org_id = ctx.principal.organization_id
    read_model = ctx.services.read_model
    cycles = sorted((c for c in await read_model.cycles(org_id)
                     if c.starts_on <= rows.cycle.starts_on and c.id != rows.cycle.id),
                    key=lambda c: (c.starts_on, c.key))[-(TREND_CYCLES - 1):]
    objectives: list[ObjectiveRow] = list(rows.objectives)
    key_results: list[KeyResultRow] = list(rows.key_results)
    for cycle in cycles:
        objectives += await read_model.cycle_objectives(org_id, cycle.id)
        key_results += await read_model.cycle_key_results(org_id, cycle.id)
    cycles.append(rows.cycle)
    found = analysis.ambition_trends(cycles, objectives, key_results, rows.directory,
                                     rows.viewer, policy, scope, options)
    keys = {c.id: c.key for c in cycles}
    ordered = sorted((*found.people, *found.teams), key=lambda t: not t.flags)
    return [results.AmbitionTrend(
        owner_kind=t.owner_kind,
        owner_id=global_id("Person" if t.owner_kind is analysis.OwnerKind.PERSON else "Team",
                           t.owner_id),
        points=[results.TrendPoint(cycle_key=keys[p.cycle_id], count=p.count,
                                   mean=display(p.mean), band=p.band) for p in t.points],
        flags=list(t.flags)) for t in ordered]


def health_type(rows: Rows, report: analysis.HealthReport) -> results.OkrHealth:
    return results.OkrHealth(
        cycle_key=rows.cycle.key, position=rows.position,
        checked_count=report.checked_count,
        findings=[results.HealthFinding(
            rule=f.rule, severity=f.severity, message=f.message,
            objective_id=_gid("Objective", f.objective_id),
            owner_team_id=_gid("Team", f.owner_team_id),
            owner_person_id=_gid("Person", f.owner_person_id), value=f.value)
            for f in report.findings],
        counts=[results.HealthRuleCount(rule=c.rule, severity=c.severity, count=c.count)
                for c in report.counts],
        as_of=rows.as_of)
