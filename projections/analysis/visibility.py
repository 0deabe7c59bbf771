"""Who may see a private objective, over catalog rows.

Mirrors ``okr_domain.access``: an objective is visible when it is public or when the
viewer controls its owner. Individual objectives: the person and their manager chain.
Team objectives: the lead of the owner team or of any team above it, and the manager
chain of the owner team's lead. Company objectives: admins only. Admins see everything.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from okr_domain.access import Actor
from okr_domain.values import Level, Visibility
from projections.analysis.directory import Directory
from projections.model import ObjectiveRow


@dataclass(frozen=True)
class Viewer:
    """Who is looking: a person (or none, for a service account) and whether an admin."""

    person_id: UUID | None
    is_admin: bool = False

    @classmethod
    def from_actor(cls, actor: Actor) -> Viewer:
        return cls(actor.person_id, actor.is_admin)

    @classmethod
    def admin(cls) -> Viewer:
        """A viewer who sees every objective (the service itself, full-organization runs)."""
        return cls(None, True)


def controls_owner(directory: Directory, viewer: Viewer, level: Level,
                   owner_team_id: UUID | None, owner_person_id: UUID | None) -> bool:
    """May the viewer write objectives of this level and owner (okr_domain.access)?"""
    if viewer.is_admin:
        return True
    me = viewer.person_id
    if me is None:
        return False
    if level == Level.INDIVIDUAL:
        if owner_person_id is None:
            return False
        return me == owner_person_id or me in directory.manager_chain(owner_person_id)
    if level == Level.TEAM and owner_team_id is not None:
        teams = directory.team_chain(owner_team_id)
        if any(t.lead_id == me for t in teams):
            return True
        lead = teams[0].lead_id if teams else None
        return lead is not None and me in directory.manager_chain(lead)
    return False


def can_see(directory: Directory, viewer: Viewer, objective: ObjectiveRow) -> bool:
    if objective.visibility == Visibility.PUBLIC:
        return True
    return controls_owner(directory, viewer, objective.level, objective.owner_team_id,
                          objective.owner_person_id)
