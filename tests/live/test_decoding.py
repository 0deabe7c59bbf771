"""The live feed's decoder gives the same domain events as the application's mapper."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any
from uuid import UUID

import orjson
import pytest
from eventsourcing.persistence import Notification

from okr_api.live.decoding import EventDecoder
from okr_api.live.model import TOPIC_TYPES
from okr_api.seeding import SeedPlan, seed
from okr_api.storage import init_database
from okr_domain.objective_events import CheckInRecorded

PLAN = SeedPlan(people=40, cycles=2, seed=5, today=date(2026, 11, 28))


def _same(fast: Any, slow: Any) -> None:
    assert type(fast) is type(slow)
    assert fast.__dict__ == slow.__dict__
    for name, value in slow.__dict__.items():
        assert type(fast.__dict__[name]) is type(value), name


def test_every_stored_event_decodes_as_the_mapper_decodes_it(tmp_path: Path) -> None:
    app = init_database(f"sqlite:///{tmp_path / 'events.sqlite3'}")
    seed(app, PLAN)
    notifications = app.recorder.select_notifications(start=1, limit=1_000_000)
    decode = EventDecoder(app)
    topics = set()
    for notification in notifications:
        _same(decode(notification), app.mapper.to_domain_event(notification))
        topics.add(notification.topic)
    assert len(notifications) > 1000
    assert {"okr.Objective.CheckInRecorded", "okr.Objective.Closed",
            "okr.Person.Created"} <= topics


def test_what_orjson_refuses_is_left_to_the_mapper(tmp_path: Path) -> None:
    app = init_database(f"sqlite:///{tmp_path / 'events.sqlite3'}")
    seed(app, SeedPlan(people=10, cycles=1, seed=5, today=date(2026, 11, 28)))
    stored = app.recorder.select_notifications(start=1, limit=1)[0]
    # A float the standard library writes for not-a-number: orjson does not read it.
    state = stored.state[:-1] + b',"extra":NaN}'
    odd = Notification(id=stored.id, originator_id=stored.originator_id,
                       originator_version=stored.originator_version,
                       topic=stored.topic, state=state)
    fast, slow = EventDecoder(app)(odd), app.mapper.to_domain_event(odd)
    assert type(fast) is type(slow)
    assert fast.__dict__.keys() == slow.__dict__.keys()
    assert fast.extra != fast.extra  # NaN, as the mapper read it


def test_every_stored_okr_event_stamps_as_it_decodes(tmp_path: Path) -> None:
    app = init_database(f"sqlite:///{tmp_path / 'events.sqlite3'}")
    seed(app, PLAN)
    decode = EventDecoder(app)
    stamped = 0
    for notification in app.recorder.select_notifications(start=1, limit=1_000_000):
        if notification.topic not in TOPIC_TYPES:
            continue
        event = app.mapper.to_domain_event(notification)
        stamp = decode.stamp(notification)
        assert stamp == (notification.topic, event.timestamp, event.organization_id,
                         event.cycle_id, event.originator_id, event.originator_version)
        assert [type(v) for v in stamp[1:]] == [
            type(v) for v in (event.timestamp, event.organization_id, event.cycle_id,
                              event.originator_id, event.originator_version)]
        stamped += 1
    assert stamped > 1000


def test_an_event_stored_at_an_older_version_stamps_as_it_is_upcast(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    moved = UUID(int=42)

    def upcast(state: dict[str, Any]) -> None:  # an upcast that changes what is stamped
        state["in_one_on_one"] = False
        state["cycle_id"] = moved

    monkeypatch.setattr(CheckInRecorded, "upcast_v1_v2", staticmethod(upcast))
    app = init_database(f"sqlite:///{tmp_path / 'events.sqlite3'}")
    seed(app, SeedPlan(people=10, cycles=1, seed=5, today=date(2026, 11, 28)))
    stored = next(n for n in app.recorder.select_notifications(start=1, limit=100_000)
                  if n.topic == "okr.Objective.CheckInRecorded")
    state = orjson.loads(stored.state)
    state.pop("class_version")
    state["cycle_id"] = {"_type_": "uuid_hex", "_data_": "0" * 32}
    old = Notification(id=stored.id, originator_id=stored.originator_id,
                       originator_version=stored.originator_version, topic=stored.topic,
                       state=orjson.dumps(state))
    assert app.mapper.to_domain_event(old).cycle_id == moved
    assert EventDecoder(app).stamp(old).cycle_id == moved
