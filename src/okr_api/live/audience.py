"""Who receives which events: the queries' visibility rules (``ViewerScope``), per event.

Nothing crosses organizations. Private objectives reach only those who may see them:
admins, and people whose viewer scope covers the owner (the owner, their manager chain,
the leads above a team). A subscriber with the HR role and without ADMIN is fed per
the organization's HR mode, applied as it is when the event is delivered:

- RESULTS: scores and grades, full payloads;
- EFFORT: engagement only: check-ins made and whether they kept the cadence, without
  values, scores, confidence or notes;
- NONE: nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from okr_api.live.model import ENGAGEMENT_TYPES, LiveEvent
from okr_domain.values import HrMode, Level, Role, Visibility
from projections.reading.queries import ViewerScope


@dataclass(frozen=True)
class Audience:
    organization_id: UUID
    roles: frozenset[Role]
    person_id: UUID | None = None
    scope: ViewerScope | None = None
    """Whose private objectives this audience sees (None: all of them, for admins)."""

    @property
    def is_admin(self) -> bool:
        return Role.ADMIN in self.roles

    @property
    def is_hr_feed(self) -> bool:
        return Role.HR in self.roles and not self.is_admin

    def sees(self, event: LiveEvent) -> bool:
        if event.organization_id != self.organization_id:
            return False
        # Admins first: a lean event (okr_api.live.lean) has no visibility.
        if self.is_admin or event.visibility is Visibility.PUBLIC:
            return True
        scope = self.scope
        if scope is None:
            return False
        if event.objective_level is Level.INDIVIDUAL:
            return event.owner_person_id in scope.person_ids
        if event.objective_level is Level.TEAM:
            return event.owner_team_id in scope.team_ids
        return False

    def shape(self, event: LiveEvent) -> LiveEvent | None:
        """The event as this audience may receive it, or None."""
        if not self.sees(event):
            return None
        if not self.is_hr_feed or event.hr_mode is HrMode.RESULTS:
            return event
        if event.hr_mode is HrMode.EFFORT and event.type in ENGAGEMENT_TYPES:
            return event.without_results()
        return None
