"""Lean events: a catch-up whose subscriber needs nothing from the catalog reads nothing
from it.

A resuming subscriber reads thousands of stored events; most of the work per event is
the catalog's part (the objective's level, kind, visibility and owners, team paths,
titles, HR ids, bands, cadence). An admin (who sees every event of the organization,
unredacted) whose selection names only what the event itself says (``LEAN_FIELDS``)
and whose filter needs no owner, team or kind gets ``LeanEvent``s: the event's own
fields, the organization's and the cycle's, nothing more. Its payloads are the same:
only the selected fields are rendered, and reading any of the catalog's fields from a
lean event raises instead of giving a default.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from okr_api.live.audience import Audience
from okr_api.live.event_fields import event_fields
from okr_api.live.filters import EventFilter
from okr_api.live.model import TOPIC_TYPES, LiveEvent
from okr_api.live.render import Plan

LEAN_FIELDS = frozenset({
    "__typename", "eventId", "position", "type", "occurredAt", "organizationName",
    "hrMode", "cycleKey", "cycleName", "value", "previousValue", "confidence", "note",
    "appliesAt", "inOneOnOne", "scoreBefore", "scoreAfter", "objectiveScoreBefore",
    "objectiveScoreAfter", "computedScore", "gradeOverride", "finalScore", "reason",
    "redacted"})
"""``OkrEvent``'s fields whose values come from the stored event, its organization and
its cycle alone (the global IDs are worked out together, with the owners' and team's:
none of them is lean)."""

CATALOG_FIELDS = ("objective_title", "objective_level", "objective_kind", "visibility",
                  "owner_person_id", "owner_team_id", "team_path", "key_result_title",
                  "band", "owner_external_id", "actor_external_id", "supporter_external_id",
                  "previous_check_in_at", "cadence_kept")
"""The ``LiveEvent`` fields a lean event does not have."""


def leanable(plan: Plan | None, audience: Audience, where: EventFilter) -> bool:
    """Whether a subscriber rendering ``plan`` for ``audience`` through ``where`` can be
    fed lean events: the audience and the filter look at no catalog field, the plan
    renders none."""
    return (plan is not None and audience.is_admin and not audience.is_hr_feed
            and where.person_id is None and where.team_id is None and not where.kinds
            and all(name in LEAN_FIELDS for _, name in plan.keys))


class LeanEvent(LiveEvent):
    """A ``LiveEvent`` without the catalog's fields (see the module's docstring)."""


def absent(name: str, what: str = "a lean event") -> property:
    """A field ``what`` does not have: reading it raises."""
    def get(_event: LiveEvent) -> Any:
        raise AttributeError(f"{what} has no {name} (it was not read)")
    return property(get)


for _name in CATALOG_FIELDS:
    setattr(LeanEvent, _name, absent(_name))


def lean_event(position: int, e: Any, organization_values: dict[str, Any],
               cycle_values: Callable[[Any], dict[str, Any]]) -> LiveEvent:
    kind = TOPIC_TYPES[e.TOPIC]
    values = event_fields(kind, e)
    values.update(organization_values)
    values.update(cycle_values(e.cycle_id))
    values.update({
        "position": position, "type": kind, "occurred_at": e.timestamp,
        "organization_id": e.organization_id, "objective_id": e.originator_id,
        "objective_version": e.originator_version, "cycle_id": e.cycle_id,
        "actor_id": e.actor_id})
    return LeanEvent.of_values(values)
