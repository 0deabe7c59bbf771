"""Lean and slim catch-ups (``okr_api.live.lean``, ``okr_api.live.slim``): an admin whose
selection names only what the stored event says gets the same payloads as with the
catalog's facts, for every kind of event, and so does one whose selection names only
its position, type and time; anyone else, or a selection or filter that needs the
catalog, gets full events."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

import pytest

from okr_api.graphql.types.live import OkrEvent
from okr_api.live.audience import Audience
from okr_api.live.filters import EventFilter
from okr_api.live.lean import CATALOG_FIELDS, LEAN_FIELDS, lean_event, leanable
from okr_api.live.model import LiveEvent
from okr_api.live.render import Plan
from okr_api.live.slim import EVENT_FIELDS, SLIM_FIELDS, Detail, Stamp, detail_for, slim_event
from okr_domain.access import Actor
from okr_domain.values import Kind, Level, MetricType, Role
from projections.reading.queries import ViewerScope
from tests.live.support import OKR_EVENTS, Feed, Server, World

LEAN_EVENTS = ("subscription O($after: Int) {"
               f" okrEvents(after: $after) {{ {' '.join(sorted(LEAN_FIELDS))} }} }}")
SLIM_EVENTS = ("subscription O($after: Int) {"
               f" okrEvents(after: $after) {{ {' '.join(sorted(SLIM_FIELDS))} }} }}")
ORG = uuid4()


def _plan(*names: str) -> Plan:
    return Plan("okrEvents", tuple((n, n) for n in names), (), OkrEvent.of)


def test_only_admins_with_lean_selections_and_filters_are_fed_lean_events() -> None:
    admin = Audience(ORG, frozenset({Role.ADMIN}))
    admin_hr = Audience(ORG, frozenset({Role.ADMIN, Role.HR}))
    hr = Audience(ORG, frozenset({Role.HR}), uuid4(), ViewerScope())
    member = Audience(ORG, frozenset({Role.MEMBER}), uuid4(), ViewerScope())
    lean = _plan("position", "type", "occurredAt")
    everything = EventFilter()
    assert leanable(lean, admin, everything)
    assert leanable(lean, admin_hr, everything)
    assert leanable(lean, admin, EventFilter(cycle_id=uuid4(), objective_id=uuid4()))
    assert not leanable(None, admin, everything)
    assert not leanable(lean, hr, everything)
    assert not leanable(lean, member, everything)
    assert not leanable(_plan("position", "objectiveTitle"), admin, everything)
    assert not leanable(_plan("position", "objectiveId"), admin, everything)
    assert not leanable(lean, admin, EventFilter(team_id=uuid4()))
    assert not leanable(lean, admin, EventFilter(person_id=uuid4()))
    assert not leanable(lean, admin, EventFilter(kinds=frozenset({Kind.COMMITTED})))
    assert detail_for(lean, admin, EventFilter(cycle_id=uuid4())) is Detail.SLIM
    assert detail_for(_plan("eventId", "cycleName", "hrMode"), admin, everything) is (
        Detail.SLIM)
    assert detail_for(_plan("position", "value"), admin, everything) is Detail.LEAN
    assert detail_for(_plan("position", "teamId"), admin, everything) is Detail.FULL
    assert detail_for(lean, hr, everything) is Detail.FULL
    assert detail_for(None, admin, everything) is Detail.FULL


def test_a_lean_event_refuses_the_catalog_s_fields() -> None:
    class Stored:
        TOPIC = "okr.Objective.Activated"
        timestamp = None
        organization_id = ORG
        originator_id = uuid4()
        originator_version = 3
        cycle_id = None
        actor_id = None

    event = lean_event(7, Stored(), {"organization_name": "Acme"},
                       lambda _cycle: {"cycle_key": None, "cycle_name": None})
    assert isinstance(event, LiveEvent)
    assert event.position == 7
    assert event.organization_name == "Acme"
    for name in CATALOG_FIELDS:
        with pytest.raises(AttributeError, match="lean event"):
            getattr(event, name)
    slim = slim_event(8, Stamp(Stored.TOPIC, datetime.now(UTC), ORG, None, uuid4(), 2),
                      {"organization_name": "Acme"},
                      lambda _cycle: {"cycle_key": None, "cycle_name": None})
    assert slim.position == 8
    assert slim.event_id is not None
    for name in (*CATALOG_FIELDS, *EVENT_FIELDS):
        with pytest.raises(AttributeError, match="event has no"):
            getattr(slim, name)


@pytest.mark.parametrize("live_url", ["sqlite", "postgres"], indirect=True)
async def test_lean_payloads_equal_the_full_ones_for_every_kind_of_event(
        server: Server, world: World) -> None:
    app, system = server.app, Actor.system(world.org)

    def changes() -> None:
        created = app.create_objective(system, world.cycle, Level.TEAM, "Ship it",
                                       owner_team_id=world.platform).id
        app.update_objective(system, created, title="Ship it well")
        kr = app.add_key_result(system, created, "Latency", MetricType.DECREASE_TO,
                                start=500, target=200).id
        app.activate_objective(system, created)
        check_in = app.record_check_in(system, created, kr, 300, confidence=7,
                                       note="on track").id
        app.correct_check_in(system, created, check_in, 280, "typo", note="better")
        app.align_objective(system, world.objective, created)
        app.unalign_objective(system, world.objective, "moved")
        app.support_objective(system, created, world.bob)
        app.withdraw_support(system, created, world.bob)
        app.grade_objective(system, created, 0.6, "fair")
        app.close_cycle(system, world.cycle)

    await asyncio.to_thread(changes)
    head = app.current_position()
    builder = server.fastapi.state.services.extras["live"].event_log.builder
    build, built = builder.build, []

    async def spied(decoded: Any, detail: Detail = Detail.FULL) -> list[LiveEvent]:
        built.append(detail)
        return await build(decoded, detail)

    builder.build = spied
    admin = world.tokens["admin"]
    async with Feed(server.client(admin), LEAN_EVENTS, {"after": 0}) as lean, \
            Feed(server.client(admin), SLIM_EVENTS, {"after": 0}) as slim, \
            Feed(server.client(admin), OKR_EVENTS, {"after": 0}) as full:
        lean_events = await _until(lean, head)
        slim_events = await _until(slim, head)
        full_events = await _until(full, head)
    assert len(lean_events) == len(slim_events) == len(full_events) > 15
    assert set(built) == set(Detail)  # each feed as its selection needs
    for slim_event_, full_event in zip(slim_events, full_events, strict=True):
        assert slim_event_ == {k: full_event[k] for k in SLIM_FIELDS if k in full_event
                               } | {"__typename": "OkrEvent"}
    assert {e["type"] for e in lean_events} >= {
        "OBJECTIVE_CREATED", "OBJECTIVE_EDITED", "KEY_RESULT_ADDED", "OBJECTIVE_ACTIVATED",
        "CHECK_IN_RECORDED", "CHECK_IN_CORRECTED", "ALIGNED", "UNALIGNED",
        "SUPPORT_COMMITTED", "SUPPORT_WITHDRAWN", "GRADE_OVERRIDDEN", "OBJECTIVE_CLOSED"}
    for lean_event_, full_event in zip(lean_events, full_events, strict=True):
        assert lean_event_ == {k: full_event[k] for k in LEAN_FIELDS if k in full_event
                               } | {"__typename": "OkrEvent"}


async def _until(feed: Feed, head: int) -> list[dict[str, object]]:
    for _ in range(500):
        if feed.events and int(str(feed.events[-1]["position"])) >= head:
            return list(feed.events)
        assert feed.error is None, feed.error
        await asyncio.sleep(0.02)
    raise AssertionError(f"{len(feed.events)} events, not up to {head}")
