"""The synchronous readers over SQL (SQLite, and PostgreSQL through psycopg).

Each method runs the plan of the same name and signature (``catalog_plans``,
``event_plans``): the plans implement the reader interface, these readers fetch.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Concatenate, Generic, ParamSpec, TypeVar

from projections.reading.waiting import wait_for_position
from projections.stores.catalog_plans import CatalogPlans
from projections.stores.dialect import Dialect
from projections.stores.event_plans import EventIndexPlans
from projections.stores.plans import Plan, Plans, Query, Rows, run_plan

P = ParamSpec("P")
T = TypeVar("T")
PL = TypeVar("PL", bound=Plans)


class PlanReader(Generic[PL]):
    def __init__(self, name: str, plans: PL, fetch: Callable[[Query], Rows],
                 close: Callable[[], None]) -> None:
        self._name = name
        self.plans = plans
        self.fetch = fetch
        self._close = close

    def position(self) -> int:
        return run_plan(self.plans.position(self._name), self.fetch)

    def wait_for_position(self, position: int, timeout: float) -> bool:
        return wait_for_position(self.position, position, timeout)

    def close(self) -> None:
        self._close()


def planned(method: Callable[Concatenate[PL, P], Plan[T]]
            ) -> Callable[Concatenate[PlanReader[PL], P], T]:
    """The reader method that runs the plan ``method``."""
    def run(self: PlanReader[PL], /, *args: P.args, **kwargs: P.kwargs) -> T:
        return run_plan(method(self.plans, *args, **kwargs), self.fetch)

    run.__name__ = method.__name__
    return run


class SqlCatalogReader(PlanReader[CatalogPlans]):
    def __init__(self, dialect: Dialect, fetch: Callable[[Query], Rows],
                 close: Callable[[], None]) -> None:
        super().__init__("catalog", CatalogPlans(dialect), fetch, close)

    organization = planned(CatalogPlans.organization)
    cycles = planned(CatalogPlans.cycles)
    cycle = planned(CatalogPlans.cycle)
    cycles_by_ids = planned(CatalogPlans.cycles_by_ids)
    teams = planned(CatalogPlans.teams)
    people = planned(CatalogPlans.people)
    people_by_ids = planned(CatalogPlans.people_by_ids)
    teams_by_ids = planned(CatalogPlans.teams_by_ids)
    people_page = planned(CatalogPlans.people_page)
    viewer_scope = planned(CatalogPlans.viewer_scope)
    objectives_by_ids = planned(CatalogPlans.objectives_by_ids)
    cycle_objectives = planned(CatalogPlans.cycle_objectives)
    children_of = planned(CatalogPlans.children_of)
    objectives_page = planned(CatalogPlans.objectives_page)
    key_results_of = planned(CatalogPlans.key_results_of)
    key_results_by_ids = planned(CatalogPlans.key_results_by_ids)
    cycle_key_results = planned(CatalogPlans.cycle_key_results)
    check_ins = planned(CatalogPlans.check_ins)
    check_ins_page = planned(CatalogPlans.check_ins_page)
    check_ins_by_ids = planned(CatalogPlans.check_ins_by_ids)
    check_ins_of = planned(CatalogPlans.check_ins_of)
    cycle_check_ins = planned(CatalogPlans.cycle_check_ins)
    proposals = planned(CatalogPlans.proposals)
    proposals_of = planned(CatalogPlans.proposals_of)
    proposals_by_ids = planned(CatalogPlans.proposals_by_ids)
    feed_rows = planned(CatalogPlans.feed_rows)


class SqlEventIndexReader(PlanReader[EventIndexPlans]):
    def __init__(self, dialect: Dialect, fetch: Callable[[Query], Rows],
                 close: Callable[[], None]) -> None:
        super().__init__("event_index", EventIndexPlans(dialect), fetch, close)

    events = planned(EventIndexPlans.events)
