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
from functools import cached_property, lru_cache
from typing import Any
from uuid import UUID
from weakref import WeakKeyDictionary

from eventsourcing.application import Application
from eventsourcing.persistence import Notification

from okr_api.live.decoding import EventDecoder
from okr_api.live.event_fields import event_fields
from okr_api.live.lean import lean_event
from okr_api.live.model import TOPIC_TYPES, EventType, LiveEvent
from okr_api.live.slim import Detail, slim_event
from okr_domain import scoring
from okr_domain.values import BandEdges, HrMode, Kind, Level, OkrPolicy, Visibility
from projections.catalog.rows import CheckInRow, CycleRow, OrganizationRow
from projections.reading.feed_rows import FeedQuery, FeedRows, ObjectiveBrief
from projections.reading.interface import AsyncCatalogReader

log = logging.getLogger("okr_api.live")

OBJECTIVE_TOPICS: frozenset[str] = frozenset(TOPIC_TYPES)
CATCH_UP_SECONDS = 2.0
MAX_TEAM_DEPTH = 64

Decoded = tuple[int, Any]
"""A position and the domain event stored there."""


def decode(app: Application[Any], notifications: Sequence[Notification]) -> list[Decoded]:
    """The OKR events among ``notifications`` (blocking: run it in a thread)."""
    decoder = _decoders.get(app)
    if decoder is None:
        decoder = _decoders[app] = EventDecoder(app)
    return [(n.id, decoder(n)) for n in notifications if n.topic in TOPIC_TYPES]


def stamps(app: Application[Any], notifications: Sequence[Notification]) -> list[Decoded]:
    """``decode``, for slim events: each OKR event's ``Stamp`` (blocking)."""
    decoder = _decoders.get(app)
    if decoder is None:
        decoder = _decoders[app] = EventDecoder(app)
    return [(n.id, decoder.stamp(n)) for n in notifications if n.topic in TOPIC_TYPES]


_decoders: WeakKeyDictionary[Application[Any], EventDecoder] = WeakKeyDictionary()


@dataclass
class _OrgFacts:
    organization: OrganizationRow | None = None
    rows: FeedRows = field(default_factory=FeedRows)
    cycles: dict[UUID, CycleRow] = field(default_factory=dict)
    check_ins: dict[UUID, list[CheckInRow]] = field(default_factory=dict)
    """Key results' histories, for check-ins the catalog has no row for yet."""
    _paths: dict[UUID | None, tuple[UUID, ...]] = field(default_factory=dict)
    _cycle_values: dict[UUID | None, dict[str, Any]] = field(default_factory=dict)

    @cached_property
    def policy(self) -> OkrPolicy:
        return self.organization.policy if self.organization else OkrPolicy()

    def team_path(self, team_id: UUID | None) -> tuple[UUID, ...]:
        """The team and the teams above it (worked out once per team of a batch)."""
        path = self._paths.get(team_id)
        if path is None:
            parents = self.rows.parent_teams
            steps: list[UUID] = []
            team = team_id
            while team is not None and team not in steps and len(steps) < MAX_TEAM_DEPTH:
                steps.append(team)
                team = parents.get(team)
            path = self._paths[team_id] = tuple(steps)
        return path

    @cached_property
    def cadence(self) -> timedelta:
        """The organization's check-in cadence."""
        return timedelta(days=self.policy.check_in_cadence_days)

    @cached_property
    def organization_values(self) -> dict[str, Any]:
        """The LiveEvent's fields from the organization (the same for the batch)."""
        organization = self.organization
        return {"organization_name": organization.name if organization else None,
                "hr_mode": self.policy.hr_mode if organization else HrMode.NONE}

    def cycle_values(self, cycle_id: UUID | None) -> dict[str, Any]:
        """The LiveEvent's fields from the cycle (once per cycle of the batch)."""
        values = self._cycle_values.get(cycle_id)
        if values is None:
            cycle = self.cycles.get(cycle_id) if cycle_id else None
            values = self._cycle_values[cycle_id] = {
                "cycle_key": cycle.key if cycle else None,
                "cycle_name": cycle.name if cycle else None}
        return values


class EventBuilder:
    def __init__(self, read_model: AsyncCatalogReader,
                 catch_up_seconds: float = CATCH_UP_SECONDS) -> None:
        self.read_model = read_model
        self.catch_up_seconds = catch_up_seconds

    async def build(self, decoded: Sequence[Decoded],
                    detail: Detail = Detail.FULL) -> list[LiveEvent]:
        """The events, enriched; lean or slim (``okr_api.live.slim``): only with their
        organization's and cycle's facts (slim: from ``stamps``)."""
        if not decoded:
            return []
        last = decoded[-1][0]
        if not await self.read_model.wait_for_position(last, self.catch_up_seconds):
            log.warning("the catalog has not reached position %s; enriching with what it has",
                        last)
        by_org: dict[UUID, list[Decoded]] = defaultdict(list)
        for position, event in decoded:
            by_org[event.organization_id].append((position, event))
        if detail is not Detail.FULL:
            known = dict(zip(by_org, await asyncio.gather(
                *(self._lean_facts(org, events) for org, events in by_org.items())),
                strict=True))
            make = slim_event if detail is Detail.SLIM else lean_event
            return [make(position, event, known[event.organization_id].organization_values,
                         known[event.organization_id].cycle_values)
                    for position, event in decoded]
        facts = dict(zip(by_org, await asyncio.gather(
            *(self._facts(org, events) for org, events in by_org.items())), strict=True))
        return [_make(position, event, facts[event.organization_id])
                for position, event in decoded]

    async def _lean_facts(self, org: UUID, events: list[Decoded]) -> _OrgFacts:
        rm = self.read_model
        cycle_ids = list({e.cycle_id for _, e in events if e.cycle_id is not None})
        organization, cycles = await asyncio.gather(
            rm.organization(org), rm.cycles_by_ids(org, cycle_ids))
        return _OrgFacts(organization, cycles={c.id: c for c in cycles})

    async def _facts(self, org: UUID, events: list[Decoded]) -> _OrgFacts:
        # Only the columns the events name, ids as the store gives them (equal to
        # uuid.UUID): the full rows cost more than the rest of a catch-up's work.
        rm = self.read_model
        objective_ids: set[UUID] = set()
        kr_ids: set[UUID] = set()
        cycle_ids: set[UUID] = set()
        check_in_ids: set[UUID] = set()
        named: set[UUID] = set()
        owner_people: set[UUID] = set()
        owner_teams: set[UUID] = set()
        recorded: list[Any] = []
        for _, e in events:
            objective_ids.add(e.originator_id)
            if e.cycle_id is not None:
                cycle_ids.add(e.cycle_id)
            if e.actor_id is not None:
                named.add(e.actor_id)
            kr_id = getattr(e, "key_result_id", None)
            if kr_id is not None:
                kr_ids.add(kr_id)
            kind = TOPIC_TYPES[e.TOPIC]
            if kind is EventType.CHECK_IN_RECORDED:
                recorded.append(e)
                check_in_ids.add(e.check_in_id)
            elif kind is EventType.OBJECTIVE_CREATED:
                # Owners as the event names them, for an objective the catalog lacks.
                if e.owner_person_id is not None:
                    owner_people.add(e.owner_person_id)
                if e.owner_team_id is not None:
                    owner_teams.add(e.owner_team_id)
            elif kind in (EventType.SUPPORT_COMMITTED, EventType.SUPPORT_WITHDRAWN):
                named.add(e.person_id)
        query = FeedQuery(objective_ids, kr_ids, check_in_ids, named, owner_people,
                          owner_teams)
        organization, cycles, rows = await asyncio.gather(
            rm.organization(org), rm.cycles_by_ids(org, list(cycle_ids)),
            rm.feed_rows(org, query))
        facts = _OrgFacts(organization, rows, {c.id: c for c in cycles})
        unknown = list({e.key_result_id for e in recorded
                        if e.check_in_id not in rows.previous_check_ins})
        for check_in in await rm.check_ins_of(org, unknown) if unknown else []:
            facts.check_ins.setdefault(check_in.key_result_id, []).append(check_in)
        return facts


def _make(position: int, e: Any, facts: _OrgFacts) -> LiveEvent:
    kind = TOPIC_TYPES[e.TOPIC]
    rows = facts.rows
    level, obj_kind, visibility, team_id, person_id, title = _objective_facts(
        e, rows.objectives.get(e.originator_id))
    team = team_id
    if team_id is None and person_id is not None:
        owner = rows.people.get(person_id)
        team = owner.team_id if owner is not None else None
    values = event_fields(kind, e)
    title = values.pop("objective_title", title)
    if "key_result_title" not in values:
        kr_id = values.get("key_result_id")
        values["key_result_title"] = rows.key_result_titles.get(kr_id) if kr_id else None
    if kind is EventType.CHECK_IN_RECORDED or kind is EventType.CHECK_IN_CORRECTED:
        values["band"] = _band(values.get("objective_score_after"), obj_kind,
                               facts.policy.bands)
    if kind is EventType.CHECK_IN_RECORDED:
        _cadence(values, e, facts)
    people = rows.people
    owner_person = people.get(person_id) if person_id is not None else None
    actor_id = e.actor_id
    actor = people.get(actor_id) if actor_id is not None else None
    supporter_id = values.get("supporter_id")
    supporter = people.get(supporter_id) if supporter_id is not None else None
    cycle_id = e.cycle_id
    values.update({
        **facts.organization_values, **facts.cycle_values(cycle_id),
        "position": position, "type": kind, "occurred_at": e.timestamp,
        "organization_id": e.organization_id, "objective_id": e.originator_id,
        "objective_version": e.originator_version, "objective_title": title,
        "objective_level": level, "objective_kind": obj_kind, "visibility": visibility,
        "owner_person_id": person_id, "owner_team_id": team_id,
        "team_path": facts.team_path(team), "cycle_id": cycle_id, "actor_id": actor_id,
        "owner_external_id": owner_person.external_id if owner_person else None,
        "actor_external_id": actor.external_id if actor else None,
        "supporter_external_id": supporter.external_id if supporter else None})
    return LiveEvent.of_values(values)


@lru_cache(maxsize=1 << 16)
def _band(score: Any, kind: Kind | None, edges: BandEdges) -> str | None:
    """The band of an objective's score under the organization's band edges (scores
    repeat: each is banded once while remembered)."""
    if score is None or kind is None:
        return None
    return scoring.band(score, kind, edges).value


def _objective_facts(e: Any, row: ObjectiveBrief | None) -> tuple[
        Level | None, Kind | None, Visibility, UUID | None, UUID | None, str | None]:
    if row is not None:
        return (row.level, row.kind, row.visibility, row.owner_team_id, row.owner_person_id,
                row.title)
    if TOPIC_TYPES[e.TOPIC] is EventType.OBJECTIVE_CREATED:
        return (Level(e.level), Kind(e.kind), Visibility(e.visibility), e.owner_team_id,
                e.owner_person_id, e.title)
    return None, None, Visibility.PRIVATE, None, None, None


def _cadence(values: dict[str, Any], e: Any, facts: _OrgFacts) -> None:
    """Engagement: when the key result's previous check-in was recorded, and whether this
    one came within the organization's cadence of it (a first check-in keeps it). The
    catalog's row of the check-in says; without one, the key result's history."""
    previous: datetime | None
    known = facts.rows.previous_check_ins
    if e.check_in_id in known:
        previous = known[e.check_in_id]
    else:
        earlier = [c.recorded_at for c in facts.check_ins.get(e.key_result_id, [])
                   if c.sequence < e.originator_version]
        previous = max(earlier) if earlier else None
    values["previous_check_in_at"] = previous
    values["cadence_kept"] = previous is None or e.timestamp - previous <= facts.cadence
