"""The core root query fields: the viewer, the organization, cycles, teams, people,
objectives and key results, and any node by its global ID."""

from __future__ import annotations

import strawberry
from strawberry import relay

from okr_api.errors import ApiError
from okr_api.graphql.base import (
    Info,
    context,
    first_of,
    optional_uuid,
    search_text,
    uuid_of,
)
from okr_api.graphql.queries import one_on_one
from okr_api.graphql.read_your_writes import wait_for
from okr_api.graphql.types.connections import Connection
from okr_api.graphql.types.okr import KeyResult, Objective
from okr_api.graphql.types.org import Cycle, Organization, Person, Team
from okr_api.graphql.types.practice import CheckInDue
from okr_api.request_loaders import ObjectiveFilter, ViewerScope
from okr_domain import values


@strawberry.type(description="Who is calling.")
class Viewer:
    subject: str
    roles: list[values.Role]
    person: Person | None
    organization: Organization

    @strawberry.field(description="People whose manager the viewer is.")
    async def reports(self, info: Info) -> list[Person]:
        return await one_on_one.reports_of(context(info))

    @strawberry.field(description=(
        "Key results of the viewer's ACTIVE objectives (and its teams', as their lead) "
        "whose check-in is due at the organization's cadence, the longest overdue first."))
    async def check_ins_due(self, info: Info) -> list[CheckInDue]:
        return await one_on_one.check_ins_due(context(info))


@strawberry.input(description="Narrow a list of objectives; all given conditions apply.")
class ObjectiveFilterInput:
    cycle_id: relay.GlobalID | None = None
    cycle_key: str | None = None
    team_id: relay.GlobalID | None = None
    include_sub_teams: bool = False
    owner_person_id: relay.GlobalID | None = None
    levels: list[values.Level] | None = None
    kinds: list[values.Kind] | None = None
    statuses: list[values.ObjectiveStatus] | None = None
    visibility: values.Visibility | None = None
    min_score: float | None = None
    max_score: float | None = None
    aligned: bool | None = strawberry.field(default=None,
                                            description="true: aligned only; false: orphans.")
    search: str | None = strawberry.field(default=None, description="Text in the title.")


async def _filter(info: Info, given: ObjectiveFilterInput | None) -> ObjectiveFilter:
    if given is None:
        return ObjectiveFilter()
    ctx = context(info)
    cycle_id = optional_uuid(given.cycle_id, "Cycle", field="filter.cycleId")
    if given.cycle_key is not None:
        cycles = await ctx.services.read_model.cycles(ctx.principal.organization_id)
        match = [c for c in cycles if c.key == given.cycle_key]
        if not match:
            raise ApiError("NOT_FOUND", f"no cycle {given.cycle_key}")
        cycle_id = match[0].id
    text = search_text(given.search, field="filter.search")
    return ObjectiveFilter(
        cycle_id=cycle_id,
        team_id=optional_uuid(given.team_id, "Team", field="filter.teamId"),
        include_sub_teams=given.include_sub_teams,
        owner_person_id=optional_uuid(given.owner_person_id, "Person",
                                      field="filter.ownerPersonId"),
        levels=tuple(given.levels or ()), kinds=tuple(given.kinds or ()),
        statuses=tuple(given.statuses or ()), visibility=given.visibility,
        min_score=given.min_score, max_score=given.max_score, aligned=given.aligned,
        text=text,
    )


async def viewer_scope(info: Info) -> ViewerScope | None:
    """None for admins (they see everything); otherwise whose private OKRs they see."""
    ctx = context(info)
    if ctx.principal.has(values.Role.ADMIN):
        return None
    person_id = ctx.principal.actor.person_id
    if person_id is None:
        return ViewerScope()
    return await ctx.loaders.scope(person_id)


@strawberry.type
class Query:
    node: relay.Node | None = relay.node()
    nodes: list[relay.Node | None] = relay.node()

    @strawberry.field
    async def viewer(self, info: Info) -> Viewer:
        ctx = context(info)
        org = await ctx.services.read_model.organization(ctx.principal.organization_id)
        if org is None:
            raise ApiError("NOT_FOUND", "the organization is not known here (yet)")
        person_id = ctx.principal.actor.person_id
        person = await ctx.loaders.person.load(person_id) if person_id else None
        return Viewer(subject=ctx.principal.subject, roles=sorted(ctx.principal.actor.roles),
                      person=Person(row=person) if person else None,
                      organization=Organization(row=org))

    @strawberry.field
    async def organization(self, info: Info) -> Organization | None:
        ctx = context(info)
        org = await ctx.services.read_model.organization(ctx.principal.organization_id)
        return Organization(row=org) if org else None

    @strawberry.field(description="Global position the read models have reached.")
    async def position(self, info: Info) -> int:
        return await context(info).services.read_model.position()

    @strawberry.field
    async def cycles(self, info: Info) -> list[Cycle]:
        ctx = context(info)
        rows = await ctx.services.read_model.cycles(ctx.principal.organization_id)
        return [Cycle(row=r) for r in sorted(rows, key=lambda r: (r.starts_on, r.key))]

    @strawberry.field
    async def cycle(self, info: Info, key: str) -> Cycle | None:
        ctx = context(info)
        rows = await ctx.services.read_model.cycles(ctx.principal.organization_id)
        return next((Cycle(row=r) for r in rows if r.key == key), None)

    @strawberry.field
    async def teams(self, info: Info) -> list[Team]:
        teams = await context(info).loaders.teams()
        return [Team(row=t) for t in sorted(teams.values(), key=lambda t: t.name)]

    @strawberry.field
    async def team(self, info: Info, id: relay.GlobalID) -> Team | None:
        teams = await context(info).loaders.teams()
        row = teams.get(uuid_of(id, "Team", field="id"))
        return Team(row=row) if row else None

    @strawberry.field
    async def people(self, info: Info, first: int | None = None, after: str | None = None,
                     team_id: relay.GlobalID | None = None,
                     search: str | None = None) -> Connection[Person]:
        ctx = context(info)
        page = await ctx.services.read_model.people_page(
            ctx.principal.organization_id,
            team_id=optional_uuid(team_id, "Team", field="teamId"),
            text=search_text(search, field="search"), first=first_of(first), after=after)
        return Connection[Person].from_page(page, lambda r: Person(row=r))

    @strawberry.field(description="Objectives you may see, newest first, keyset-paged.")
    async def objectives(self, info: Info, filter: ObjectiveFilterInput | None = None,
                         first: int | None = None, after: str | None = None,
                         min_position: int | None = None) -> Connection[Objective]:
        await wait_for(info, min_position)
        ctx = context(info)
        page = await ctx.services.read_model.objectives_page(
            ctx.principal.organization_id, await _filter(info, filter),
            await viewer_scope(info), first=first_of(first), after=after, descending=True)
        return Connection[Objective].from_page(page, lambda r: Objective(row=r))

    @strawberry.field(description="Key results of the given objectives.")
    async def key_results(self, info: Info, objective_ids: list[relay.GlobalID],
                          min_position: int | None = None) -> list[KeyResult]:
        await wait_for(info, min_position)
        if len(objective_ids) > 100:
            raise ApiError("INVALID_INPUT", "ask for at most 100 objectives at a time")
        resolved = await Objective.load_nodes(
            info, [uuid_of(g, "Objective", field="objectiveIds").hex
                                 for g in objective_ids])
        result: list[KeyResult] = []
        for objective in resolved:
            if objective is not None:
                result.extend(await objective.held_key_results(info))
        return result
