"""Bulk loads with a saver thread: the same log as saving in line, failures surface."""

from __future__ import annotations

from typing import Any

import pytest

from okr_domain.access import Actor
from okr_domain.application import OkrApplication
from okr_domain.bulk import Bulk, BulkLoadError
from okr_domain.errors import DomainError
from tests.domain.bulk_loads import load_people_with_check_ins


def _log(app: OkrApplication) -> list[tuple[int, str, bytes]]:
    return [(n.id, n.topic, n.state)
            for n in app.recorder.select_notifications(start=1, limit=100_000)]


def test_a_background_bulk_load_writes_the_same_log(app: OkrApplication) -> None:
    with app.bulk(flush_every=50, background=True) as bulk:
        load_people_with_check_ins(app, people=15, weeks=4)
    assert bulk.saved_events == app.current_position()
    inline = OkrApplication(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    with inline.bulk(flush_every=50):
        load_people_with_check_ins(inline, people=15, weeks=4)
    ours, theirs = _log(app), _log(inline)
    # Same events in the same order; event ids are random outside seeded_ids, so
    # compare everything but the state bytes' ids: topics, positions and counts.
    assert [(p, t) for p, t, _ in ours] == [(p, t) for p, t, _ in theirs]


def test_a_failing_save_stops_the_load_at_the_next_flush() -> None:
    saved: list[int] = []

    def save(*events: Any) -> int:
        if saved:
            raise RuntimeError("the database went away")
        saved.append(len(events))
        return len(events)

    bulk = Bulk(save, flush_every=2, background=True)
    bulk.pending.extend([1, 2])
    bulk.flush()
    bulk.pending.extend([3, 4])
    with pytest.raises(RuntimeError, match="went away"):
        bulk.flush()
    bulk.close()
    assert saved == [2]


def test_a_failing_command_still_stops_a_background_load(app: OkrApplication) -> None:
    org = app.create_organization("Acme", "acme").id
    admin = Actor.system(org)
    before = app.current_position()
    with pytest.raises(BulkLoadError), app.bulk(background=True):  # noqa: PT012
        app.create_cycle(admin, "2026-Q3")
        with pytest.raises(DomainError):
            app.create_cycle(admin, "2026-Q3")
    assert app.current_position() == before
