"""Group commit on PostgreSQL: concurrent commands share transactions, yet every
command gets its own result, conflicts are still detected, and nothing is lost."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from uuid import UUID

import pytest

from okr_api.storage import init_database, store_env
from okr_domain.access import Actor
from okr_domain.errors import DomainError, ErrorCode
from okr_domain.values import MetricType

from .conftest import World, build_world
from .test_concurrency import ConflictCountingApplication, _check_store, _hammer, run_threads

pytestmark = pytest.mark.postgres


@pytest.fixture
def grouped(postgres_url: str) -> Iterator[tuple[ConflictCountingApplication, ...]]:
    init_database(postgres_url).close()
    env = {**store_env(postgres_url, create_tables=False), "OKR_GROUP_COMMIT": "y"}
    apps = tuple(ConflictCountingApplication(env=env) for _ in range(2))
    yield apps
    for app in apps:
        app.close()


@pytest.fixture
def world(grouped: tuple[ConflictCountingApplication, ...]) -> World:
    app = grouped[0]
    return build_world(app, Actor.system(app.create_organization("Acme", "acme").id))


def test_grouped_check_ins_are_all_recorded_once(
    grouped: tuple[ConflictCountingApplication, ...], world: World
) -> None:
    oid, krs = _hammer(grouped, world, threads=8, per_thread=25)
    _check_store(grouped[1], oid, krs, 200)
    committers = [app._committer for app in grouped]
    assert all(c is not None for c in committers)
    # Commands on different key results share the one objective, so they conflict
    # across the two processes and retry; within a process they queue behind the
    # objective's lock. What shares transactions is everything else in flight.
    assert sum(app.conflicts for app in grouped) > 0


def test_independent_commands_share_transactions(
    grouped: tuple[ConflictCountingApplication, ...], world: World
) -> None:
    app = grouped[0]
    objectives = [world.team_objective("platform", title=f"T{n}") for n in range(16)]
    key_results = [app.add_key_result(world.admin, oid, "KR", MetricType.INCREASE_TO,
                                      start=Decimal(0), target=Decimal(100)).id
                   for oid in objectives]
    for oid in objectives:
        app.activate_objective(world.admin, oid)
    committer = app._committer
    assert committer is not None
    before = (committer.transactions, committer.submissions)

    def work(index: int) -> list[int]:
        return [app.record_check_in(world.admin, objectives[index], key_results[index],
                                    n).position for n in range(20)]

    positions = run_threads(16, work)
    transactions = committer.transactions - before[0]
    submissions = committer.submissions - before[1]
    assert submissions == 16 * 20
    assert transactions < submissions  # groups formed
    flat = [p for thread in positions for p in thread]
    assert len(set(flat)) == len(flat)  # each command got its own position
    assert all(thread == sorted(thread) for thread in positions)


def test_grouped_racing_alignments_never_both_succeed(
    grouped: tuple[ConflictCountingApplication, ...], world: World
) -> None:
    first_app, second_app = grouped
    for round_ in range(10):
        a = world.team_objective("platform", title=f"A{round_}")
        b = world.team_objective("sales", title=f"B{round_}")

        def align(index: int, a: UUID = a, b: UUID = b) -> DomainError | None:
            app, child, parent = ((first_app, a, b), (second_app, b, a))[index]
            try:
                app.align_objective(world.admin, child, parent)
            except DomainError as refused:
                return refused
            return None

        errors = run_threads(2, align)
        assert [e is None for e in errors].count(True) == 1, errors
        assert next(e for e in errors if e).code is ErrorCode.ALIGNMENT_CYCLE
