"""The catalog reader's queries (see ``plans``): one plan per method of
``projections.reading.interface.CatalogReader``, with its name and signature; the same
results as the memory reader."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from fractions import Fraction
from uuid import UUID

from okr_domain.scoring import exact
from okr_domain.values import Level, ProposalStatus, Visibility
from projections.catalog.rows import (
    CheckInRow,
    CycleRow,
    KeyResultRow,
    ObjectiveRow,
    OrganizationRow,
    PersonRow,
    ProposalRow,
    TeamRow,
)
from projections.catalog.score_keys import bound_key
from projections.catalog.tables import (
    CHECK_INS,
    CYCLES,
    KEY_RESULTS,
    OBJECTIVES,
    ORGANIZATIONS,
    PEOPLE,
    PROPOSALS,
    TEAMS,
)
from projections.reading.feed_rows import FeedQuery, FeedRows
from projections.reading.queries import (
    ObjectiveFilter,
    ObjectiveOrder,
    Page,
    ViewerScope,
    check_first,
    check_in_after,
    check_in_cursor,
    objective_after,
    objective_cursor,
    page_of,
    person_after,
    person_cursor,
)
from projections.reading.viewer_scope import viewer_scope_of
from projections.stores.dialect import Params
from projections.stores.feed_plans import feed_rows
from projections.stores.plans import Plan, Plans
from projections.tables import ColumnKind

U = ColumnKind.UUID
E = ColumnKind.ENUM
Where = Callable[[Params], str]


def both(*conditions: Where) -> Where:
    return lambda p: " AND ".join(f"({c(p)})" for c in conditions)


def org_is(org: UUID) -> Where:
    return lambda p: f"organization_id = {p(org, U)}"


def id_in(ids: Sequence[UUID], column: str = "id") -> Where:
    return lambda p: p.one_of(column, list(ids), U)


class CatalogPlans(Plans):
    def organization(self, org: UUID) -> Plan[OrganizationRow | None]:
        rows = yield from self.select(ORGANIZATIONS, lambda p: f"id = {p(org, U)}", "id")
        return rows[0] if rows else None

    def cycles(self, org: UUID) -> Plan[list[CycleRow]]:
        order = f"starts_on, key{self.d.text_collation}"
        return (yield from self.select(CYCLES, org_is(org), order))

    def cycle(self, org: UUID, *, cycle_id: UUID | None = None,
              key: str | None = None) -> Plan[CycleRow | None]:
        rows = yield from self.select(CYCLES, both(
            org_is(org),
            lambda p: "1 = 1" if cycle_id is None else f"id = {p(cycle_id, U)}",
            lambda p: "1 = 1" if key is None else f"key = {p(key)}"), "id")
        return rows[0] if rows else None

    def cycles_by_ids(self, org: UUID, ids: Sequence[UUID]) -> Plan[list[CycleRow]]:
        return (yield from self.select(CYCLES, both(org_is(org), id_in(ids)), "id"))

    def teams(self, org: UUID) -> Plan[list[TeamRow]]:
        return (yield from self.select(TEAMS, org_is(org), f"name{self.d.text_collation}, id"))

    def teams_by_ids(self, org: UUID, ids: Sequence[UUID]) -> Plan[list[TeamRow]]:
        return (yield from self.select(TEAMS, both(org_is(org), id_in(ids)), "id"))

    def people(self, org: UUID, *, team_id: UUID | None = None,
               manager_id: UUID | None = None) -> Plan[list[PersonRow]]:
        return (yield from self.select(PEOPLE, both(
            org_is(org),
            lambda p: "1 = 1" if team_id is None else f"team_id = {p(team_id, U)}",
            lambda p: "1 = 1" if manager_id is None else f"manager_id = {p(manager_id, U)}"),
            f"name{self.d.text_collation}, id"))

    def people_by_ids(self, org: UUID, ids: Sequence[UUID]) -> Plan[list[PersonRow]]:
        return (yield from self.select(PEOPLE, both(org_is(org), id_in(ids)), "id"))

    def people_page(self, org: UUID, *, team_id: UUID | None = None, text: str | None = None,
                    first: int = 20, after: str | None = None) -> Plan[Page[PersonRow]]:
        check_first(first)
        mark = person_after(after) if after is not None else None
        c = self.d.text_collation
        where = both(
            org_is(org),
            lambda p: "1 = 1" if team_id is None else f"team_id = {p(team_id, U)}",
            lambda p: "1 = 1" if not text else self.d.contains("name_search", p(text.lower())))
        keyset = where if mark is None else both(
            where, lambda p: f"name{c} > {p(mark[0])} OR (name = {p(mark[0])} "
                             f"AND id > {p(mark[1], U)})")
        rows = yield from self.select(PEOPLE, keyset, f"name{c}, id", first + 1)
        total = yield from self.count(PEOPLE, where)
        return page_of(rows, first, total, person_cursor)

    def viewer_scope(self, org: UUID, person_id: UUID) -> Plan[ViewerScope]:
        teams = yield from self.teams(org)
        people = yield from self.people(org)
        return viewer_scope_of(org, person_id, teams, people)

    def objectives_by_ids(self, org: UUID, ids: Sequence[UUID]) -> Plan[list[ObjectiveRow]]:
        return (yield from self.select(OBJECTIVES, both(org_is(org), id_in(ids)), "id"))

    def cycle_objectives(self, org: UUID, cycle_id: UUID) -> Plan[list[ObjectiveRow]]:
        return (yield from self.select(OBJECTIVES, both(
            org_is(org), lambda p: f"cycle_id = {p(cycle_id, U)}"), "created_position"))

    def children_of(self, org: UUID, parent_ids: Sequence[UUID]) -> Plan[list[ObjectiveRow]]:
        return (yield from self.select(OBJECTIVES, both(
            org_is(org), id_in(parent_ids, "parent_id")), "created_position"))

    def _filter(self, org: UUID, w: ObjectiveFilter, scope: ViewerScope | None) -> Where:
        conditions = [org_is(org)]

        def add(enabled: object, condition: Where) -> None:
            if enabled:
                conditions.append(condition)

        add(w.cycle_id, lambda p: f"cycle_id = {p(w.cycle_id, U)}")
        add(w.team_id and not w.include_sub_teams,
            lambda p: f"owner_team_id = {p(w.team_id, U)}")
        add(w.team_id and w.include_sub_teams, lambda p: (
            f"owner_team_id IN (WITH RECURSIVE sub(id) AS (SELECT id FROM {TEAMS.name} "
            f"WHERE organization_id = {p(org, U)} AND id = {p(w.team_id, U)} "
            f"UNION SELECT t.id FROM {TEAMS.name} t JOIN sub ON t.parent_team_id = sub.id "
            f"WHERE t.organization_id = {p(org, U)}) SELECT id FROM sub)"))
        add(w.owner_person_id, lambda p: f"owner_person_id = {p(w.owner_person_id, U)}")
        add(w.levels, lambda p: p.one_of("level", w.levels, E))
        add(w.kinds, lambda p: p.one_of("kind", w.kinds, E))
        add(w.statuses, lambda p: p.one_of("status", w.statuses, E))
        add(w.visibility, lambda p: f"visibility = {p(w.visibility, E)}")
        if w.min_score is not None:
            conditions.append(self._score_at_least(exact(w.min_score)))
        if w.max_score is not None:
            conditions.append(self._score_at_most(exact(w.max_score)))
        add(w.aligned is not None,
            lambda p: f"parent_id IS {'NOT ' if w.aligned else ''}NULL")
        add(w.text, lambda p: self.d.contains("title_search", p((w.text or "").lower())))
        add(w.parent_ids, id_in(w.parent_ids, "parent_id"))
        if scope is not None:
            conditions.append(lambda p: (
                f"visibility = {p(Visibility.PUBLIC, E)} OR (level = {p(Level.INDIVIDUAL, E)} "
                f"AND {p.one_of('owner_person_id', sorted(scope.person_ids), U)}) "
                f"OR (level = {p(Level.TEAM, E)} "
                f"AND {p.one_of('owner_team_id', sorted(scope.team_ids), U)})"))
        return both(*conditions)

    def _score_at_least(self, bound: Fraction) -> Where:
        """The exact score is at least ``bound`` (see ``projections.catalog.score_keys``)."""
        if bound <= 0 or bound > 1:
            return lambda p: "1 = 1" if bound <= 0 else "1 = 0"
        c = self.d.text_collation
        return lambda p: f"score_floor{c} >= {p(bound_key(bound))}"

    def _score_at_most(self, bound: Fraction) -> Where:
        if bound >= 1 or bound < 0:
            return lambda p: "1 = 1" if bound >= 1 else "1 = 0"
        c = self.d.text_collation
        return lambda p: f"score_ceil{c} <= {p(bound_key(bound))}"

    def objectives_page(self, org: UUID, where: ObjectiveFilter | None = None,
                        scope: ViewerScope | None = None, *, first: int = 20,
                        after: str | None = None, order: ObjectiveOrder = ObjectiveOrder.CREATED,
                        descending: bool = False) -> Plan[Page[ObjectiveRow]]:
        check_first(first)
        column = "created_position" if order is ObjectiveOrder.CREATED else "id"
        kind = ColumnKind.INT if order is ObjectiveOrder.CREATED else U
        condition = self._filter(org, where or ObjectiveFilter(), scope)
        keyset = condition
        if after is not None:
            mark = objective_after(after, order)
            keyset = both(condition,
                          lambda p: f"{column} {'<' if descending else '>'} {p(mark, kind)}")
        rows = yield from self.select(OBJECTIVES, keyset,
                                      f"{column}{' DESC' if descending else ''}", first + 1)
        total = yield from self.count(OBJECTIVES, condition)
        return page_of(rows, first, total, lambda r: objective_cursor(r, order))

    def key_results_of(self, org: UUID,
                       objective_ids: Sequence[UUID]) -> Plan[list[KeyResultRow]]:
        return (yield from self.select(KEY_RESULTS, both(
            org_is(org), id_in(objective_ids, "objective_id")), "objective_id, sort_index"))

    def key_results_by_ids(self, org: UUID, ids: Sequence[UUID]) -> Plan[list[KeyResultRow]]:
        return (yield from self.select(KEY_RESULTS, both(org_is(org), id_in(ids)), "id"))

    def cycle_key_results(self, org: UUID, cycle_id: UUID) -> Plan[list[KeyResultRow]]:
        return (yield from self.select(KEY_RESULTS, both(
            org_is(org), lambda p: f"cycle_id = {p(cycle_id, U)}"),
            "objective_id, sort_index"))

    def check_ins(self, org: UUID, *, key_result_id: UUID | None = None,
                  objective_id: UUID | None = None) -> Plan[list[CheckInRow]]:
        return (yield from self.select(CHECK_INS, both(
            org_is(org),
            lambda p: "1 = 1" if key_result_id is None
            else f"key_result_id = {p(key_result_id, U)}",
            lambda p: "1 = 1" if objective_id is None
            else f"objective_id = {p(objective_id, U)}"), "applies_at, sequence, id"))

    def check_ins_page(self, org: UUID, key_result_id: UUID, *, first: int = 20,
                       after: str | None = None) -> Plan[Page[CheckInRow]]:
        check_first(first)
        where = both(org_is(org), lambda p: f"key_result_id = {p(key_result_id, U)}")
        keyset = where
        if after is not None:
            at, seq = check_in_after(after)
            t = ColumnKind.TIMESTAMP
            keyset = both(where, lambda p: f"applies_at > {p(at, t)} OR (applies_at = "
                                           f"{p(at, t)} AND sequence > {p(seq)})")
        rows = yield from self.select(CHECK_INS, keyset, "applies_at, sequence", first + 1)
        total = yield from self.count(CHECK_INS, where)
        return page_of(rows, first, total, check_in_cursor)

    def check_ins_by_ids(self, org: UUID, ids: Sequence[UUID]) -> Plan[list[CheckInRow]]:
        return (yield from self.select(CHECK_INS, both(org_is(org), id_in(ids)), "id"))

    def check_ins_of(self, org: UUID,
                     key_result_ids: Sequence[UUID]) -> Plan[list[CheckInRow]]:
        return (yield from self.select(CHECK_INS, both(
            org_is(org), id_in(key_result_ids, "key_result_id")),
            "key_result_id, applies_at, sequence, id"))

    def cycle_check_ins(self, org: UUID, cycle_id: UUID) -> Plan[list[CheckInRow]]:
        return (yield from self.select(CHECK_INS, both(
            org_is(org), lambda p: f"cycle_id = {p(cycle_id, U)}"),
            "applies_at, sequence, id"))

    def proposals(self, org: UUID, *, objective_id: UUID | None = None,
                  status: ProposalStatus | None = None) -> Plan[list[ProposalRow]]:
        return (yield from self.select(PROPOSALS, both(
            org_is(org),
            lambda p: "1 = 1" if objective_id is None else
            f"child_id = {p(objective_id, U)} OR parent_id = {p(objective_id, U)}",
            lambda p: "1 = 1" if status is None else f"status = {p(status, E)}"),
            "created_at, id"))

    def proposals_of(self, org: UUID,
                     objective_ids: Sequence[UUID]) -> Plan[list[ProposalRow]]:
        ids = list(objective_ids)
        return (yield from self.select(PROPOSALS, both(
            org_is(org), lambda p: f"{p.one_of('child_id', ids, U)} OR "
                                   f"{p.one_of('parent_id', ids, U)}"),
            "created_at, id"))

    def proposals_by_ids(self, org: UUID, ids: Sequence[UUID]) -> Plan[list[ProposalRow]]:
        return (yield from self.select(PROPOSALS, both(org_is(org), id_in(ids)), "id"))

    def feed_rows(self, org: UUID, query: FeedQuery) -> Plan[FeedRows]:
        return (yield from feed_rows(self, org, query))
