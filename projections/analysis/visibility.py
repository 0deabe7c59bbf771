"""Who may see a private objective, and the one filter every analysis starts from.

The rule is the domain's (``okr_domain.access``): an objective is visible when it is
public, when the viewer is an admin, or when the viewer may write it. Individual
objectives: the person and their manager chain. Team objectives: the lead of the owner
team or of any team above it, and the manager chain of the owner team's lead. Company
objectives: admins only.

To a viewer, an objective they may not see is not there: ``visible_rows`` leaves it out
before anything is computed, so it is neither listed, scored nor counted. It adds nothing
to a parent's roll-up, a mean, a histogram, a band share, a hit rate, the pace, the
coverage, a health finding or any count, and no number says how many were left out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from uuid import UUID

from okr_domain.access import Actor, person_controls_owner
from okr_domain.values import Visibility
from projections.analysis.directory import Directory
from projections.analysis.rows import CycleRows
from projections.catalog.rows import KeyResultRow, ObjectiveRow


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


def can_see(directory: Directory, viewer: Viewer, objective: ObjectiveRow) -> bool:
    if objective.visibility == Visibility.PUBLIC or viewer.is_admin:
        return True
    return person_controls_owner(directory, viewer.person_id, objective.level,
                                 objective.owner_team_id, objective.owner_person_id)


def sight(directory: Directory, viewer: Viewer) -> Callable[[ObjectiveRow], bool] | None:
    """What the viewer may see, as a predicate (None: everything)."""
    if viewer.is_admin:
        return None
    return lambda objective: can_see(directory, viewer, objective)


def visible_rows(cycle_id: UUID, objectives: Iterable[ObjectiveRow],
                 key_results: Iterable[KeyResultRow], directory: Directory,
                 viewer: Viewer) -> CycleRows:
    """The cycle's rows as the viewer may see them: what every analysis is computed from."""
    return CycleRows.build(cycle_id, objectives, key_results, sight(directory, viewer))
