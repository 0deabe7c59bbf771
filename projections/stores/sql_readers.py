"""The synchronous readers over SQL (SQLite, and PostgreSQL through psycopg)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar
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
from projections.reading.feed_rows import FeedQuery, FeedRows
from projections.reading.queries import (
    EventFilter,
    EventPage,
    ObjectiveFilter,
    ObjectiveOrder,
    Page,
    ViewerScope,
)
from projections.reading.waiting import wait_for_position
from projections.stores.catalog_plans import CatalogPlans
from projections.stores.dialect import Dialect
from projections.stores.event_plans import EventIndexPlans
from projections.stores.plans import Plan, Plans, Query, Rows, run_plan

T = TypeVar("T")


class PlanReader:
    def __init__(self, name: str, plans: Plans, fetch: Callable[[Query], Rows],
                 close: Callable[[], None]) -> None:
        self._name = name
        self._position_plans = plans
        self._fetch = fetch
        self._close = close

    def _run(self, plan: Plan[T]) -> T:
        return run_plan(plan, self._fetch)

    def position(self) -> int:
        return self._run(self._position_plans.position(self._name))

    def wait_for_position(self, position: int, timeout: float) -> bool:
        return wait_for_position(self.position, position, timeout)

    def close(self) -> None:
        self._close()


class SqlCatalogReader(PlanReader):
    def __init__(self, dialect: Dialect, fetch: Callable[[Query], Rows],
                 close: Callable[[], None]) -> None:
        self._plans = CatalogPlans(dialect)
        super().__init__("catalog", self._plans, fetch, close)

    def organization(self, org: UUID) -> OrganizationRow | None:
        return self._run(self._plans.organization(org))

    def cycles(self, org: UUID) -> list[CycleRow]:
        return self._run(self._plans.cycles(org))

    def cycle(self, org: UUID, *, cycle_id: UUID | None = None,
              key: str | None = None) -> CycleRow | None:
        return self._run(self._plans.cycle(org, cycle_id, key))

    def cycles_by_ids(self, org: UUID, ids: Sequence[UUID]) -> list[CycleRow]:
        return self._run(self._plans.cycles_by_ids(org, ids))

    def teams(self, org: UUID) -> list[TeamRow]:
        return self._run(self._plans.teams(org))

    def people(self, org: UUID, *, team_id: UUID | None = None,
               manager_id: UUID | None = None) -> list[PersonRow]:
        return self._run(self._plans.people(org, team_id, manager_id))

    def people_by_ids(self, org: UUID, ids: Sequence[UUID]) -> list[PersonRow]:
        return self._run(self._plans.people_by_ids(org, ids))

    def teams_by_ids(self, org: UUID, ids: Sequence[UUID]) -> list[TeamRow]:
        return self._run(self._plans.teams_by_ids(org, ids))

    def people_page(self, org: UUID, *, team_id: UUID | None = None, text: str | None = None,
                    first: int = 20, after: str | None = None) -> Page[PersonRow]:
        return self._run(self._plans.people_page(org, team_id, text, first, after))

    def viewer_scope(self, org: UUID, person_id: UUID) -> ViewerScope:
        return self._run(self._plans.viewer_scope(org, person_id))

    def objectives_by_ids(self, org: UUID, ids: Sequence[UUID]) -> list[ObjectiveRow]:
        return self._run(self._plans.objectives_by_ids(org, ids))

    def cycle_objectives(self, org: UUID, cycle_id: UUID) -> list[ObjectiveRow]:
        return self._run(self._plans.cycle_objectives(org, cycle_id))

    def children_of(self, org: UUID, parent_ids: Sequence[UUID]) -> list[ObjectiveRow]:
        return self._run(self._plans.children_of(org, parent_ids))

    def objectives_page(self, org: UUID, where: ObjectiveFilter | None = None,
                        scope: ViewerScope | None = None, *, first: int = 20,
                        after: str | None = None, order: ObjectiveOrder = ObjectiveOrder.CREATED,
                        descending: bool = False) -> Page[ObjectiveRow]:
        return self._run(self._plans.objectives_page(
            org, where or ObjectiveFilter(), scope, first, after, order, descending))

    def key_results_of(self, org: UUID, objective_ids: Sequence[UUID]) -> list[KeyResultRow]:
        return self._run(self._plans.key_results_of(org, objective_ids))

    def key_results_by_ids(self, org: UUID, ids: Sequence[UUID]) -> list[KeyResultRow]:
        return self._run(self._plans.key_results_by_ids(org, ids))

    def cycle_key_results(self, org: UUID, cycle_id: UUID) -> list[KeyResultRow]:
        return self._run(self._plans.cycle_key_results(org, cycle_id))

    def check_ins(self, org: UUID, *, key_result_id: UUID | None = None,
                  objective_id: UUID | None = None) -> list[CheckInRow]:
        return self._run(self._plans.check_ins(org, key_result_id, objective_id))

    def check_ins_page(self, org: UUID, key_result_id: UUID, *, first: int = 20,
                       after: str | None = None) -> Page[CheckInRow]:
        return self._run(self._plans.check_ins_page(org, key_result_id, first, after))

    def check_ins_by_ids(self, org: UUID, ids: Sequence[UUID]) -> list[CheckInRow]:
        return self._run(self._plans.check_ins_by_ids(org, ids))

    def check_ins_of(self, org: UUID, key_result_ids: Sequence[UUID]) -> list[CheckInRow]:
        return self._run(self._plans.check_ins_of(org, key_result_ids))

    def cycle_check_ins(self, org: UUID, cycle_id: UUID) -> list[CheckInRow]:
        return self._run(self._plans.cycle_check_ins(org, cycle_id))

    def proposals(self, org: UUID, *, objective_id: UUID | None = None,
                  status: ProposalStatus | None = None) -> list[ProposalRow]:
        return self._run(self._plans.proposals(org, objective_id, status))

    def proposals_of(self, org: UUID, objective_ids: Sequence[UUID]) -> list[ProposalRow]:
        return self._run(self._plans.proposals_of(org, objective_ids))

    def proposals_by_ids(self, org: UUID, ids: Sequence[UUID]) -> list[ProposalRow]:
        return self._run(self._plans.proposals_by_ids(org, ids))

    def feed_rows(self, org: UUID, query: FeedQuery) -> FeedRows:
        return self._run(self._plans.feed_rows(org, query))


class SqlEventIndexReader(PlanReader):
    def __init__(self, dialect: Dialect, fetch: Callable[[Query], Rows],
                 close: Callable[[], None]) -> None:
        self._plans = EventIndexPlans(dialect)
        super().__init__("event_index", self._plans, fetch, close)

    def events(self, org: UUID, where: EventFilter | None = None, *,
               after: int | None = None, first: int = 100) -> EventPage:
        return self._run(self._plans.events(org, where or EventFilter(), after, first))
