"""GraphQL shapes of the live feed: the event type, its enum and the filter input.

The IDs are the same global IDs the rest of the API uses (``node(id:)`` resolves
them), and the webhook payload's ``data`` has the same names and values.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import strawberry
from strawberry import relay

from okr_api.errors import ApiError
from okr_api.graphql.base import Info, context, optional_uuid
from okr_api.live.filters import EventFilter
from okr_api.live.model import EventType, LiveEvent
from okr_domain import values

OkrEventType = strawberry.enum(EventType, name="OkrEventType",
                               description="What happened to an objective.")


@strawberry.type(description=(
    "An OKR event as it was stored. `position` is its global position in the event "
    "log: pass the last one received as `after` to resume without gap or duplicate."))
class OkrEvent:
    event: strawberry.Private[LiveEvent]

    @staticmethod
    def of(event: LiveEvent) -> OkrEvent:
        return OkrEvent(event=event)

    def _id(self, name: str) -> strawberry.ID | None:
        value = self.event.global_ids[name]
        return None if value is None else strawberry.ID(value)

    @strawberry.field(description="Stable event ID (the same on every delivery).")
    def event_id(self) -> strawberry.ID:
        return strawberry.ID(str(self.event.event_id))

    @strawberry.field(description="Global position: the resume cursor.")
    def position(self) -> int:
        return self.event.position

    @strawberry.field
    def type(self) -> EventType:
        return self.event.type

    @strawberry.field
    def occurred_at(self) -> datetime:
        return self.event.occurred_at

    @strawberry.field
    def organization_id(self) -> strawberry.ID:
        return strawberry.ID(self.event.global_ids["organizationId"] or "")

    @strawberry.field
    def organization_name(self) -> str | None:
        return self.event.organization_name

    @strawberry.field(description="The organization's HR evaluation mode when delivered.")
    def hr_mode(self) -> values.HrMode:
        return self.event.hr_mode

    @strawberry.field
    def cycle_id(self) -> strawberry.ID | None:
        return self._id("cycleId")

    @strawberry.field
    def cycle_key(self) -> str | None:
        return self.event.cycle_key

    @strawberry.field
    def cycle_name(self) -> str | None:
        return self.event.cycle_name

    @strawberry.field
    def objective_id(self) -> strawberry.ID:
        return strawberry.ID(self.event.global_ids["objectiveId"] or "")

    @strawberry.field
    def objective_title(self) -> str | None:
        return self.event.objective_title

    @strawberry.field
    def objective_level(self) -> values.Level | None:
        return self.event.objective_level

    @strawberry.field
    def objective_kind(self) -> values.Kind | None:
        return self.event.objective_kind

    @strawberry.field
    def owner_person_id(self) -> strawberry.ID | None:
        return self._id("ownerPersonId")

    @strawberry.field(description="The objective's team: its owner team, or its owner's.")
    def team_id(self) -> strawberry.ID | None:
        return self._id("teamId")

    @strawberry.field
    def key_result_id(self) -> strawberry.ID | None:
        return self._id("keyResultId")

    @strawberry.field
    def key_result_title(self) -> str | None:
        return self.event.key_result_title

    @strawberry.field
    def check_in_id(self) -> strawberry.ID | None:
        return self._id("checkInId")

    @strawberry.field(description="Who did it (none for the service itself).")
    def actor_id(self) -> strawberry.ID | None:
        return self._id("actorId")

    @strawberry.field
    def value(self) -> Decimal | None:
        return self.event.value

    @strawberry.field
    def previous_value(self) -> Decimal | None:
        return self.event.previous_value

    @strawberry.field
    def confidence(self) -> int | None:
        return self.event.confidence

    @strawberry.field
    def note(self) -> str | None:
        return self.event.note

    @strawberry.field
    def applies_at(self) -> datetime | None:
        return self.event.applies_at

    @strawberry.field
    def in_one_on_one(self) -> bool | None:
        return self.event.in_one_on_one

    @strawberry.field(description="The key result's score before (check-ins).")
    def score_before(self) -> float | None:
        return self.event.score_before

    @strawberry.field(description="The key result's score after (check-ins).")
    def score_after(self) -> float | None:
        return self.event.score_after

    @strawberry.field
    def objective_score_before(self) -> float | None:
        return self.event.objective_score_before

    @strawberry.field
    def objective_score_after(self) -> float | None:
        return self.event.objective_score_after

    @strawberry.field(description="Grades: the computed score.")
    def computed_score(self) -> float | None:
        return self.event.computed_score

    @strawberry.field(description="Grades: a reviewer's override.")
    def grade_override(self) -> float | None:
        return self.event.grade_override

    @strawberry.field(description="Closes: the final grade.")
    def final_score(self) -> float | None:
        return self.event.final_score

    @strawberry.field(description=(
        "The band under the organization's policy: of the objective's score after a "
        "check-in or correction, of the final grade on a close."))
    def band(self) -> values.Band | None:
        return values.Band(self.event.band) if self.event.band else None

    @strawberry.field(description="The objective owner's id in the HR system (externalId).")
    def owner_external_id(self) -> str | None:
        return self.event.owner_external_id

    @strawberry.field(description="The actor's id in the HR system (externalId).")
    def actor_external_id(self) -> str | None:
        return self.event.actor_external_id

    @strawberry.field(description="Support: the supporter's id in the HR system.")
    def supporter_external_id(self) -> str | None:
        return self.event.supporter_external_id

    @strawberry.field
    def reason(self) -> str | None:
        return self.event.reason

    @strawberry.field
    def parent_objective_id(self) -> strawberry.ID | None:
        return self._id("parentObjectiveId")

    @strawberry.field
    def supporter_id(self) -> strawberry.ID | None:
        return self._id("supporterId")

    @strawberry.field(description="Check-ins: when the key result's previous one was made.")
    def previous_check_in_at(self) -> datetime | None:
        return self.event.previous_check_in_at

    @strawberry.field(description=(
        "Check-ins: made within the organization's check-in cadence of the previous one "
        "(a first check-in keeps it)."))
    def cadence_kept(self) -> bool | None:
        return self.event.cadence_kept

    @strawberry.field(description="True when values and scores were left out (HR: EFFORT).")
    def redacted(self) -> bool:
        return self.event.redacted


@strawberry.input(description="Narrow an event feed; all given conditions apply.")
class OkrEventFilterInput:
    cycle_id: relay.GlobalID | None = None
    cycle_key: str | None = None
    team_id: relay.GlobalID | None = strawberry.field(
        default=None, description="The objective's team (owner team, or its owner's team).")
    include_sub_teams: bool = True
    person_id: relay.GlobalID | None = strawberry.field(
        default=None, description="Objectives owned by this person.")
    objective_id: relay.GlobalID | None = None
    kinds: list[values.Kind] | None = strawberry.field(
        default=None, description="Objective kinds.")
    types: list[EventType] | None = strawberry.field(
        default=None, description="Event types.")


async def event_filter(info: Info, given: OkrEventFilterInput | None) -> EventFilter:
    if given is None:
        return EventFilter()
    cycle_id = optional_uuid(given.cycle_id, "Cycle", field="filter.cycleId")
    if given.cycle_key is not None:
        ctx = context(info)
        cycle = await ctx.services.read_model.cycle(ctx.principal.organization_id,
                                                    key=given.cycle_key)
        if cycle is None:
            raise ApiError("NOT_FOUND", f"no cycle {given.cycle_key}")
        cycle_id = cycle.id
    return EventFilter(
        cycle_id=cycle_id,
        team_id=optional_uuid(given.team_id, "Team", field="filter.teamId"),
        include_sub_teams=given.include_sub_teams,
        person_id=optional_uuid(given.person_id, "Person", field="filter.personId"),
        objective_id=optional_uuid(given.objective_id, "Objective",
                                   field="filter.objectiveId"),
        kinds=frozenset(given.kinds or ()), types=frozenset(given.types or ()))
