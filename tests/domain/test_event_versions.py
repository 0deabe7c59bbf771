"""Event versioning: check-ins stored before the 1:1 flag existed still load.

``Objective.CheckInRecorded`` is at ``class_version`` 2; version 1 had no
``in_one_on_one`` field and no ``class_version`` key in its stored state.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

import pytest
from eventsourcing.persistence import StoredEvent

from okr_api.storage import store_env
from okr_domain import clock
from okr_domain.application import OkrApplication
from okr_domain.objective import Objective
from okr_domain.values import Level, MetricType

from .conftest import World
from .support import events_of, notifications

TOPIC = "okr.Objective.CheckInRecorded"


def v1_check_in(world: World, objective_id: UUID, key_result_id: UUID, version: int,
                value: Decimal, previous: Decimal | None) -> StoredEvent:
    """A check-in as version 1 wrote it: no 1:1 flag, no class_version key."""
    state = {
        "timestamp": clock.now(),
        "organization_id": world.organization_id,
        "actor_id": world.people["lead"],
        "cycle_id": world.cycle_id,
        "check_in_id": uuid4(),
        "key_result_id": key_result_id,
        "value": value,
        "previous_value": previous,
        "confidence": 6,
        "note": "from the old days",
        "applies_at": clock.now(),
        "progress": float(value) / 10,
        "score_before": 0.0 if previous is None else float(previous) / 10,
        "score_after": float(value) / 10,
        "objective_score_before": 0.0,
        "objective_score_after": float(value) / 10,
    }
    return StoredEvent(originator_id=objective_id, originator_version=version, topic=TOPIC,
                       state=world.app.mapper.transcoder.encode(state))


# Durable backends: the test reopens the store from a second application.
@pytest.mark.parametrize("store_url", ["sqlite", "postgres"], indirect=True)
def test_version_1_check_ins_load_as_not_in_a_one_on_one(world: World, store_url: str) -> None:
    app, admin = world.app, world.admin
    oid = app.create_objective(admin, world.cycle_id, Level.COMPANY, "Old history").id
    app.activate_objective(admin, oid)
    kr = app.add_key_result(admin, oid, "Deals", MetricType.INCREASE_TO, start=Decimal(0),
                            target=Decimal(10)).id
    app.record_check_in(admin, oid, kr, 2, in_one_on_one=True)

    # What version 2 writes: the flag and the class version.
    (current,) = app.recorder.select_events(oid, desc=True, limit=1)
    assert current.topic == TOPIC
    v2_state = json.loads(current.state)
    assert (v2_state["class_version"], v2_state["in_one_on_one"]) == (2, True)

    old = v1_check_in(world, oid, kr, current.originator_version + 1, Decimal(7), Decimal(2))
    v1_state = json.loads(old.state)
    assert set(v2_state) - set(v1_state) == {"class_version", "in_one_on_one"}
    assert set(v1_state) - set(v2_state) == set()
    app.recorder.insert_events([old])

    event = events_of(app, oid)[-1]
    assert type(event) is Objective.CheckInRecorded
    assert event.in_one_on_one is False
    assert (event.value, event.note, event.originator_version) == (
        Decimal(7), "from the old days", old.originator_version)
    newest = notifications(app)[-1]
    assert newest.originator_id == oid
    decoded = app.mapper.to_domain_event(newest)
    assert decoded.in_one_on_one is False  # type: ignore[attr-defined]

    loaded = app.repository.get(oid)
    assert isinstance(loaded, Objective)
    assert loaded.key_results[kr].current == Decimal(7)
    assert loaded.version == old.originator_version
    assert len(loaded.check_ins) == 2

    # A later command builds on the old event, and a new process reads it all the same.
    app.record_check_in(admin, oid, kr, 8)
    reopened = OkrApplication(env=store_env(store_url, create_tables=False))
    try:
        flags = [e.in_one_on_one for e in reopened.events.get(oid)
                 if isinstance(e, Objective.CheckInRecorded)]
        assert flags == [True, False, False]
        assert reopened.repository.get(oid).key_results[kr].current == Decimal(8)
    finally:
        reopened.close()


def test_upcast_adds_the_flag_only() -> None:
    state: dict[str, Any] = {"note": "x"}
    Objective.CheckInRecorded.upcast_v1_v2(state)
    assert state == {"note": "x", "in_one_on_one": False}
    assert Objective.CheckInRecorded.class_version == 2
