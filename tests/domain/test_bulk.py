"""Bulk loads: the same commands and events, saved in batches; simulated time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from okr_domain.access import Actor
from okr_domain.application import OkrApplication
from okr_domain.bulk import BulkLoadError
from okr_domain.errors import DomainError
from okr_domain.objective import Objective
from tests.domain.bulk_loads import load_people_with_check_ins

START = datetime(2026, 7, 1, tzinfo=UTC)


def test_a_bulk_load_writes_the_same_events_in_batches(app: OkrApplication) -> None:
    with app.bulk(flush_every=100) as bulk:
        made = load_people_with_check_ins(app, people=20, weeks=5, start=START)
        assert bulk.saved_events > 0  # flushed along the way
    plain = OkrApplication(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    load_people_with_check_ins(plain, people=20, weeks=5, start=START)
    assert app.current_position() == plain.current_position()
    for objective_id, kr_id in made:
        objective = app.repository.get(objective_id)
        assert isinstance(objective, Objective)
        assert objective.key_results[kr_id].current == 5  # type: ignore[index]
        assert len(objective.check_ins) == 5


def test_events_carry_the_simulated_time_in_order(app: OkrApplication) -> None:
    with app.bulk():
        load_people_with_check_ins(app, people=3, weeks=3, start=START)
    notifications = app.recorder.select_notifications(start=1, limit=1000)
    events = [app.mapper.to_domain_event(n) for n in notifications]
    check_ins = [e.timestamp for e in events if isinstance(e, Objective.CheckInRecorded)]
    assert check_ins == sorted(check_ins)
    assert check_ins[0] == START + timedelta(weeks=1)
    assert check_ins[-1] == START + timedelta(weeks=3)


def test_a_failing_command_stops_the_bulk_load(app: OkrApplication) -> None:
    org = app.create_organization("Acme", "acme").id
    admin = Actor.system(org)
    before = app.current_position()
    with pytest.raises(BulkLoadError), app.bulk():  # noqa: PT012
        app.create_cycle(admin, "2026-Q3")
        with pytest.raises(DomainError):
            app.create_cycle(admin, "2026-Q3")  # fails inside the command: it exists
    assert app.current_position() == before


def test_a_bulk_load_on_an_empty_store_does_not_look_up_new_ids(
        app: OkrApplication, monkeypatch: pytest.MonkeyPatch) -> None:
    looked_up: list[object] = []
    get = app.repository.get

    def counting_get(aggregate_id: object, *args: object, **kwargs: object) -> object:
        looked_up.append(aggregate_id)
        return get(aggregate_id, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(app.repository, "get", counting_get)
    with app.bulk(flush_every=100):
        load_people_with_check_ins(app, people=5, weeks=2, start=START)
        assert looked_up == []


def test_a_bulk_load_on_a_used_store_still_finds_what_it_holds(app: OkrApplication) -> None:
    org = app.create_organization("Acme", "acme").id
    admin = Actor.system(org)
    with pytest.raises(BulkLoadError), app.bulk():  # noqa: PT012
        app.create_cycle(admin, "2026-Q3")
        with pytest.raises(DomainError):
            app.create_organization("Again", "acme")  # found in the store: it exists


def test_a_forgotten_aggregate_is_loaded_again(app: OkrApplication) -> None:
    with app.bulk(flush_every=100) as bulk:
        made = load_people_with_check_ins(app, people=2, weeks=1, start=START)
        objective_id, kr_id = made[0]
        bulk.flush()
        bulk.forget(objective_id)  # type: ignore[arg-type]
        assert bulk.get(objective_id) is None  # type: ignore[arg-type]
        org = next(a for a in bulk.staged.values() if type(a).__name__ == "Organization")
        app.record_check_in(Actor.system(org.id), objective_id, kr_id, 7)  # type: ignore[arg-type]
    objective = app.repository.get(objective_id)  # type: ignore[arg-type]
    assert isinstance(objective, Objective)
    assert objective.key_results[kr_id].current == 7  # type: ignore[index]
