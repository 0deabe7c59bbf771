"""Large inserts on PostgreSQL go by COPY: the same log, positions and conflicts as the
library's statement."""

from __future__ import annotations

from uuid import uuid4

import pytest
from eventsourcing.persistence import IntegrityError, StoredEvent

from okr_domain.application import OkrApplication
from okr_domain.persistence.postgres_store import COPY_FROM_EVENTS
from tests.domain.bulk_loads import load_people_with_check_ins


def _log(app: OkrApplication) -> list[tuple[int, str]]:
    return [(n.id, n.topic) for n in app.recorder.select_notifications(start=1, limit=100_000)]


def test_a_copied_bulk_load_writes_the_same_log(pg_app: OkrApplication) -> None:
    flush_every = COPY_FROM_EVENTS * 2
    positions: list[int] = []
    pg_app.add_save_listener(positions.append)
    with pg_app.bulk(flush_every=flush_every) as bulk:
        load_people_with_check_ins(pg_app, people=40, weeks=4)
    assert bulk.saved_events == pg_app.current_position()
    assert len(positions) > 1
    assert positions[-1] == pg_app.current_position()
    inline = OkrApplication(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    with inline.bulk(flush_every=flush_every):
        load_people_with_check_ins(inline, people=40, weeks=4)
    assert _log(pg_app) == _log(inline)
    # Every event reads back as the one recorded (state and all).
    for notification in pg_app.recorder.select_notifications(start=1, limit=100_000):
        event = pg_app.mapper.to_domain_event(notification)
        assert pg_app.mapper.to_stored_event(event).state == notification.state


def test_copied_events_get_the_ids_they_were_issued(pg_app: OkrApplication) -> None:
    pg_app.create_organization("Acme", "acme")
    before = pg_app.current_position()
    events = [StoredEvent(uuid4(), 1, "okr.Test", f"{n}".encode())
              for n in range(COPY_FROM_EVENTS)]
    ids = pg_app.recorder.insert_events(events)
    assert ids == list(range(before + 1, before + 1 + len(events)))
    stored = pg_app.recorder.select_notifications(start=before + 1, limit=len(events))
    assert [(n.originator_id, n.state) for n in stored] == [
        (e.originator_id, e.state) for e in events]


def test_a_copy_that_conflicts_writes_nothing(pg_app: OkrApplication) -> None:
    pg_app.create_organization("Acme", "acme")
    before = pg_app.current_position()
    events = [StoredEvent(uuid4(), 1, "okr.Test", b"{}") for _ in range(COPY_FROM_EVENTS)]
    events.append(events[0])
    with pytest.raises(IntegrityError):
        pg_app.recorder.insert_events(events)
    assert pg_app.current_position() == before
