"""Who answers an alignment proposal, read from the read model: the inbox's rule.

The command side decides with ``okr_domain.access.speaks_for`` on aggregates; this is
the same rule on catalog rows, so "awaiting me" lists the proposals that wait for the
viewer as the awaited side's owner (admins may answer any, but are asked none as such).
"""

from __future__ import annotations

from dataclasses import replace
from uuid import UUID

from okr_api.context import Context
from okr_domain.access import speaks_for_owner
from okr_domain.values import ProposalStatus, Role
from projections.catalog.rows import ObjectiveRow, PersonRow, ProposalRow, TeamRow


class _RowDirectory:
    """The teams of one request as the access rules' directory. The negotiation rule
    reads teams only (who leads an objective's team), never people."""

    def __init__(self, teams: dict[UUID, TeamRow]) -> None:
        self._teams = teams

    def find_person(self, person_id: UUID) -> PersonRow | None:
        return None

    def find_team(self, team_id: UUID) -> TeamRow | None:
        return self._teams.get(team_id)


async def speaks_for_row(ctx: Context, row: ObjectiveRow, *,
                         as_owner: bool = False) -> bool:
    """Does the viewer speak for the row's owner? With ``as_owner``, only as the owner
    (or its lead) itself: an admin may answer any proposal, but none awaits it as such."""
    actor = ctx.principal.actor
    if as_owner and actor.is_admin:
        actor = replace(actor, roles=actor.roles - {Role.ADMIN})
    directory = _RowDirectory(await ctx.loaders.teams())
    return speaks_for_owner(directory, actor,
                            row.level, row.owner_team_id, row.owner_person_id)


async def awaits_viewer(ctx: Context, proposal: ProposalRow) -> bool:
    """Does this proposal await the viewer's answer? (Pending, the viewer speaks for the
    awaited side as its owner or lead, and did not ask it itself.) Admins may answer any
    proposal, but their inbox holds only their own sides'."""
    if proposal.status is not ProposalStatus.PENDING:
        return False
    actor = ctx.principal.actor
    if actor.person_id is not None and actor.person_id == proposal.proposed_by:
        return False
    awaited = await ctx.loaders.objective.load(proposal.awaited_objective_id)
    return awaited is not None and await speaks_for_row(ctx, awaited, as_owner=True)
