"""From stored notifications to ``LiveEvent``s: decode (in a worker thread), then enrich
with titles, teams and the HR mode from the catalog read model, a few queries per
organization per batch.

Before enriching, the builder waits (briefly, bounded) for the catalog to reach the
batch, so a just-created objective has its row. Values the event itself carries (a
key result's title when added or edited, an objective's title when edited) win over
the row, which may already reflect later changes. An objective the read model does not
know is treated as private, so only admins receive it.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.persistence import Notification

from okr_api.live.model import TOPIC_TYPES, EventType, LiveEvent, event_id
from okr_domain import scoring
from okr_domain.values import HrMode, Kind, Level, OkrPolicy, Visibility
from projections.model import (
    CheckInRow,
    CycleRow,
    KeyResultRow,
    ObjectiveRow,
    OrganizationRow,
    TeamRow,
)
from projections.readers import AsyncCatalogReader

log = logging.getLogger("okr_api.live")

OBJECTIVE_TOPICS: frozenset[str] = frozenset(TOPIC_TYPES)
CATCH_UP_SECONDS = 2.0
MAX_TEAM_DEPTH = 64

Decoded = tuple[int, Any]
"""A position and the domain event stored there."""


def decode(app: Application[Any], notifications: Sequence[Notification]) -> list[Decoded]:
    """The OKR events among ``notifications`` (blocking: run it in a thread)."""
    return [(n.id, app.mapper.to_domain_event(n)) for n in notifications
            if n.topic in TOPIC_TYPES]


@dataclass
class _OrgFacts:
    organization: OrganizationRow | None = None
    objectives: dict[UUID, ObjectiveRow] = field(default_factory=dict)
    key_results: dict[UUID, KeyResultRow] = field(default_factory=dict)
    cycles: dict[UUID, CycleRow] = field(default_factory=dict)
    teams: dict[UUID, TeamRow] = field(default_factory=dict)
    person_teams: dict[UUID, UUID | None] = field(default_factory=dict)
    previous_check_ins: dict[UUID, datetime | None] = field(default_factory=dict)
    """By check-in id: when its key result's previous check-in was recorded."""
    check_ins: dict[UUID, list[CheckInRow]] = field(default_factory=dict)
    """Key results' histories, for check-ins the catalog has no row for yet."""
    external_ids: dict[UUID, str] = field(default_factory=dict)

    @property
    def policy(self) -> OkrPolicy:
        return self.organization.policy if self.organization else OkrPolicy()

    def team_path(self, team_id: UUID | None) -> tuple[UUID, ...]:
        path: list[UUID] = []
        while team_id is not None and team_id not in path and len(path) < MAX_TEAM_DEPTH:
            path.append(team_id)
            team = self.teams.get(team_id)
            team_id = team.parent_team_id if team else None
        return tuple(path)


class EventBuilder:
    def __init__(self, read_model: AsyncCatalogReader,
                 catch_up_seconds: float = CATCH_UP_SECONDS) -> None:
        self.read_model = read_model
        self.catch_up_seconds = catch_up_seconds

    async def build(self, decoded: Sequence[Decoded]) -> list[LiveEvent]:
        if not decoded:
            return []
        last = decoded[-1][0]
        if not await self.read_model.wait_for_position(last, self.catch_up_seconds):
            log.warning("the catalog has not reached position %s; enriching with what it has",
                        last)
        by_org: dict[UUID, list[Decoded]] = defaultdict(list)
        for position, event in decoded:
            by_org[event.organization_id].append((position, event))
        facts = dict(zip(by_org, await asyncio.gather(
            *(self._facts(org, events) for org, events in by_org.items())), strict=True))
        return [self._make(position, event, facts[event.organization_id])
                for position, event in decoded]

    async def _facts(self, org: UUID, events: list[Decoded]) -> _OrgFacts:
        # Ids go to the readers unsorted: a lookup does not care, and sorting thousands
        # of UUIDs per batch was a visible share of a catch-up.
        rm = self.read_model
        objective_ids = list({e.originator_id for _, e in events})
        kr_ids = list({k for _, e in events if (k := getattr(e, "key_result_id", None))})
        cycle_ids = list({c for _, e in events if (c := e.cycle_id) is not None})
        recorded = [e for _, e in events
                    if TOPIC_TYPES[e.TOPIC] is EventType.CHECK_IN_RECORDED]
        check_in_ids = list({e.check_in_id for e in recorded})
        organization, objectives, key_results, cycles, check_ins = await asyncio.gather(
            rm.organization(org), rm.objectives_by_ids(org, objective_ids),
            rm.key_results_by_ids(org, kr_ids), rm.cycles_by_ids(org, cycle_ids),
            rm.check_ins_by_ids(org, check_in_ids) if check_in_ids else _no_check_ins())
        facts = _OrgFacts(organization, {o.id: o for o in objectives},
                          {k.id: k for k in key_results}, {c.id: c for c in cycles})
        facts.previous_check_ins = {c.id: c.previous_check_in_at for c in check_ins}
        unknown = list({e.key_result_id for e in recorded
                          if e.check_in_id not in facts.previous_check_ins})
        for check_in in await rm.check_ins_of(org, unknown) if unknown else []:
            facts.check_ins.setdefault(check_in.key_result_id, []).append(check_in)
        owners = {p for _, e in events if (p := self._owner_person(e, facts)) is not None}
        named = owners | {p for _, e in events for p in (
            e.actor_id, getattr(e, "person_id", None)) if p is not None}
        people = await rm.people_by_ids(org, list(named)) if named else []
        facts.person_teams = {p.id: p.team_id for p in people if p.id in owners}
        facts.external_ids = {p.id: p.external_id for p in people}
        owning_teams = {_objective_facts(e, facts.objectives.get(e.originator_id))[3]
                        for _, e in events}
        facts.teams = await self._team_paths(
            org, owning_teams | set(facts.person_teams.values()))
        return facts

    async def _team_paths(self, org: UUID, team_ids: set[UUID | None]) -> dict[UUID, TeamRow]:
        """The teams and every team above them (one query per level of the hierarchy)."""
        teams: dict[UUID, TeamRow] = {}
        wanted = {t for t in team_ids if t is not None}
        for _ in range(MAX_TEAM_DEPTH):
            if not wanted:
                break
            found = await self.read_model.teams_by_ids(org, sorted(wanted))
            teams.update((t.id, t) for t in found)
            wanted = {t.parent_team_id for t in found
                      if t.parent_team_id is not None and t.parent_team_id not in teams}
        return teams

    @staticmethod
    def _owner_person(event: Any, facts: _OrgFacts) -> UUID | None:
        row = facts.objectives.get(event.originator_id)
        if row is not None:
            return row.owner_person_id
        owner: UUID | None = getattr(event, "owner_person_id", None)
        return owner

    def _make(self, position: int, e: Any, facts: _OrgFacts) -> LiveEvent:
        kind = TOPIC_TYPES[e.TOPIC]
        row = facts.objectives.get(e.originator_id)
        level, obj_kind, visibility, team_id, person_id, title = _objective_facts(e, row)
        if team_id is None and person_id is not None:
            team = facts.person_teams.get(person_id)
        else:
            team = team_id
        cycle = facts.cycles.get(e.cycle_id) if e.cycle_id else None
        organization = facts.organization
        extra = _event_fields(kind, e)
        title = extra.pop("objective_title", title)
        kr_id = extra.get("key_result_id")
        kr_row = facts.key_results.get(kr_id) if kr_id else None
        extra.setdefault("key_result_title", kr_row.title if kr_row else None)
        if kind in (EventType.CHECK_IN_RECORDED, EventType.CHECK_IN_CORRECTED):
            extra["band"] = _band(extra.get("objective_score_after"), obj_kind,
                                  facts.policy)
        if kind is EventType.CHECK_IN_RECORDED:
            extra.update(_cadence(e, facts, facts.policy.check_in_cadence_days))
        return LiveEvent(
            event_id=event_id(e.originator_id, e.originator_version), position=position,
            type=kind, occurred_at=e.timestamp, organization_id=e.organization_id,
            organization_name=organization.name if organization else None,
            hr_mode=facts.policy.hr_mode if organization else HrMode.NONE,
            objective_id=e.originator_id, objective_title=title,
            objective_level=level, objective_kind=obj_kind, visibility=visibility,
            owner_person_id=person_id, owner_team_id=team_id,
            team_path=facts.team_path(team), cycle_id=e.cycle_id,
            cycle_key=cycle.key if cycle else None, cycle_name=cycle.name if cycle else None,
            actor_id=e.actor_id, owner_external_id=_external(facts, person_id),
            actor_external_id=_external(facts, e.actor_id),
            supporter_external_id=_external(facts, extra.get("supporter_id")), **extra)


def _external(facts: _OrgFacts, person_id: UUID | None) -> str | None:
    return facts.external_ids.get(person_id) if person_id is not None else None


def _band(score: Any, kind: Kind | None, policy: OkrPolicy) -> str | None:
    """The band of an objective's score under the organization's policy."""
    if score is None or kind is None:
        return None
    return scoring.band(score, kind, policy.bands).value


async def _no_check_ins() -> list[CheckInRow]:
    return []


def _objective_facts(e: Any, row: ObjectiveRow | None) -> tuple[
        Level | None, Kind | None, Visibility, UUID | None, UUID | None, str | None]:
    if row is not None:
        return (row.level, row.kind, row.visibility, row.owner_team_id, row.owner_person_id,
                row.title)
    if TOPIC_TYPES[e.TOPIC] is EventType.OBJECTIVE_CREATED:
        return (Level(e.level), Kind(e.kind), Visibility(e.visibility), e.owner_team_id,
                e.owner_person_id, e.title)
    return None, None, Visibility.PRIVATE, None, None, None


def _event_fields(kind: EventType, e: Any) -> dict[str, Any]:
    """What the event itself says, under the LiveEvent's field names."""
    fields: dict[str, Any] = {}
    if kind in (EventType.OBJECTIVE_CREATED, EventType.OBJECTIVE_EDITED):
        fields["objective_title"] = e.title
    if kind in (EventType.KEY_RESULT_ADDED, EventType.KEY_RESULT_EDITED):
        fields["key_result_title"] = e.title
    if kind in (EventType.CHECK_IN_RECORDED, EventType.CHECK_IN_CORRECTED):
        fields.update(check_in_id=e.check_in_id, value=e.value,
                      previous_value=e.previous_value, confidence=e.confidence, note=e.note,
                      score_before=e.score_before, score_after=e.score_after)
    if kind is EventType.CHECK_IN_RECORDED:
        fields.update(applies_at=e.applies_at, in_one_on_one=e.in_one_on_one)
    if kind is EventType.CHECK_IN_CORRECTED:
        fields["reason"] = e.reason
    for name in ("key_result_id", "objective_score_before", "objective_score_after"):
        if hasattr(e, name):
            fields[name] = getattr(e, name)
    if kind in (EventType.GRADE_OVERRIDDEN, EventType.OBJECTIVE_CLOSED):
        fields.update(computed_score=e.computed_score, grade_override=e.override,
                      reason=e.reason)
    if kind is EventType.OBJECTIVE_CLOSED:
        fields.update(final_score=e.final_score, band=e.band)
    if kind in (EventType.OBJECTIVE_ARCHIVED, EventType.UNALIGNED):
        fields["reason"] = e.reason
    if kind in (EventType.ALIGNED, EventType.UNALIGNED):
        fields["parent_objective_id"] = e.parent_id
    if kind in (EventType.SUPPORT_COMMITTED, EventType.SUPPORT_WITHDRAWN):
        fields["supporter_id"] = e.person_id
    return fields


def _cadence(e: Any, facts: _OrgFacts, cadence_days: int) -> dict[str, Any]:
    """Engagement: when the key result's previous check-in was recorded, and whether this
    one came within the organization's cadence of it (a first check-in keeps it). The
    catalog's row of the check-in says; without one, the key result's history."""
    previous: datetime | None
    if e.check_in_id in facts.previous_check_ins:
        previous = facts.previous_check_ins[e.check_in_id]
    else:
        earlier = [c.recorded_at for c in facts.check_ins.get(e.key_result_id, [])
                   if c.sequence < e.originator_version]
        previous = max(earlier) if earlier else None
    kept = previous is None or e.timestamp - previous <= timedelta(days=cadence_days)
    return {"previous_check_in_at": previous, "cadence_kept": kept}
