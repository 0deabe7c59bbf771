"""The catalog projection: the current state of every entity, as flat rows.

Idempotency records and alignment-graph events make no catalog rows (the graph's edges
are on the objectives as ``parent_id``); a cycle's roster events change nothing either.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import replace
from typing import Any, ClassVar, TypeVar

from okr_domain.alignment import AlignmentProposal
from okr_domain.cycle import Cycle
from okr_domain.objective_events import Created as ObjectiveCreated
from okr_domain.organization import Organization
from okr_domain.person import Person
from okr_domain.team import Team
from okr_domain.values import CycleStatus, OkrPolicy, ProposalSide, ProposalStatus, TeamKind
from projections.catalog.objectives import EVENT_TYPES as OBJECTIVE_EVENTS
from projections.catalog.objectives import apply_objective_event
from projections.catalog.rows import CycleRow, OrganizationRow, PersonRow, ProposalRow, TeamRow
from projections.catalog.tables import (
    CATALOG_TABLES,
    CHECK_INS,
    CYCLES,
    KEY_RESULTS,
    OBJECTIVES,
    ORGANIZATIONS,
    PEOPLE,
    PROPOSALS,
    TEAMS,
)
from projections.projection import Event, Projection, View
from projections.tables import Change, Table, Upsert

R = TypeVar("R")
Handler = Callable[[Any, int, View], Sequence[Change]]


def revise(table: Table[R], view: View, event: Event, position: int,
           **fields: Any) -> list[Change]:
    """Change some fields of the event's row; nothing when they are already so."""
    row = view.get(table, event.originator_id)
    if row is None:
        return []
    new = replace(row, **fields)  # type: ignore[type-var]
    if new == row:
        return []
    return [Upsert(table, replace(new, position=position))]  # type: ignore[type-var]


def created(table: Table[Any], make: Callable[[Any, int], object]) -> Handler:
    return lambda e, position, view: [Upsert(table, make(e, position))]


def revised(table: Table[Any], fields: Callable[[Any], dict[str, Any]]) -> Handler:
    return lambda e, position, view: revise(table, view, e, position, **fields(e))


def _organization(e: Organization.Created, position: int) -> OrganizationRow:
    return OrganizationRow(id=e.originator_id, name=e.name, slug=e.slug,
                           root_team_id=e.root_team_id, policy=OkrPolicy.from_dict(e.policy),
                           position=position)


def _team(e: Team.Created, position: int) -> TeamRow:
    return TeamRow(id=e.originator_id, organization_id=e.organization_id, name=e.name,
                   kind=TeamKind(e.kind), parent_team_id=e.parent_team_id, lead_id=e.lead_id,
                   position=position)


def _person(e: Person.Created, position: int) -> PersonRow:
    return PersonRow(id=e.originator_id, organization_id=e.organization_id,
                     external_id=e.external_id, name=e.name, email=e.email,
                     team_id=e.team_id, manager_id=e.manager_id, position=position)


def _cycle(e: Cycle.Created, position: int) -> CycleRow:
    return CycleRow(id=e.originator_id, organization_id=e.organization_id, key=e.key,
                    name=e.name, starts_on=e.starts_on, ends_on=e.ends_on,
                    status=CycleStatus.PLANNING, grades_hash=None, created_at=e.timestamp,
                    position=position)


def _proposal(e: AlignmentProposal.Created, position: int) -> ProposalRow:
    return ProposalRow(id=e.originator_id, organization_id=e.organization_id,
                       cycle_id=e.cycle_id, child_id=e.child_id, parent_id=e.parent_id,
                       parent_key_result_id=e.parent_key_result_id,
                       proposed_by_child_side=e.proposed_by_child_side,
                       proposed_by=e.actor_id, message=e.message,
                       status=ProposalStatus.PENDING, response_reason=None,
                       created_at=e.timestamp, position=position,
                       awaiting_side=ProposalSide(e.awaiting_side))


def _responded(e: AlignmentProposal.Responded) -> dict[str, Any]:
    status = ProposalStatus.ACCEPTED if e.accepted else ProposalStatus.DECLINED
    return {"status": status, "response_reason": e.reason, "responded_by": e.actor_id,
            "responded_at": e.timestamp}


HANDLERS: dict[type[Any], tuple[Table[Any], Handler]] = {
    Organization.Created: (ORGANIZATIONS, created(ORGANIZATIONS, _organization)),
    Organization.PolicyChanged: (ORGANIZATIONS, revised(
        ORGANIZATIONS, lambda e: {"policy": OkrPolicy.from_dict(e.policy)})),
    Team.Created: (TEAMS, created(TEAMS, _team)),
    Team.Updated: (TEAMS, revised(TEAMS, lambda e: {
        "name": e.name, "parent_team_id": e.parent_team_id, "lead_id": e.lead_id})),
    Person.Created: (PEOPLE, created(PEOPLE, _person)),
    Person.Updated: (PEOPLE, revised(PEOPLE, lambda e: {
        "name": e.name, "email": e.email, "team_id": e.team_id,
        "manager_id": e.manager_id})),
    Cycle.Created: (CYCLES, created(CYCLES, _cycle)),
    Cycle.Activated: (CYCLES, revised(CYCLES, lambda e: {"status": CycleStatus.ACTIVE})),
    Cycle.Closed: (CYCLES, revised(CYCLES, lambda e: {
        "status": CycleStatus.CLOSED, "grades_hash": e.grades_hash})),
    AlignmentProposal.Created: (PROPOSALS, created(PROPOSALS, _proposal)),
    AlignmentProposal.Responded: (PROPOSALS, revised(PROPOSALS, _responded)),
    AlignmentProposal.Withdrawn: (PROPOSALS, revised(
        PROPOSALS, lambda e: {"status": ProposalStatus.WITHDRAWN,
                              "withdrawn_at": e.timestamp})),
}

OBJECTIVE_TABLES = (OBJECTIVES, KEY_RESULTS, CHECK_INS)


class CatalogProjection(Projection):
    name: ClassVar[str] = "catalog"
    tables = CATALOG_TABLES

    @property
    def topics(self) -> frozenset[str]:
        return frozenset(cls.TOPIC for cls in (*HANDLERS, *OBJECTIVE_EVENTS))

    def wanted(self, event: Event) -> Iterable[tuple[Table[Any], Hashable]]:
        if isinstance(event, ObjectiveCreated):
            return ()
        if type(event) in OBJECTIVE_EVENTS:
            return [(table, event.originator_id) for table in OBJECTIVE_TABLES]
        return [(HANDLERS[type(event)][0], event.originator_id)]

    def apply(self, event: Event, position: int, view: View) -> Sequence[Change]:
        if type(event) in OBJECTIVE_EVENTS:
            return apply_objective_event(event, position, view)
        return HANDLERS[type(event)][1](event, position, view)
