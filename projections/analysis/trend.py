"""Ambition across cycles: the mean aspirational score of each person and team per cycle.

A person's points come from their individual objectives; a team's from the objectives
the team owns (team objectives, and company objectives for the company team). Cycles go
in calendar order. An owner is flagged TOO_SAFE when its mean is at or above the
``too_safe`` edge in two consecutive cycles, LOW when below the ``low`` edge in two
consecutive cycles; a cycle without aspirational objectives breaks the run. Scores and
visibility are as in the stretch analysis; bands and flags are decided on the exact means
(the means reported are floats).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction
from itertools import pairwise
from uuid import UUID

from okr_domain.scoring import exact_edges, stretch_band
from okr_domain.values import Band, BandEdges, Kind, Level, OkrPolicy
from projections.analysis.directory import Directory
from projections.analysis.options import NORMAL_RULES, ScoringOptions
from projections.analysis.scope import ORGANIZATION, Scope
from projections.analysis.scores import score_cycle
from projections.analysis.selection import select
from projections.analysis.stats import mean_of, reported
from projections.analysis.visibility import Viewer, visible_rows
from projections.catalog.rows import CycleRow, KeyResultRow, ObjectiveRow


class OwnerKind(StrEnum):
    PERSON = "PERSON"
    TEAM = "TEAM"


class TrendFlag(StrEnum):
    TOO_SAFE = "TOO_SAFE"
    LOW = "LOW"


@dataclass(frozen=True)
class TrendPoint:
    """``mean`` and ``band`` are None in a cycle without aspirational objectives."""

    cycle_id: UUID
    count: int
    mean: float | None
    band: Band | None


@dataclass(frozen=True)
class AmbitionTrend:
    owner_kind: OwnerKind
    owner_id: UUID
    points: tuple[TrendPoint, ...]
    flags: tuple[TrendFlag, ...]


@dataclass(frozen=True)
class AmbitionTrends:
    """People and teams ordered by name; each has one point per cycle, in cycle order."""

    cycle_ids: tuple[UUID, ...]
    people: tuple[AmbitionTrend, ...]
    teams: tuple[AmbitionTrend, ...]

    @property
    def flagged(self) -> tuple[AmbitionTrend, ...]:
        return tuple(t for t in (*self.people, *self.teams) if t.flags)


def cycle_order(cycle: CycleRow) -> tuple[object, ...]:
    return (cycle.starts_on, cycle.ends_on, cycle.key)


def ambition_trends(
    cycles: Iterable[CycleRow],
    objectives: Iterable[ObjectiveRow],
    key_results: Iterable[KeyResultRow],
    directory: Directory,
    viewer: Viewer,
    policy: OkrPolicy,
    scope: Scope = ORGANIZATION,
    options: ScoringOptions = NORMAL_RULES,
) -> AmbitionTrends:
    ordered = sorted(cycles, key=cycle_order)
    objectives_by_cycle: defaultdict[UUID, list[ObjectiveRow]] = defaultdict(list)
    for objective in objectives:
        objectives_by_cycle[objective.cycle_id].append(objective)
    krs_by_cycle: defaultdict[UUID, list[KeyResultRow]] = defaultdict(list)
    for kr in key_results:
        krs_by_cycle[kr.cycle_id].append(kr)

    # (kind, owner) -> cycle index -> aspirational scores
    scores_by_owner: defaultdict[tuple[OwnerKind, UUID], defaultdict[int, list[Fraction]]] = (
        defaultdict(lambda: defaultdict(list)))
    for index, cycle in enumerate(ordered):
        rows = visible_rows(cycle.id, objectives_by_cycle[cycle.id], krs_by_cycle[cycle.id],
                            directory, viewer)
        scores = score_cycle(rows, policy, options)
        for objective in select(rows, directory, scope):
            owner = _owner(objective)
            if owner is not None and objective.kind == Kind.ASPIRATIONAL:
                scores_by_owner[owner][index].append(scores[objective.id].graded)

    trends = {
        owner: _trend(owner, [per_cycle.get(i, []) for i in range(len(ordered))],
                      ordered, policy.bands)
        for owner, per_cycle in scores_by_owner.items()
    }
    return AmbitionTrends(
        cycle_ids=tuple(c.id for c in ordered),
        people=_by_name(trends, OwnerKind.PERSON, directory),
        teams=_by_name(trends, OwnerKind.TEAM, directory),
    )


def _owner(objective: ObjectiveRow) -> tuple[OwnerKind, UUID] | None:
    if objective.level == Level.INDIVIDUAL:
        pid = objective.owner_person_id
        return None if pid is None else (OwnerKind.PERSON, pid)
    tid = objective.owner_team_id
    return None if tid is None else (OwnerKind.TEAM, tid)


def _trend(owner: tuple[OwnerKind, UUID], per_cycle: Sequence[list[Fraction]],
           cycles: Sequence[CycleRow], edges: BandEdges) -> AmbitionTrend:
    points = []
    means = []
    for cycle, values in zip(cycles, per_cycle, strict=True):
        mean = mean_of(values)
        means.append(mean)
        points.append(TrendPoint(cycle.id, len(values), reported(mean),
                                 None if mean is None else stretch_band(mean, edges)))
    flags = []
    low, _, _, too_safe = exact_edges(edges)
    if _twice_running(means, lambda m: m >= too_safe):
        flags.append(TrendFlag.TOO_SAFE)
    if _twice_running(means, lambda m: m < low):
        flags.append(TrendFlag.LOW)
    return AmbitionTrend(owner[0], owner[1], tuple(points), tuple(flags))


def _twice_running(means: Sequence[Fraction | None],
                   test: Callable[[Fraction], bool]) -> bool:
    return any(a is not None and b is not None and test(a) and test(b)
               for a, b in pairwise(means))


def _by_name(trends: dict[tuple[OwnerKind, UUID], AmbitionTrend], kind: OwnerKind,
             directory: Directory) -> tuple[AmbitionTrend, ...]:
    def name(owner_id: UUID) -> str:
        row = (directory.people.get(owner_id) if kind is OwnerKind.PERSON
               else directory.teams.get(owner_id))
        return row.name if row is not None else ""

    chosen = [t for (k, _), t in trends.items() if k is kind]
    return tuple(sorted(chosen, key=lambda t: (name(t.owner_id), t.owner_id.hex)))
