"""Who answers an alignment proposal, read from the read model: the inbox's rule.

The command side decides with ``okr_domain.access.speaks_for`` on aggregates; this is
the same rule on catalog rows, so "awaiting me" lists exactly the proposals the viewer
may answer.
"""

from __future__ import annotations

from uuid import UUID

from okr_api.context import Context
from okr_domain.access import speaks_for_owner
from okr_domain.values import ProposalStatus
from projections.model import ObjectiveRow, PersonRow, ProposalRow, TeamRow


class _RowDirectory:
    """The teams of one request as the access rules' directory. The negotiation rule
    reads teams only (who leads an objective's team), never people."""

    def __init__(self, teams: dict[UUID, TeamRow]) -> None:
        self._teams = teams

    def find_person(self, person_id: UUID) -> PersonRow | None:
        return None

    def find_team(self, team_id: UUID) -> TeamRow | None:
        return self._teams.get(team_id)


async def speaks_for_row(ctx: Context, row: ObjectiveRow) -> bool:
    directory = _RowDirectory(await ctx.loaders.teams())
    return speaks_for_owner(directory, ctx.principal.actor,  # type: ignore[arg-type]
                            row.level, row.owner_team_id, row.owner_person_id)


async def awaits_viewer(ctx: Context, proposal: ProposalRow) -> bool:
    """May the viewer answer this proposal now? (Pending, the viewer speaks for the
    awaited side, and did not ask it itself unless an admin.)"""
    if proposal.status is not ProposalStatus.PENDING:
        return False
    actor = ctx.principal.actor
    if actor.person_id is not None and actor.person_id == proposal.proposed_by \
            and not actor.is_admin:
        return False
    awaited = await ctx.loaders.objective.load(proposal.awaited_objective_id)
    return awaited is not None and await speaks_for_row(ctx, awaited)
