"""The readers over the memory store (and over in-memory "as of" replays)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar
from uuid import UUID

from okr_domain.values import ProposalStatus
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
from projections.indexes.event_index import EVENT_INDEX
from projections.reading.feed_rows import FeedQuery, FeedRows, feed_rows_of
from projections.reading.objective_filter import objective_predicate
from projections.reading.queries import (
    MAX_EVENT_PAGE,
    EventFilter,
    EventPage,
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
from projections.stores.memory import MemoryStore
from projections.tables import Table

R = TypeVar("R")


def clone(row: R) -> R:
    copy: R = dataclasses.replace(row)  # type: ignore[type-var]
    if isinstance(copy, ObjectiveRow):
        copy.supporters = list(copy.supporters)
    return copy


class MemoryReader:
    def __init__(self, store: MemoryStore, name: str) -> None:
        self.store = store
        self.name = name

    def _select(self, table: Table[R], keep: Callable[[R], bool],
                key: Callable[[R], Any]) -> list[R]:
        with self.store.lock:
            view = self.store.view(self.name)
            rows = [clone(r) for r in view.all(table) if keep(r)] if view else []
        return sorted(rows, key=key)

    def position(self) -> int:
        return self.store.position_of(self.name)

    def wait_for_position(self, position: int, timeout: float) -> bool:
        return self.store.wait_for(self.name, position, timeout)

    def close(self) -> None:
        pass


def _in(ids: Iterable[UUID]) -> Callable[[Any], bool]:
    wanted = set(ids)
    return lambda r: r.id in wanted


class MemoryCatalogReader(MemoryReader):
    def __init__(self, store: MemoryStore) -> None:
        super().__init__(store, "catalog")

    def _of(self, table: Table[R], org: UUID, keep: Callable[[R], bool],
            key: Callable[[R], Any]) -> list[R]:
        return self._select(table, lambda r: r.organization_id == org and keep(r), key)  # type: ignore[attr-defined]

    def organization(self, org: UUID) -> OrganizationRow | None:
        rows = self._select(ORGANIZATIONS, lambda r: r.id == org, lambda r: r.id)
        return rows[0] if rows else None

    def cycles(self, org: UUID) -> list[CycleRow]:
        return self._of(CYCLES, org, lambda r: True, lambda r: (r.starts_on, r.key))

    def cycle(self, org: UUID, *, cycle_id: UUID | None = None,
              key: str | None = None) -> CycleRow | None:
        rows = self._of(CYCLES, org, lambda r: (cycle_id is None or r.id == cycle_id)
                        and (key is None or r.key == key), lambda r: r.id)
        return rows[0] if rows else None

    def cycles_by_ids(self, org: UUID, ids: Sequence[UUID]) -> list[CycleRow]:
        return self._of(CYCLES, org, _in(ids), lambda r: r.id)

    def teams(self, org: UUID) -> list[TeamRow]:
        return self._of(TEAMS, org, lambda r: True, lambda r: (r.name, r.id))

    def people(self, org: UUID, *, team_id: UUID | None = None,
               manager_id: UUID | None = None) -> list[PersonRow]:
        return self._of(PEOPLE, org, lambda r: (team_id is None or r.team_id == team_id)
                        and (manager_id is None or r.manager_id == manager_id),
                        lambda r: (r.name, r.id))

    def people_by_ids(self, org: UUID, ids: Sequence[UUID]) -> list[PersonRow]:
        return self._of(PEOPLE, org, _in(ids), lambda r: r.id)

    def teams_by_ids(self, org: UUID, ids: Sequence[UUID]) -> list[TeamRow]:
        return self._of(TEAMS, org, _in(ids), lambda r: r.id)

    def people_page(self, org: UUID, *, team_id: UUID | None = None, text: str | None = None,
                    first: int = 20, after: str | None = None) -> Page[PersonRow]:
        check_first(first)
        needle = text.lower() if text else None
        rows = self._of(PEOPLE, org, lambda r: (team_id is None or r.team_id == team_id)
                        and (needle is None or needle in r.name.lower()),
                        lambda r: (r.name, r.id))
        total = len(rows)
        if after is not None:
            name, id_ = person_after(after)
            rows = [r for r in rows if (r.name, r.id) > (name, id_)]
        return page_of(rows[:first + 1], first, total, person_cursor)

    def viewer_scope(self, org: UUID, person_id: UUID) -> ViewerScope:
        return viewer_scope_of(org, person_id, self.teams(org), self.people(org))

    def objectives_by_ids(self, org: UUID, ids: Sequence[UUID]) -> list[ObjectiveRow]:
        return self._of(OBJECTIVES, org, _in(ids), lambda r: r.id)

    def cycle_objectives(self, org: UUID, cycle_id: UUID) -> list[ObjectiveRow]:
        return self._of(OBJECTIVES, org, lambda r: r.cycle_id == cycle_id,
                        lambda r: r.created_position)

    def children_of(self, org: UUID, parent_ids: Sequence[UUID]) -> list[ObjectiveRow]:
        parents = set(parent_ids)
        return self._of(OBJECTIVES, org, lambda r: r.parent_id in parents,
                        lambda r: r.created_position)

    def objectives_page(self, org: UUID, where: ObjectiveFilter | None = None,
                        scope: ViewerScope | None = None, *, first: int = 20,
                        after: str | None = None, order: ObjectiveOrder = ObjectiveOrder.CREATED,
                        descending: bool = False) -> Page[ObjectiveRow]:
        check_first(first)
        keep = objective_predicate(where or ObjectiveFilter(), scope, self.teams(org))

        def sort_key(r: ObjectiveRow) -> Any:
            return r.created_position if order is ObjectiveOrder.CREATED else r.id

        rows = self._of(OBJECTIVES, org, keep, sort_key)
        if descending:
            rows.reverse()
        total = len(rows)
        if after is not None:
            mark = objective_after(after, order)
            rows = [r for r in rows if (sort_key(r) < mark if descending else sort_key(r) > mark)]
        return page_of(rows[:first + 1], first, total, lambda r: objective_cursor(r, order))

    def key_results_of(self, org: UUID, objective_ids: Sequence[UUID]) -> list[KeyResultRow]:
        ids = set(objective_ids)
        return self._of(KEY_RESULTS, org, lambda r: r.objective_id in ids,
                        lambda r: (r.objective_id, r.sort_index))

    def key_results_by_ids(self, org: UUID, ids: Sequence[UUID]) -> list[KeyResultRow]:
        return self._of(KEY_RESULTS, org, _in(ids), lambda r: r.id)

    def cycle_key_results(self, org: UUID, cycle_id: UUID) -> list[KeyResultRow]:
        return self._of(KEY_RESULTS, org, lambda r: r.cycle_id == cycle_id,
                        lambda r: (r.objective_id, r.sort_index))

    def check_ins(self, org: UUID, *, key_result_id: UUID | None = None,
                  objective_id: UUID | None = None) -> list[CheckInRow]:
        return self._of(CHECK_INS, org, lambda r: (
            key_result_id is None or r.key_result_id == key_result_id) and (
            objective_id is None or r.objective_id == objective_id),
            lambda r: (r.applies_at, r.sequence, r.id))

    def check_ins_page(self, org: UUID, key_result_id: UUID, *, first: int = 20,
                       after: str | None = None) -> Page[CheckInRow]:
        check_first(first)
        rows = self.check_ins(org, key_result_id=key_result_id)
        total = len(rows)
        if after is not None:
            mark = check_in_after(after)
            rows = [r for r in rows if (r.applies_at, r.sequence) > mark]
        return page_of(rows[:first + 1], first, total, check_in_cursor)

    def check_ins_by_ids(self, org: UUID, ids: Sequence[UUID]) -> list[CheckInRow]:
        return self._of(CHECK_INS, org, _in(ids), lambda r: r.id)

    def check_ins_of(self, org: UUID, key_result_ids: Sequence[UUID]) -> list[CheckInRow]:
        wanted = set(key_result_ids)
        return self._of(CHECK_INS, org, lambda r: r.key_result_id in wanted,
                        lambda r: (r.key_result_id, r.applies_at, r.sequence, r.id))

    def cycle_check_ins(self, org: UUID, cycle_id: UUID) -> list[CheckInRow]:
        return self._of(CHECK_INS, org, lambda r: r.cycle_id == cycle_id,
                        lambda r: (r.applies_at, r.sequence, r.id))

    def proposals(self, org: UUID, *, objective_id: UUID | None = None,
                  status: ProposalStatus | None = None) -> list[ProposalRow]:
        return self._of(PROPOSALS, org, lambda r: (
            objective_id is None or objective_id in (r.child_id, r.parent_id)) and (
            status is None or r.status is status), lambda r: (r.created_at, r.id))

    def proposals_of(self, org: UUID, objective_ids: Sequence[UUID]) -> list[ProposalRow]:
        ids = set(objective_ids)
        return self._of(PROPOSALS, org, lambda r: r.child_id in ids or r.parent_id in ids,
                        lambda r: (r.created_at, r.id))

    def proposals_by_ids(self, org: UUID, ids: Sequence[UUID]) -> list[ProposalRow]:
        return self._of(PROPOSALS, org, _in(ids), lambda r: r.id)

    def feed_rows(self, org: UUID, query: FeedQuery) -> FeedRows:
        objectives = self.objectives_by_ids(org, list(query.objective_ids))
        owner_people = {o.owner_person_id for o in objectives if o.owner_person_id} | set(
            query.owner_person_ids)
        people = self.people_by_ids(org, list(owner_people | set(query.person_ids)))
        wanted = {o.owner_team_id for o in objectives if o.owner_team_id} | set(
            query.owner_team_ids) | {p.team_id for p in people
                                     if p.team_id and p.id in owner_people}
        teams: list[TeamRow] = []
        while wanted:
            found = self.teams_by_ids(org, list(wanted))
            teams += found
            known = {t.id for t in teams}
            wanted = {t.parent_team_id for t in found
                      if t.parent_team_id and t.parent_team_id not in known}
        return feed_rows_of(objectives, self.key_results_by_ids(org, list(query.key_result_ids)),
                            self.check_ins_by_ids(org, list(query.check_in_ids)), people, teams)


class MemoryEventIndexReader(MemoryReader):
    def __init__(self, store: MemoryStore) -> None:
        super().__init__(store, "event_index")

    def events(self, org: UUID, where: EventFilter | None = None, *,
               after: int | None = None, first: int = 100) -> EventPage:
        check_first(first, MAX_EVENT_PAGE)
        w = where or EventFilter()
        types = set(w.event_types)
        rows = self._select(EVENT_INDEX, lambda r: (
            r.organization_id == org
            and (w.cycle_id is None or r.cycle_id == w.cycle_id)
            and (w.aggregate_id is None or r.aggregate_id == w.aggregate_id)
            and (not types or r.event_type in types)
            and (w.since is None or r.occurred_at >= w.since)
            and (w.until is None or r.occurred_at < w.until)
            and (after is None or r.position > after)), lambda r: r.position)
        shown = rows[:first]
        return EventPage(shown, len(rows) > first, shown[-1].position if shown else None)
