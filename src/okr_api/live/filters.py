"""Which events a subscriber or a webhook endpoint asked for.

Every given condition must hold. ``team_id`` matches the objective's team (its owner
team, or the team of its owner) and, with ``include_sub_teams``, any team below it;
``person_id`` matches objectives owned by that person. The stored form (``to_dict``)
is what webhook endpoints keep in their registration event.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from okr_api.live.model import EventType, LiveEvent
from okr_domain.values import Kind
from projections.reading.queries import InvalidQueryError


@dataclass(frozen=True)
class EventFilter:
    cycle_id: UUID | None = None
    team_id: UUID | None = None
    include_sub_teams: bool = True
    person_id: UUID | None = None
    objective_id: UUID | None = None
    kinds: frozenset[Kind] = frozenset()
    types: frozenset[EventType] = frozenset()

    def matches(self, event: LiveEvent) -> bool:
        if self.types and event.type not in self.types:
            return False
        if self.cycle_id is not None and event.cycle_id != self.cycle_id:
            return False
        if self.objective_id is not None and event.objective_id != self.objective_id:
            return False
        if self.person_id is not None and event.owner_person_id != self.person_id:
            return False
        if self.kinds and event.objective_kind not in self.kinds:
            return False
        if self.team_id is not None:
            teams = event.team_path if self.include_sub_teams else event.team_path[:1]
            if self.team_id not in teams:
                return False
        return True

    def restricted_to(self, allowed: frozenset[EventType]) -> EventFilter:
        """The same filter, limited to ``allowed`` types (all of them when none given)."""
        types = self.types & allowed if self.types else allowed
        if not types:
            raise InvalidQueryError("none of the event types asked for is in this feed")
        return EventFilter(self.cycle_id, self.team_id, self.include_sub_teams,
                           self.person_id, self.objective_id, self.kinds, types)

    def to_dict(self) -> dict[str, Any]:
        return {
            "cycle_id": _hex(self.cycle_id), "team_id": _hex(self.team_id),
            "include_sub_teams": self.include_sub_teams, "person_id": _hex(self.person_id),
            "objective_id": _hex(self.objective_id),
            "kinds": sorted(k.value for k in self.kinds),
            "types": sorted(t.value for t in self.types),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> EventFilter:
        return cls(
            cycle_id=_uuid(data.get("cycle_id")), team_id=_uuid(data.get("team_id")),
            include_sub_teams=bool(data.get("include_sub_teams", True)),
            person_id=_uuid(data.get("person_id")),
            objective_id=_uuid(data.get("objective_id")),
            kinds=frozenset(Kind(k) for k in data.get("kinds", ())),
            types=frozenset(EventType(t) for t in data.get("types", ())),
        )


def _hex(value: UUID | None) -> str | None:
    return None if value is None else value.hex


def _uuid(value: Any) -> UUID | None:
    return None if value is None else UUID(hex=str(value))
