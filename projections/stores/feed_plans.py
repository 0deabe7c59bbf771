"""The catalog's facts for a batch of live events (``projections.reading.feed_rows``), read
as only the columns the feed names: a query per table, then one per level of teams."""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID

from projections.catalog.tables import CHECK_INS, KEY_RESULTS, OBJECTIVES, PEOPLE, TEAMS
from projections.reading.feed_rows import FeedQuery, FeedRows, ObjectiveBrief, PersonBrief, owners
from projections.stores.dialect import Params
from projections.stores.plans import Plan, Plans
from projections.tables import ColumnKind

MAX_TEAM_DEPTH = 64
U = ColumnKind.UUID


def _of(org: UUID, ids: list[UUID]) -> Callable[[Params], str]:
    def where(p: Params) -> str:
        return f"organization_id = {p(org, U)} AND {p.one_of('id', ids, U)}"
    return where


def feed_rows(plans: Plans, org: UUID, query: FeedQuery) -> Plan[FeedRows]:
    rows = FeedRows()
    if query.objective_ids:
        found = yield from plans.select_columns(OBJECTIVES, (
            "id", "level", "kind", "visibility", "owner_team_id", "owner_person_id",
            "title"), _of(org, list(query.objective_ids)), keys=("id",))
        rows.objectives = {r[0]: ObjectiveBrief(*r) for r in found}
    if query.key_result_ids:
        found = yield from plans.select_columns(
            KEY_RESULTS, ("id", "title"), _of(org, list(query.key_result_ids)),
            keys=("id",))
        rows.key_result_titles = {r[0]: r[1] for r in found}
    if query.check_in_ids:
        found = yield from plans.select_columns(
            CHECK_INS, ("id", "previous_check_in_at"), _of(org, list(query.check_in_ids)),
            keys=("id",))
        rows.previous_check_ins = {r[0]: r[1] for r in found}
    owner_people, owner_teams = owners(rows.objectives.values())
    owner_people |= set(query.owner_person_ids)
    owner_teams |= set(query.owner_team_ids)
    people = owner_people | set(query.person_ids)
    if people:
        found = yield from plans.select_columns(
            PEOPLE, ("id", "team_id", "external_id"), _of(org, list(people)),
            keys=("id",))
        rows.people = {r[0]: PersonBrief(*r) for r in found}
    wanted = owner_teams | {p.team_id for p in rows.people.values()
                            if p.team_id is not None and p.id in owner_people}
    for _ in range(MAX_TEAM_DEPTH):
        if not wanted:
            break
        found = yield from plans.select_columns(
            TEAMS, ("id", "parent_team_id"), _of(org, list(wanted)))
        rows.parent_teams.update((r[0], r[1]) for r in found)
        wanted = {r[1] for r in found if r[1] is not None and r[1] not in rows.parent_teams}
    return rows
