"""The objective listing's filter as a predicate on rows (the memory store's query)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from okr_domain.scoring import exact
from projections.catalog.rows import ObjectiveRow, TeamRow
from projections.reading.queries import ObjectiveFilter, ViewerScope
from projections.reading.viewer_scope import sub_teams


def objective_predicate(where: ObjectiveFilter, scope: ViewerScope | None,
                        teams: Iterable[TeamRow]) -> Callable[[ObjectiveRow], bool]:
    teams_ = ({where.team_id} if where.team_id and not where.include_sub_teams
              else sub_teams(teams, where.team_id) if where.team_id else None)
    needle = where.text.lower() if where.text else None
    parents = set(where.parent_ids)
    low = None if where.min_score is None else exact(where.min_score)
    high = None if where.max_score is None else exact(where.max_score)

    def keep(r: ObjectiveRow) -> bool:
        return ((where.cycle_id is None or r.cycle_id == where.cycle_id)
                and (teams_ is None or r.owner_team_id in teams_)
                and (where.owner_person_id is None or r.owner_person_id == where.owner_person_id)
                and (not where.levels or r.level in where.levels)
                and (not where.kinds or r.kind in where.kinds)
                and (not where.statuses or r.status in where.statuses)
                and (where.visibility is None or r.visibility is where.visibility)
                and (low is None or exact(r.score) >= low)
                and (high is None or exact(r.score) <= high)
                and (where.aligned is None or (r.parent_id is not None) == where.aligned)
                and (needle is None or needle in r.title.lower())
                and (not parents or r.parent_id in parents)
                and (scope is None or scope.sees(r)))

    return keep
