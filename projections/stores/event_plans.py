"""The event index reader's query (see ``plans``)."""

from __future__ import annotations

from uuid import UUID

from projections.indexes.event_index import EVENT_INDEX
from projections.reading.queries import MAX_EVENT_PAGE, EventFilter, EventPage, check_first
from projections.stores.catalog_plans import both, org_is
from projections.stores.dialect import Params
from projections.stores.plans import Plan, Plans
from projections.tables import ColumnKind


class EventIndexPlans(Plans):
    def events(self, org: UUID, where: EventFilter | None = None, *,
               after: int | None = None, first: int = 100) -> Plan[EventPage]:
        check_first(first, MAX_EVENT_PAGE)
        w = where or EventFilter()
        t = ColumnKind.TIMESTAMP
        u = ColumnKind.UUID
        conditions = [org_is(org)]
        if w.cycle_id is not None:
            conditions.append(lambda p: f"cycle_id = {p(w.cycle_id, u)}")
        if w.aggregate_id is not None:
            conditions.append(lambda p: f"aggregate_id = {p(w.aggregate_id, u)}")
        if w.event_types:
            conditions.append(lambda p: p.one_of("event_type", w.event_types,
                                                 ColumnKind.TEXT))
        if w.since is not None:
            conditions.append(lambda p: f"occurred_at >= {p(w.since, t)}")
        if w.until is not None:
            conditions.append(lambda p: f"occurred_at < {p(w.until, t)}")
        if after is not None:
            conditions.append(lambda p: f"position > {p(after)}")

        def where_(p: Params) -> str:
            return both(*conditions)(p)

        rows = yield from self.select(EVENT_INDEX, where_, "position", first + 1)
        shown = rows[:first]
        return EventPage(shown, len(rows) > first, shown[-1].position if shown else None)
