"""The aggregate cache: commands reuse what earlier commands loaded, see what other
processes wrote since, and never see what a failed command changed."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any
from uuid import UUID

import pytest
from eventsourcing.persistence import IntegrityError

from okr_api.storage import store_env
from okr_domain.application import OkrApplication
from okr_domain.errors import DomainError
from okr_domain.objective import Objective
from okr_domain.values import Level, MetricType

from .conftest import World, build_world

pytestmark = pytest.mark.parametrize("store_url", ["sqlite", "postgres"], indirect=True)


@pytest.fixture
def second(store_url: str, app: OkrApplication) -> Iterator[OkrApplication]:
    """Another process on the same store."""
    other = OkrApplication(env=store_env(store_url, create_tables=False))
    yield other
    other.close()


def objective_with_key_result(world: World) -> tuple[UUID, UUID]:
    app, admin = world.app, world.admin
    oid = app.create_objective(admin, world.cycle_id, Level.COMPANY, "Cached").id
    app.activate_objective(admin, oid)
    kr = app.add_key_result(admin, oid, "Deals", MetricType.INCREASE_TO, start=Decimal(0),
                            target=Decimal(10)).id
    return oid, kr


def loads_from_events(app: OkrApplication, monkeypatch: pytest.MonkeyPatch) -> list[UUID]:
    """Record every aggregate the application loads from its events."""
    loaded: list[UUID] = []
    original = app.repository.get

    def get(aggregate_id: UUID, **kwargs: Any) -> Any:
        loaded.append(aggregate_id)
        return original(aggregate_id, **kwargs)

    monkeypatch.setattr(app.repository, "get", get)
    return loaded


def test_a_command_reuses_the_objective_an_earlier_command_saved(
        world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    oid, kr = objective_with_key_result(world)
    loaded = loads_from_events(world.app, monkeypatch)
    for value in (1, 2, 3):
        world.app.record_check_in(world.admin, oid, kr, value)
    assert oid not in loaded
    stored = world.app.repository.get(oid)
    assert isinstance(stored, Objective)
    assert [c.value for c in stored.check_ins.values()] == [Decimal(1), Decimal(2), Decimal(3)]


def test_what_another_process_wrote_is_seen_by_the_next_command(
        app: OkrApplication, org: Any, second: OkrApplication,
        monkeypatch: pytest.MonkeyPatch) -> None:
    world = build_world(app, org)
    oid, kr = objective_with_key_result(world)
    app.record_check_in(world.admin, oid, kr, 1)  # now kept by ``app``
    second.record_check_in(world.admin, oid, kr, 2)
    second.update_objective(world.admin, oid, title="Renamed elsewhere")
    conflicts: list[Exception] = []
    save_all = app.save_all

    def counting_save_all(*aggregates: Any) -> int:
        try:
            return save_all(*aggregates)
        except IntegrityError as conflict:
            conflicts.append(conflict)
            raise

    monkeypatch.setattr(app, "save_all", counting_save_all)
    # ``app`` brings its kept objective up to date: no conflict, nothing lost.
    app.record_check_in(world.admin, oid, kr, 3)
    assert conflicts == []
    for reader in (app, second):
        objective = reader.repository.get(oid)
        assert objective.title == "Renamed elsewhere"
        values = [c.value for c in objective.check_ins.values()]
        assert values == [Decimal(1), Decimal(2), Decimal(3)]


def test_a_failed_command_leaves_nothing_of_its_changes_for_the_next(
        world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    app = world.app
    oid, kr = objective_with_key_result(world)
    app.record_check_in(world.admin, oid, kr, 1)

    def fail(*aggregates: Any) -> int:
        raise DomainError("the store refused")

    with monkeypatch.context() as patch:
        patch.setattr(app, "save_all", fail)
        with pytest.raises(DomainError):
            app.update_objective(world.admin, oid, title="Never saved")
    app.record_check_in(world.admin, oid, kr, 2)
    objective = app.repository.get(oid)
    assert objective.title == "Cached"
    assert [c.value for c in objective.check_ins.values()] == [Decimal(1), Decimal(2)]


def test_the_cache_is_bounded(store_url: str, app: OkrApplication, org: Any) -> None:
    small = OkrApplication(env={**store_env(store_url, create_tables=False),
                                OkrApplication.AGGREGATE_CACHE_SIZE: "3"})
    try:
        world = build_world(small, org)
        for n in range(6):
            world.company_objective(f"Objective {n}")
        assert len(small.aggregate_cache) == 3
    finally:
        small.close()
