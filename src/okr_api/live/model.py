"""The live event: one stored OKR event, decoded once and enriched from the read model.

The same ``LiveEvent`` feeds every subscriber of the process and every webhook
delivery; ``to_data`` is its JSON form (the ``data`` of a CloudEvent). The event id is
stable (derived from the aggregate and its version), ``position`` is the global
position in the event log: the cursor to resume after.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from functools import cached_property
from typing import Any
from uuid import UUID, uuid5

from okr_domain.values import HrMode, Kind, Level, Visibility

EVENT_ID_NAMESPACE = UUID("0c7b6f0e-2f5d-4a8e-9d61-6c6976652d65")


class EventType(StrEnum):
    OBJECTIVE_CREATED = "OBJECTIVE_CREATED"
    OBJECTIVE_EDITED = "OBJECTIVE_EDITED"
    VISIBILITY_CHANGED = "VISIBILITY_CHANGED"
    OBJECTIVE_ACTIVATED = "OBJECTIVE_ACTIVATED"
    OBJECTIVE_ARCHIVED = "OBJECTIVE_ARCHIVED"
    KEY_RESULT_ADDED = "KEY_RESULT_ADDED"
    KEY_RESULT_EDITED = "KEY_RESULT_EDITED"
    KEY_RESULT_REMOVED = "KEY_RESULT_REMOVED"
    CHECK_IN_RECORDED = "CHECK_IN_RECORDED"
    CHECK_IN_CORRECTED = "CHECK_IN_CORRECTED"
    ALIGNED = "ALIGNED"
    UNALIGNED = "UNALIGNED"
    SUPPORT_COMMITTED = "SUPPORT_COMMITTED"
    SUPPORT_WITHDRAWN = "SUPPORT_WITHDRAWN"
    GRADE_OVERRIDDEN = "GRADE_OVERRIDDEN"
    OBJECTIVE_CLOSED = "OBJECTIVE_CLOSED"
    CHECK_IN_DUE = "CHECK_IN_DUE"
    """A check-in reminder (``okr.check_in.due``): delivered by webhooks only, never on
    the live subscriptions, which carry the OKRs' own events."""


TOPIC_TYPES: dict[str, EventType] = {
    "okr.Objective.Created": EventType.OBJECTIVE_CREATED,
    "okr.Objective.Edited": EventType.OBJECTIVE_EDITED,
    "okr.Objective.VisibilityChanged": EventType.VISIBILITY_CHANGED,
    "okr.Objective.Activated": EventType.OBJECTIVE_ACTIVATED,
    "okr.Objective.Archived": EventType.OBJECTIVE_ARCHIVED,
    "okr.Objective.KeyResultAdded": EventType.KEY_RESULT_ADDED,
    "okr.Objective.KeyResultEdited": EventType.KEY_RESULT_EDITED,
    "okr.Objective.KeyResultRemoved": EventType.KEY_RESULT_REMOVED,
    "okr.Objective.CheckInRecorded": EventType.CHECK_IN_RECORDED,
    "okr.Objective.CheckInCorrected": EventType.CHECK_IN_CORRECTED,
    "okr.Objective.Aligned": EventType.ALIGNED,
    "okr.Objective.Unaligned": EventType.UNALIGNED,
    "okr.Objective.SupportCommitted": EventType.SUPPORT_COMMITTED,
    "okr.Objective.SupportWithdrawn": EventType.SUPPORT_WITHDRAWN,
    "okr.Objective.GradeOverridden": EventType.GRADE_OVERRIDDEN,
    "okr.Objective.Closed": EventType.OBJECTIVE_CLOSED,
}
TYPE_TOPICS = {kind: topic for topic, kind in TOPIC_TYPES.items()}
"""The stored topic of each OKR event type (reminders are not OKR events: none)."""

SCORE_TYPES = frozenset({EventType.CHECK_IN_RECORDED, EventType.CHECK_IN_CORRECTED,
                         EventType.GRADE_OVERRIDDEN, EventType.OBJECTIVE_CLOSED})
"""What ``scoreEvents`` carries: check-ins, corrections, grades and closes."""

ENGAGEMENT_TYPES = frozenset({EventType.CHECK_IN_RECORDED})
"""What an EFFORT organization's HR feed carries (without values or scores)."""


def event_id(originator_id: UUID, version: int) -> UUID:
    return uuid5(EVENT_ID_NAMESPACE, f"{originator_id}:{version}")


def global_id(type_name: str, *parts: UUID | None) -> str | None:
    """The GraphQL global ID (as ``node(id:)`` takes it); key results and check-ins
    name their objective too. None when a part is missing."""
    if not parts or any(p is None for p in parts):
        return None
    node_id = ".".join(p.hex for p in parts if p is not None)
    return base64.b64encode(f"{type_name}:{node_id}".encode()).decode()


@dataclass(frozen=True)
class LiveEvent:
    position: int
    type: EventType
    occurred_at: datetime
    organization_id: UUID
    organization_name: str | None
    hr_mode: HrMode
    objective_id: UUID
    objective_version: int
    """The objective's version this event made (with ``objective_id``, the event id)."""
    objective_title: str | None
    objective_level: Level | None
    objective_kind: Kind | None
    visibility: Visibility
    owner_person_id: UUID | None
    owner_team_id: UUID | None
    team_path: tuple[UUID, ...]
    """The objective's team (its owner team, or its owner's team) and the teams above."""
    cycle_id: UUID | None
    cycle_key: str | None
    cycle_name: str | None
    actor_id: UUID | None
    key_result_id: UUID | None = None
    key_result_title: str | None = None
    check_in_id: UUID | None = None
    value: Decimal | None = None
    previous_value: Decimal | None = None
    confidence: int | None = None
    note: str | None = None
    applies_at: datetime | None = None
    in_one_on_one: bool | None = None
    score_before: float | None = None
    score_after: float | None = None
    objective_score_before: float | None = None
    objective_score_after: float | None = None
    computed_score: float | None = None
    grade_override: float | None = None
    final_score: float | None = None
    band: str | None = None
    reason: str | None = None
    parent_objective_id: UUID | None = None
    supporter_id: UUID | None = None
    owner_external_id: str | None = None
    """The HR system's ids (``upsertPerson``'s ``externalId``) of the people named."""
    actor_external_id: str | None = None
    supporter_external_id: str | None = None
    previous_check_in_at: datetime | None = None
    cadence_kept: bool | None = None
    redacted: bool = False
    """True when values and scores were left out (an EFFORT organization's HR feed)."""

    @classmethod
    def of_values(cls, values: dict[str, Any]) -> LiveEvent:
        """The event with these field values (every field without a default must be
        given), made without the generated ``__init__``: it sets each of the fields one
        by one through ``object.__setattr__`` (it is frozen), which is most of the cost
        of a batch of thousands. Fields left out keep their defaults (class attributes)."""
        event = object.__new__(cls)
        event.__dict__.update(values)
        return event

    @cached_property
    def event_id(self) -> UUID:
        """Stable: derived from the objective and the version the event made (worked out
        when first asked for: many subscribers never select it)."""
        return event_id(self.objective_id, self.objective_version)

    @property
    def team_id(self) -> UUID | None:
        return self.team_path[0] if self.team_path else None

    def without_results(self) -> LiveEvent:
        """The engagement view: that a check-in happened and kept cadence, no numbers."""
        return replace(
            self, value=None, previous_value=None, confidence=None, note=None,
            score_before=None, score_after=None, objective_score_before=None,
            objective_score_after=None, computed_score=None, grade_override=None,
            final_score=None, band=None, reason=None, redacted=True,
        )

    @cached_property
    def global_ids(self) -> dict[str, str | None]:
        """``ids()``, worked out once per event (each ID field of a selection reads it)."""
        return self.ids()

    def ids(self) -> dict[str, str | None]:
        """The global IDs of what the event names."""
        objective = self.objective_id
        return {
            "organizationId": global_id("Organization", self.organization_id),
            "cycleId": global_id("Cycle", self.cycle_id),
            "objectiveId": global_id("Objective", objective),
            "ownerPersonId": global_id("Person", self.owner_person_id),
            "ownerTeamId": global_id("Team", self.owner_team_id),
            "teamId": global_id("Team", self.team_id),
            "keyResultId": global_id("KeyResult", objective, self.key_result_id),
            "checkInId": global_id("CheckIn", objective, self.check_in_id),
            "actorId": global_id("Person", self.actor_id),
            "parentObjectiveId": global_id("Objective", self.parent_objective_id),
            "supporterId": global_id("Person", self.supporter_id),
        }

    def to_data(self) -> dict[str, Any]:
        """JSON-ready fields, named and valued like the GraphQL type's."""
        return {
            "eventId": str(self.event_id),
            "position": self.position,
            "type": self.type.value,
            "occurredAt": _time(self.occurred_at),
            **self.global_ids,
            "organizationName": self.organization_name,
            "hrMode": self.hr_mode.value,
            "cycleKey": self.cycle_key,
            "cycleName": self.cycle_name,
            "objectiveTitle": self.objective_title,
            "objectiveLevel": self.objective_level.value if self.objective_level else None,
            "objectiveKind": self.objective_kind.value if self.objective_kind else None,
            "keyResultTitle": self.key_result_title,
            "value": None if self.value is None else str(self.value),
            "previousValue": None if self.previous_value is None else str(self.previous_value),
            "confidence": self.confidence,
            "note": self.note,
            "appliesAt": _time(self.applies_at),
            "inOneOnOne": self.in_one_on_one,
            "scoreBefore": self.score_before,
            "scoreAfter": self.score_after,
            "objectiveScoreBefore": self.objective_score_before,
            "objectiveScoreAfter": self.objective_score_after,
            "computedScore": self.computed_score,
            "gradeOverride": self.grade_override,
            "finalScore": self.final_score,
            "band": self.band,
            "ownerExternalId": self.owner_external_id,
            "actorExternalId": self.actor_external_id,
            "supporterExternalId": self.supporter_external_id,
            "reason": self.reason,
            "previousCheckInAt": _time(self.previous_check_in_at),
            "cadenceKept": self.cadence_kept,
            "redacted": self.redacted,
        }


def _time(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()
