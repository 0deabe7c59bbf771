"""History queries for analysts and admins: ``events``, ``objective(id, asOf)``,
``changes`` and ``cycleTimeline`` (``Objective.history`` is built in
``okr_api.graphql.types.okr``).

Everything "as of" a moment is replayed from the events (see ``projections.replay.asof``);
results say the position (and moment) they reflect.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import strawberry
from strawberry import relay

from okr_api.errors import ApiError
from okr_api.graphql.asof import (
    history_of,
    known,
    moment,
    require_history,
    require_travel,
    valid_moment,
)
from okr_api.graphql.base import Info, can_see, context, first_of, optional_uuid, uuid_of
from okr_api.graphql.event_fields import event_after, event_cursor, event_data
from okr_api.graphql.hr_mode import require_results
from okr_api.graphql.queries.analysis_inputs import KnownAt, ScopeInput, scope_of
from okr_api.graphql.queries.history_changes import cycle_changes
from okr_api.graphql.queries.history_events import (
    EventCount,
    EventQuery,
    count_events,
    list_events,
    time_range,
)
from okr_api.graphql.queries.history_timeline import cycle_timeline
from okr_api.graphql.read_your_writes import MIN_POSITION_WAIT_SECONDS
from okr_api.graphql.types import history as types
from okr_api.graphql.types.okr import Objective
from okr_api.graphql.types.policy import PolicyInput
from okr_api.history.past import CyclePast
from okr_api.history.payloads import aggregate_type
from okr_domain import clock, ids
from projections.analysis import timeline
from projections.reading.queries import EventFilter
from projections.reading.viewer_scope import sub_teams


@strawberry.input(description="Which events: every condition given applies.")
class EventFilterInput:
    cycle: str | None = strawberry.field(default=None, description="A cycle key: its events.")
    since: datetime | None = strawberry.field(default=None, description="Recorded at or after.")
    until: datetime | None = strawberry.field(default=None, description="Recorded before.")
    types: list[str] | None = strawberry.field(
        default=None, description="Event types, like okr.Objective.CheckInRecorded.")
    objective_id: relay.GlobalID | None = strawberry.field(
        default=None, description="That objective's events.")
    team_id: relay.GlobalID | None = strawberry.field(
        default=None, description="Events of the team and its sub-teams, their people, and "
                                  "the objectives they own.")
    actor_id: relay.GlobalID | None = strawberry.field(
        default=None, description="Events caused by this person.")


async def _event_query(info: Info, given: EventFilterInput | None) -> EventQuery:
    if given is None:
        return EventQuery(EventFilter())
    ctx = context(info)
    org_id = ctx.principal.organization_id
    time_range(given.since, given.until)
    where = EventFilter(
        cycle_id=ids.cycle_id(org_id, given.cycle) if given.cycle else None,
        aggregate_id=optional_uuid(given.objective_id, "Objective", field="filter.objectiveId"),
        event_types=tuple(given.types or ()),
        since=moment(given.since) if given.since else None,
        until=moment(given.until) if given.until else None)
    team = optional_uuid(given.team_id, "Team", field="filter.teamId")
    actor = optional_uuid(given.actor_id, "Person", field="filter.actorId")
    if team is None:
        return EventQuery(where, actor)
    teams = frozenset(sub_teams(await ctx.services.read_model.teams(org_id), team))
    if team not in teams:
        raise ApiError("NOT_FOUND", "filter.teamId does not name a team", field="filter.teamId")
    people = await ctx.services.read_model.people(org_id)
    members = frozenset(p.id for p in people if p.team_id in teams)
    return EventQuery(where, actor, teams, members)


def _wants(info: Info, name: str) -> bool:
    """Does the selection ask for a field called ``name`` anywhere below?"""
    pending: list[Any] = list(info.selected_fields)
    while pending:
        field = pending.pop()
        if getattr(field, "name", None) == name:
            return True
        pending.extend(getattr(field, "selections", ()) or ())
    return False


@strawberry.type
class HistoryQuery:
    @strawberry.field(description="An objective, now or as it was at asOf (asOf and knownAt "
                                  "need the ANALYST, ADMIN or MANAGER role). Null when you "
                                  "may not see it or it did not exist yet.")
    async def objective(self, info: Info, id: relay.GlobalID,
                        as_of: datetime | None = None,
                        known_at: KnownAt = None) -> Objective | None:
        require_results(context(info), "past states")
        if known_at is not None:
            as_of = valid_moment(as_of, known_at)
        if as_of is None:
            return (await Objective.load_nodes(info, [id.node_id]))[0] \
                if id.type_name == "Objective" else None
        require_travel(info)
        ctx = context(info)
        objective_id = uuid_of(id, "Objective", field="id")
        live = await ctx.loaders.objective.load(objective_id)
        if live is None or not await can_see(ctx, live):
            return None
        # The objective's subtree (with its parents) is all its fields read of the past.
        state = await history_of(info).subtree_at(ctx.principal.organization_id,
                                                  live.cycle_id, objective_id, moment(as_of),
                                                  known(known_at))
        row = state.objective(objective_id)
        return None if row is None else Objective(row=row, past=CyclePast(state, moment(as_of)))

    @strawberry.field(description="Stored events in position order, from the event index "
                                  "(ANALYST or ADMIN).")
    async def events(self, info: Info, filter: EventFilterInput | None = None,
                     first: int | None = None, after: str | None = None,
                     min_position: int | None = None) -> types.HistoryEventConnection:
        require_results(context(info), "event payloads")
        require_history(info, "events")
        query = await _event_query(info, filter)
        reader = await history_of(info).event_index()
        if min_position is not None and not await reader.wait_for_position(
                min_position, MIN_POSITION_WAIT_SECONDS):
            raise ApiError("NOT_YET", f"the event index has not reached position "
                                      f"{min_position} yet; retry shortly")
        position = await reader.position()
        listed = await list_events(info, query, first_of(first), event_after(after))
        counted = (await count_events(info, query)
                   if _wants(info, "totalCount") or _wants(info, "totalCountPrecision")
                   else EventCount(0, False))
        cycles = {c.id: c.key for c in await context(info).services.read_model.cycles(
            context(info).principal.organization_id)}
        events = (await history_of(info).events_of([e.row for e in listed.events])
                  if _wants(info, "data") else {})
        nodes = []
        for item in listed.events:
            row = item.row
            event = events.get(row.position)
            nodes.append(types.HistoryEvent(
                position=row.position, occurred_at=row.occurred_at, type=row.event_type,
                aggregate_type=aggregate_type(row.event_type), aggregate_id=str(row.aggregate_id),
                aggregate_version=row.aggregate_version,
                cycle_key=cycles.get(row.cycle_id) if row.cycle_id else None,
                actor_id=types.person_gid(row.actor_id),
                data=event_data(event),
                objective_row=item.objective))
        edges = [types.HistoryEventEdge(cursor=event_cursor(n.position), node=n) for n in nodes]
        return types.HistoryEventConnection(
            edges=edges, nodes=nodes, position=position, total_count=counted.count,
            total_count_precision=(types.CountPrecision.EXACT if counted.exact
                                   else types.CountPrecision.AT_LEAST),
            page_info=relay.PageInfo(
                has_next_page=listed.has_next_page, has_previous_page=False,
                start_cursor=edges[0].cursor if edges else None,
                end_cursor=(event_cursor(listed.end_position)
                            if listed.end_position is not None else None)))

    @strawberry.field(description="What was created, archived, re-aligned, re-weighted and "
                                  "re-scored in a cycle between two moments (ANALYST or ADMIN).")
    async def changes(self, info: Info, cycle: str,
                      from_: Annotated[datetime, strawberry.argument(name="from")],
                      to: datetime | None = None,
                      known_at: KnownAt = None) -> types.CycleChanges:
        require_results(context(info), "score changes")
        require_history(info, "changes")
        return await cycle_changes(info, cycle, moment(from_),
                                   moment(to or clock.now()), known(known_at))

    @strawberry.field(description="A cycle's evolution step by step (ANALYST or ADMIN): the "
                                  "score distribution, band shares, mean, check-ins and "
                                  "alignment coverage at the end of each step, replayed once.")
    async def cycle_timeline(self, info: Info, cycle: str,
                             every: timeline.Interval = timeline.Interval.WEEK,
                             until: datetime | None = None, scope: ScopeInput | None = None,
                             policy: PolicyInput | None = None,
                             known_at: KnownAt = None) -> types.CycleTimeline:
        require_results(context(info), "score timelines")
        require_history(info, "cycleTimeline")
        return await cycle_timeline(info, cycle, every, moment(until or clock.now()),
                                    scope_of(scope), policy, known(known_at))
