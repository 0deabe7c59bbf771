"""Resolvers of the practice's per-person views: check-ins due from the viewer, a
manager's reports, and the 1:1 view of a manager and a report."""

from __future__ import annotations

from uuid import UUID

from okr_api.context import Context
from okr_api.graphql.base import Info, can_see, can_see_proposal, context
from okr_api.graphql.hr_mode import engagement_withheld, results_withheld
from okr_api.graphql.types.okr import AlignmentProposal, CheckIn, KeyResult, Objective
from okr_api.graphql.types.org import Person
from okr_api.graphql.types.practice import CheckInDue, ConfidencePoint, OneOnOne
from okr_domain import clock
from okr_domain.access import manager_chain
from okr_domain.values import CycleStatus, Level, ObjectiveStatus, ProposalStatus, Role
from projections.analysis import practice
from projections.catalog.rows import CycleRow, ObjectiveRow, PersonRow, ProposalRow
from projections.reading.queries import ObjectiveFilter

PAGE = 100
MAX_OBJECTIVES = 1000
"""The most objectives of one person (or the teams it leads) one answer reads."""


async def owned_objectives(ctx: Context, person_id: UUID, cycle_id: UUID | None = None,
                           *, with_teams: bool = True) -> list[ObjectiveRow]:
    """The person's own objectives, and (``with_teams``) those of the teams it leads."""
    wheres = [ObjectiveFilter(owner_person_id=person_id, cycle_id=cycle_id,
                              levels=(Level.INDIVIDUAL,))]
    if with_teams:
        teams = await ctx.loaders.teams()
        wheres += [ObjectiveFilter(team_id=t.id, cycle_id=cycle_id, levels=(Level.TEAM,))
                   for t in teams.values() if t.lead_id == person_id]
    rows: list[ObjectiveRow] = []
    for where in wheres:
        after = None
        while len(rows) < MAX_OBJECTIVES:
            page = await ctx.services.read_model.objectives_page(
                ctx.principal.organization_id, where, None, first=PAGE, after=after)
            rows += page.rows
            if not page.has_next_page:
                break
            after = page.end_cursor
    return [r for r in rows if await can_see(ctx, r)]


async def check_ins_due(ctx: Context) -> list[CheckInDue]:
    person_id = ctx.principal.actor.person_id
    org = await ctx.services.read_model.organization(ctx.principal.organization_id)
    if person_id is None or org is None:
        return []
    objectives = [o for o in await owned_objectives(ctx, person_id)
                  if o.status is ObjectiveStatus.ACTIVE]
    if not objectives:
        return []
    cycles = {c.id: c for c in await ctx.services.read_model.cycles(org.id)}
    key_results = await ctx.services.read_model.key_results_of(
        org.id, [o.id for o in objectives])
    due = practice.check_ins_due(objectives, key_results, cycles,
                                 org.policy.check_in_cadence_days, clock.now())
    return [CheckInDue(key_result=KeyResult(row=d.key_result),
                       objective=Objective(row=d.objective), due_since=d.due_since)
            for d in due]


async def reports_of(ctx: Context) -> list[Person]:
    person_id = ctx.principal.actor.person_id
    if person_id is None:
        return []
    rows = await ctx.services.read_model.people(ctx.principal.organization_id,
                                                manager_id=person_id)
    return [Person(row=r) for r in sorted(rows, key=lambda r: (r.name, r.id.int))]


async def _cycle(ctx: Context, key: str | None) -> CycleRow | None:
    cycles = await ctx.services.read_model.cycles(ctx.principal.organization_id)
    if key is not None:
        return next((c for c in cycles if c.key == key), None)
    today = clock.now().date()
    active = sorted((c for c in cycles if c.status is CycleStatus.ACTIVE),
                    key=lambda c: (c.starts_on <= today <= c.ends_on, c.starts_on))
    return active[-1] if active else None


class _People:
    """The people of one request as the access rules' directory (manager chains)."""

    def __init__(self, people: dict[UUID, PersonRow]) -> None:
        self._people = people

    def find_person(self, person_id: UUID) -> PersonRow | None:
        return self._people.get(person_id)

    def find_team(self, team_id: UUID) -> None:
        return None


async def _may_view(ctx: Context, manager: PersonRow, report: PersonRow) -> bool:
    """The two of them, the manager's own managers, and admins."""
    if ctx.principal.has(Role.ADMIN):
        return True
    me = ctx.principal.actor.person_id
    if me is None:
        return False
    if me in (manager.id, report.id):
        return True
    people = {p.id: p for p in await ctx.services.read_model.people(
        ctx.principal.organization_id)}
    return me in manager_chain(_People(people), report.id)


async def one_on_one(info: Info, report_id: UUID, manager_id: UUID | None,
                     cycle_key: str | None) -> OneOnOne | None:
    ctx = context(info)
    report = await ctx.loaders.person.load(report_id)
    manager_id = manager_id or (report.manager_id if report else None)
    manager = await ctx.loaders.person.load(manager_id) if manager_id else None
    if report is None or manager is None or report.manager_id != manager.id:
        return None
    if not await _may_view(ctx, manager, report):
        return None
    cycle = await _cycle(ctx, cycle_key)
    if cycle is None:
        return None
    rm, org = ctx.services.read_model, ctx.principal.organization_id
    objectives = [o for o in await owned_objectives(ctx, report.id, cycle.id,
                                                    with_teams=False)
                  if o.status is not ObjectiveStatus.ARCHIVED]
    last = max((o.last_one_on_one_at for o in objectives if o.last_one_on_one_at),
               default=None)
    check_ins = await rm.check_ins_of(org, [k.id for k in await rm.key_results_of(
        org, [o.id for o in objectives])]) if objectives else []
    since = sorted((c for c in check_ins if last is None or c.recorded_at > last),
                   key=lambda c: (c.recorded_at, c.sequence, c.id.int))
    trend = practice.confidence_trend(cycle, check_ins, clock.now())
    # An HR reader (who also manages) reads the view under the HR mode like the rest.
    if results_withheld(ctx):
        trend = []
    if engagement_withheld(ctx):
        since = []
    return OneOnOne(
        manager=Person(row=manager), report=Person(row=report), cycle_key=cycle.key,
        last_one_on_one_at=last, objectives=[Objective(row=o) for o in objectives],
        check_ins_since_last_one_on_one=[CheckIn(row=c) for c in since],
        confidence_trend=[ConfidencePoint(at=p.at, confidence=float(p.confidence))
                          for p in trend],
        open_proposals=await _between(ctx, objectives, manager.id, cycle.id))


async def _between(ctx: Context, report_objectives: list[ObjectiveRow], manager_id: UUID,
                   cycle_id: UUID) -> list[AlignmentProposal]:
    mine = {o.id for o in report_objectives}
    theirs = {o.id for o in await owned_objectives(ctx, manager_id, cycle_id)}
    if not mine or not theirs:
        return []
    rows: list[ProposalRow] = await ctx.services.read_model.proposals_of(
        ctx.principal.organization_id, sorted(mine, key=lambda i: i.int))
    return [AlignmentProposal(row=r) for r in rows
            if r.status is ProposalStatus.PENDING
            and {r.child_id, r.parent_id} & mine and {r.child_id, r.parent_id} & theirs
            and await can_see_proposal(ctx, r)]
