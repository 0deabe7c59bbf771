"""Nodes of the organization's structure: organization, teams, people, cycles."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Self
from uuid import UUID

import strawberry

from okr_api.graphql.base import Info, context
from okr_api.graphql.dataloaders import load_all, node_uuids
from okr_api.graphql.types.node import RowNode
from okr_domain import values
from projections.catalog.rows import CycleRow, OrganizationRow, PersonRow, TeamRow


@strawberry.type(description="Where the stretch bands start (see the OKR practice).")
class BandEdges:
    low: float
    sweet_from: float
    sweet_to: float
    too_safe: float


@strawberry.type(description="An organization's OKR policy.")
class OkrPolicy:
    bands: BandEdges
    roll_up: values.RollUp
    hr_mode: values.HrMode
    check_in_cadence_days: int
    time_zone: str = strawberry.field(description=(
        "The IANA time zone the organization counts its days in (\"UTC\" by default)."))
    one_on_one_cadence_days: int = strawberry.field(description=(
        "How often each objective is expected to be checked in during a 1:1 (days)."))
    direct_alignment_by_parent_owner: bool = strawberry.field(description=(
        "Whether a parent objective's owner may align a child it controls directly, "
        "without the child owner's acceptance (admins always may)."))

    @classmethod
    def of(cls, policy: values.OkrPolicy) -> OkrPolicy:
        b = policy.bands
        return cls(bands=BandEdges(low=b.low, sweet_from=b.sweet_from, sweet_to=b.sweet_to,
                                   too_safe=b.too_safe),
                   roll_up=policy.roll_up, hr_mode=policy.hr_mode,
                   check_in_cadence_days=policy.check_in_cadence_days,
                   time_zone=policy.time_zone,
                   one_on_one_cadence_days=policy.one_on_one_cadence_days,
                   direct_alignment_by_parent_owner=policy.direct_alignment_by_parent_owner)


@strawberry.type(description="The tenant: everything else belongs to one organization.")
class Organization(RowNode):
    row: strawberry.Private[OrganizationRow]

    @classmethod
    async def load_nodes(cls, info: Info, node_ids: Iterable[str]) -> list[Self | None]:
        ctx = context(info)
        own = await ctx.services.read_model.organization(ctx.principal.organization_id)
        return [cls(row=own) if own and i == own.id else None for i in node_uuids(node_ids)]

    @strawberry.field
    def name(self) -> str:
        return self.row.name

    @strawberry.field
    def slug(self) -> str:
        return self.row.slug

    @strawberry.field
    def policy(self) -> OkrPolicy:
        return OkrPolicy.of(self.row.policy)

    @strawberry.field
    async def root_team(self, info: Info) -> Team | None:
        teams = await context(info).loaders.teams()
        row = teams.get(self.row.root_team_id)
        return Team(row=row) if row else None


@strawberry.type(description="A team: the company root team, a department or a team.")
class Team(RowNode):
    row: strawberry.Private[TeamRow]

    @classmethod
    async def load_nodes(cls, info: Info, node_ids: Iterable[str]) -> list[Self | None]:
        teams = await context(info).loaders.teams()
        return [cls(row=teams[i]) if i in teams else None for i in node_uuids(node_ids)]

    @strawberry.field
    def name(self) -> str:
        return self.row.name

    @strawberry.field
    def kind(self) -> values.TeamKind:
        return self.row.kind

    @strawberry.field
    async def parent(self, info: Info) -> Team | None:
        return await team_of(info, self.row.parent_team_id)

    @strawberry.field(description="The teams directly under this one.")
    async def children(self, info: Info) -> list[Team]:
        teams = await context(info).loaders.teams()
        return [Team(row=t) for t in teams.values() if t.parent_team_id == self.row.id]

    @strawberry.field
    async def lead(self, info: Info) -> Person | None:
        return await person_of(info, self.row.lead_id)


@strawberry.type(description="A person of the organization.")
class Person(RowNode):
    row: strawberry.Private[PersonRow]

    @classmethod
    async def load_nodes(cls, info: Info, node_ids: Iterable[str]) -> list[Self | None]:
        loader = context(info).loaders.person
        rows = await load_all(loader, node_uuids(node_ids))
        return [cls(row=r) if r else None for r in rows]

    @strawberry.field
    def name(self) -> str:
        return self.row.name

    @strawberry.field
    def email(self) -> str | None:
        return self.row.email

    @strawberry.field(description="The HR system's id (visible to ADMIN and HR only).")
    def external_id(self, info: Info) -> str | None:
        principal = context(info).principal
        return self.row.external_id if principal.has(values.Role.ADMIN,
                                                     values.Role.HR) else None

    @strawberry.field
    async def team(self, info: Info) -> Team | None:
        return await team_of(info, self.row.team_id)

    @strawberry.field
    async def manager(self, info: Info) -> Person | None:
        return await person_of(info, self.row.manager_id)


@strawberry.type(description="An OKR cycle (a quarter by default): PLANNING, ACTIVE, CLOSED.")
class Cycle(RowNode):
    row: strawberry.Private[CycleRow]

    @classmethod
    async def load_nodes(cls, info: Info, node_ids: Iterable[str]) -> list[Self | None]:
        loader = context(info).loaders.cycle
        rows = await load_all(loader, node_uuids(node_ids))
        return [cls(row=r) if r else None for r in rows]

    @strawberry.field
    def key(self) -> str:
        return self.row.key

    @strawberry.field
    def name(self) -> str:
        return self.row.name

    @strawberry.field
    def starts_on(self) -> date:
        return self.row.starts_on

    @strawberry.field
    def ends_on(self) -> date:
        return self.row.ends_on

    @strawberry.field
    def status(self) -> values.CycleStatus:
        return self.row.status

    @strawberry.field(description="SHA-256 of the final grades, recorded at close.")
    def grades_hash(self) -> str | None:
        return self.row.grades_hash

    @strawberry.field
    def created_at(self) -> datetime:
        return self.row.created_at


async def team_of(info: Info, team_id: UUID | None) -> Team | None:
    """The team of ``team_id`` (None: no id, or no such team)."""
    if team_id is None:
        return None
    row = (await context(info).loaders.teams()).get(team_id)
    return Team(row=row) if row else None


async def person_of(info: Info, person_id: UUID | None) -> Person | None:
    """The person of ``person_id`` (None: no id, or no such person)."""
    if person_id is None:
        return None
    row = await context(info).loaders.person.load(person_id)
    return Person(row=row) if row else None
