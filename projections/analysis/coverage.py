"""Alignment coverage: the share of team and individual objectives that serve a higher one."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from uuid import UUID

from okr_domain.values import Level
from projections.analysis.directory import Directory
from projections.analysis.placement import ALIGNED_PLACEMENTS, cycle_placement, needs_alignment
from projections.analysis.rows import CycleRows
from projections.catalog.rows import ObjectiveRow


def share(part: int, whole: int) -> float | None:
    """``part / whole``; None when there is nothing to divide (shown as "no data")."""
    return part / whole if whole else None


@dataclass(frozen=True)
class TeamCoverage:
    """The team's own team objectives plus its members' individual objectives."""

    team_id: UUID
    total: int
    aligned: int
    share: float | None


@dataclass(frozen=True)
class Coverage:
    total: int
    aligned: int
    share: float | None
    by_team: tuple[TeamCoverage, ...]


def coverage_team(objective: ObjectiveRow, directory: Directory) -> UUID | None:
    """The team an objective counts for: its owner team, or its owner person's team."""
    if objective.level == Level.INDIVIDUAL:
        return directory.team_of(objective.owner_person_id)
    return objective.owner_team_id


def alignment_coverage(objectives: Iterable[ObjectiveRow], rows: CycleRows,
                       directory: Directory) -> Coverage:
    """Coverage over the given live objectives of the cycle (those the viewer may see).

    Aligned means aligned to a live objective, in this cycle or an overlapping one (seen
    by the viewer or not); an objective whose parent was archived counts as not aligned.
    """
    total = aligned = 0
    per_team: dict[UUID, list[int]] = {}
    for objective in objectives:
        if not needs_alignment(objective):
            continue
        hit = int(cycle_placement(objective, rows) in ALIGNED_PLACEMENTS)
        total += 1
        aligned += hit
        team_id = coverage_team(objective, directory)
        if team_id is not None:
            counts = per_team.setdefault(team_id, [0, 0])
            counts[0] += 1
            counts[1] += hit

    def team_order(team_id: UUID) -> tuple[str, str]:
        team = directory.teams.get(team_id)
        return (team.name if team else "", team_id.hex)

    by_team = tuple(
        TeamCoverage(team_id, n, a, share(a, n))
        for team_id, (n, a) in sorted(per_team.items(), key=lambda item: team_order(item[0]))
    )
    return Coverage(total, aligned, share(aligned, total), by_team)
