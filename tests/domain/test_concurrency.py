"""Concurrent commands on PostgreSQL: retries on version conflicts, the alignment graph
guard, and idempotency keys under concurrent retries.

"Two processes" are two ``OkrApplication`` instances on the same schema: each has its
own in-process locks, so their commands really collide in the database.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from typing import TypeVar
from uuid import UUID

import pytest
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError

from okr_api.storage import init_database, store_env
from okr_domain.access import Actor
from okr_domain.alignment import AlignmentGraph
from okr_domain.application import OkrApplication
from okr_domain.command_base import Result
from okr_domain.errors import DomainError, ErrorCode
from okr_domain.ids import alignment_graph_id
from okr_domain.objective import Objective
from okr_domain.values import Level, MetricType

from .conftest import World, build_world

pytestmark = pytest.mark.postgres

T = TypeVar("T")


class ConflictCountingApplication(OkrApplication):
    """The application, counting the version conflicts its commands ran into."""

    name = "okr"  # the same tables as the application itself

    def __init__(self, env: dict[str, str] | None = None) -> None:
        super().__init__(env)
        self.conflicts = 0
        self._count_lock = threading.Lock()

    def save_all(self, *aggregates: Aggregate | None) -> int:
        try:
            return super().save_all(*aggregates)
        except IntegrityError:
            with self._count_lock:
                self.conflicts += 1
            raise


@pytest.fixture
def processes(postgres_url: str) -> Iterator[tuple[ConflictCountingApplication, ...]]:
    init_database(postgres_url).close()
    apps = tuple(ConflictCountingApplication(env=store_env(postgres_url, create_tables=False))
                 for _ in range(2))
    yield apps
    for app in apps:
        app.close()


@pytest.fixture
def pg_world(processes: tuple[ConflictCountingApplication, ...]) -> World:
    app = processes[0]
    return build_world(app, Actor.system(app.create_organization("Acme", "acme").id))


def run_threads(count: int, work: Callable[[int], T]) -> list[T]:
    """Run ``work(i)`` on ``count`` threads started together; re-raise any error."""
    barrier = threading.Barrier(count)

    def start(index: int) -> T:
        barrier.wait(timeout=30)
        return work(index)

    with ThreadPoolExecutor(max_workers=count) as pool:
        futures = [pool.submit(start, i) for i in range(count)]
        return [f.result(timeout=240) for f in futures]


# Check-ins from many threads.


def _objective_with_key_results(world: World, count: int) -> tuple[UUID, list[UUID]]:
    app, admin = world.app, world.admin
    oid = app.create_objective(admin, world.cycle_id, Level.COMPANY, "Hot objective").id
    app.activate_objective(admin, oid)
    krs = [app.add_key_result(admin, oid, f"KR {n}", MetricType.INCREASE_TO,
                              start=Decimal(0), target=Decimal(1_000_000)).id
           for n in range(count)]
    return oid, krs


def _hammer(apps: tuple[OkrApplication, ...], world: World, threads: int,
            per_thread: int) -> tuple[UUID, list[UUID]]:
    oid, krs = _objective_with_key_results(world, 4)

    def work(index: int) -> None:
        app = apps[index % len(apps)]
        for n in range(per_thread):
            app.record_check_in(world.admin, oid, krs[index % len(krs)],
                                index * 1000 + n)

    run_threads(threads, work)
    return oid, krs


def _check_store(app: OkrApplication, oid: UUID, krs: list[UUID], expected: int) -> None:
    check_ins = [e for e in app.events.get(oid) if isinstance(e, Objective.CheckInRecorded)]
    assert len(check_ins) == expected
    assert len({e.check_in_id for e in check_ins}) == expected
    # Each thread's check-ins are all there, once, in the order the thread made them.
    by_thread: dict[int, list[int]] = {}
    for e in check_ins:
        thread, n = divmod(int(e.value), 1000)
        by_thread.setdefault(thread, []).append(n)
    per_thread = expected // len(by_thread)
    assert all(ns == list(range(per_thread)) for ns in by_thread.values())
    fresh = OkrApplication(env=app.env)
    try:
        loaded = fresh.repository.get(oid)
        assert isinstance(loaded, Objective)
        for kr in krs:
            last = [e for e in check_ins if e.key_result_id == kr][-1]
            assert loaded.key_results[kr].current == last.value
            assert loaded.key_results[kr].score == pytest.approx(float(last.value) / 1e6)
        assert len(loaded.check_ins) == expected
    finally:
        fresh.close()


def test_sixteen_threads_record_eight_hundred_check_ins(
    processes: tuple[ConflictCountingApplication, ...], pg_world: World
) -> None:
    app = processes[0]
    oid, krs = _hammer((app,), pg_world, threads=16, per_thread=50)
    _check_store(app, oid, krs, 800)


def test_two_processes_conflict_and_retry_without_losing_a_check_in(
    processes: tuple[ConflictCountingApplication, ...], pg_world: World
) -> None:
    oid, krs = _hammer(processes, pg_world, threads=16, per_thread=50)
    _check_store(processes[1], oid, krs, 800)
    # The two processes really collided, and every collision was retried.
    assert sum(app.conflicts for app in processes) > 0


# The alignment graph guard.


def test_racing_opposite_alignments_never_both_succeed(
    processes: tuple[ConflictCountingApplication, ...], pg_world: World
) -> None:
    first_app, second_app = processes
    admin = pg_world.admin
    for round_ in range(30):
        a = pg_world.team_objective("platform", title=f"A{round_}")
        b = pg_world.team_objective("sales", title=f"B{round_}")

        def align(index: int, a: UUID = a, b: UUID = b) -> DomainError | None:
            app, child, parent = ((first_app, a, b), (second_app, b, a))[index]
            try:
                app.align_objective(admin, child, parent)
            except DomainError as refused:
                return refused
            return None

        errors = run_threads(2, align)
        assert [e is None for e in errors].count(True) == 1, errors
        (error,) = [e for e in errors if e is not None]
        assert error.code is ErrorCode.ALIGNMENT_CYCLE, error
        loaded = [second_app.repository.get(x) for x in (a, b)]
        assert sorted(o.parent_id is not None for o in loaded) == [False, True]
    graph = second_app.repository.get(alignment_graph_id(pg_world.organization_id))
    assert isinstance(graph, AlignmentGraph)
    assert len(graph.parents) == 30
    for child_hex, parent_hex in graph.parents.items():
        assert graph.parents.get(parent_hex) != child_hex


# Idempotency under concurrent retries.


def test_concurrent_retries_with_one_key_record_once(
    processes: tuple[ConflictCountingApplication, ...], pg_world: World
) -> None:
    oid, (kr, *_) = _objective_with_key_results(pg_world, 1)

    def retry(index: int) -> Result:
        return processes[index % 2].record_check_in(
            pg_world.admin, oid, kr, 42, note="weekly", idempotency_key="retry-me")

    first = run_threads(8, retry)
    assert len({r.id for r in first}) == 1
    assert [r.replayed for r in first].count(False) == 1
    later = run_threads(8, retry)
    assert {r.id for r in later} == {first[0].id}
    assert all(r.replayed for r in later)
    check_ins = [e for e in processes[0].events.get(oid)
                 if isinstance(e, Objective.CheckInRecorded)]
    assert [e.check_in_id for e in check_ins] == [first[0].id]
