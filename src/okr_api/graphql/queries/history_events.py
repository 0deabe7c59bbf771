"""The ``events`` listing: the event index, filtered and keyset-paged in position order.

The index filters by cycle, time range, type and aggregate; the actor and team filters
and visibility are applied here, page by page of the index, up to ``MAX_SCANNED`` index
rows per request (a page may then come back short, with a cursor to go on from).

Visibility: admins see every event. Others do not see events of objectives they may
not see, nor of proposals touching one; nor the bookkeeping events that repeat what
objectives record (the alignment graph's, the cycle roster's), nor events outside the
OKR practice (webhooks, service accounts, idempotency records).
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Sequence
from contextlib import aclosing
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from okr_api.errors import ApiError
from okr_api.graphql.asof import history_of
from okr_api.graphql.base import Info, can_see, can_see_proposal, context
from okr_api.history.payloads import OKR_AGGREGATES, aggregate_type
from okr_domain.values import Role
from projections.catalog.rows import EventIndexRow, ObjectiveRow
from projections.reading.queries import MAX_EVENT_PAGE, EventFilter

MAX_SCANNED = 20_000
BOOKKEEPING = frozenset({"okr.Cycle.ObjectiveAdded", "okr.AlignmentGraph.Created",
                         "okr.AlignmentGraph.EdgeAdded", "okr.AlignmentGraph.EdgeRemoved"})


@dataclass(frozen=True)
class EventQuery:
    where: EventFilter
    actor_id: UUID | None = None
    team_ids: frozenset[UUID] | None = None
    """A team filter: the team and its sub-teams (their own events, their people's, and
    those of objectives they or their people own)."""
    member_ids: frozenset[UUID] = frozenset()


@dataclass(frozen=True)
class Listed:
    row: EventIndexRow
    objective: ObjectiveRow | None


@dataclass(frozen=True)
class EventList:
    events: list[Listed]
    has_next_page: bool
    end_position: int | None


@dataclass(frozen=True)
class EventCount:
    count: int
    exact: bool


class _Scan:
    """Index rows after ``after`` in position order, each with what the viewer gets of it
    (None: filtered out or not visible), up to ``MAX_SCANNED`` rows; ``finished`` once
    the index has no more."""

    def __init__(self, info: Info, query: EventQuery, after: int | None) -> None:
        self.info = info
        self.query = query
        self.after = after
        self.finished = False

    async def rows(self) -> AsyncGenerator[tuple[EventIndexRow, Listed | None], None]:
        info, query = self.info, self.query
        org = context(info).principal.organization_id
        reader = await history_of(info).event_index()
        scanned = 0
        cursor = self.after
        while scanned < MAX_SCANNED:
            page = await reader.events(org, query.where, after=cursor, first=MAX_EVENT_PAGE)
            objectives = await _objectives_of(info, page.rows)
            for row in page.rows:
                objective = objectives.get(row.aggregate_id)
                kept = await _kept(info, query, row, objective)
                yield row, Listed(row, objective) if kept else None
            scanned += len(page.rows)
            if not page.has_next_page:
                self.finished = True
                return
            cursor = page.rows[-1].position


async def list_events(info: Info, query: EventQuery, first: int,
                      after: int | None) -> EventList:
    """Up to ``first`` visible events after position ``after``."""
    found: list[Listed] = []
    cursor = after
    scan = _Scan(info, query, after)
    async with aclosing(scan.rows()) as rows:
        async for row, listed in rows:
            cursor = row.position
            if listed is not None:
                found.append(listed)
                if len(found) > first:
                    return EventList(found[:first], True, found[first - 1].row.position
                                     if first else after)
    if not scan.finished:
        return EventList(found, True, cursor)
    return EventList(found, False, found[-1].row.position if found else cursor)


async def count_events(info: Info, query: EventQuery) -> EventCount:
    """How many events ``list_events`` gives over all its pages, by the same filter and
    visibility: exact when the index rows matching the filter fit in one scan
    (``MAX_SCANNED``), else those found in it, a lower bound."""
    count = 0
    scan = _Scan(info, query, None)
    async for _, listed in scan.rows():
        count += listed is not None
    return EventCount(count, scan.finished)


async def _objectives_of(info: Info, rows: Sequence[EventIndexRow]) -> dict[UUID, ObjectiveRow]:
    ids = list({r.aggregate_id for r in rows if aggregate_type(r.event_type) == "Objective"})
    if not ids:
        return {}
    ctx = context(info)
    found = await ctx.services.read_model.objectives_by_ids(ctx.principal.organization_id, ids)
    return {o.id: o for o in found}


async def _kept(info: Info, query: EventQuery, row: EventIndexRow,
                objective: ObjectiveRow | None) -> bool:
    if query.actor_id is not None and row.actor_id != query.actor_id:
        return False
    kind = aggregate_type(row.event_type)
    if query.team_ids is not None and not _in_team(query, row, kind, objective):
        return False
    ctx = context(info)
    if ctx.principal.has(Role.ADMIN):
        return True
    if kind not in OKR_AGGREGATES or row.event_type in BOOKKEEPING:
        return False
    if kind == "Objective":
        return objective is not None and await can_see(ctx, objective)
    if kind == "AlignmentProposal":
        return await _proposal_visible(info, row.aggregate_id)
    return True


def _in_team(query: EventQuery, row: EventIndexRow, kind: str,
             objective: ObjectiveRow | None) -> bool:
    assert query.team_ids is not None
    if kind == "Team":
        return row.aggregate_id in query.team_ids
    if kind == "Person":
        return row.aggregate_id in query.member_ids
    if kind == "Objective" and objective is not None:
        return (objective.owner_team_id in query.team_ids
                or objective.owner_person_id in query.member_ids)
    return False


async def _proposal_visible(info: Info, proposal_id: UUID) -> bool:
    ctx = context(info)
    proposal = await ctx.loaders.proposal.load(proposal_id)
    return proposal is not None and await can_see_proposal(ctx, proposal)


def time_range(since: datetime | None, until: datetime | None) -> None:
    for name, moment in (("since", since), ("until", until)):
        if moment is not None and moment.utcoffset() is None:
            raise ApiError("INVALID_INPUT", f"{name} needs a time zone (like ...Z)",
                           field=f"filter.{name}")
    if since is not None and until is not None and until < since:
        raise ApiError("INVALID_INPUT", "until is before since", field="filter.until")
