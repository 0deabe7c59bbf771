"""Running projections: wake-ups, read-your-writes, rebuilds with an atomic swap, one
active runner per projection, and restarts after a lost connection."""

from __future__ import annotations

import asyncio
import threading
import time
from contextlib import closing
from pathlib import Path

import psycopg
import pytest
from projection_histories import History, build_history
from projection_support import catch_up, dump, reference
from typer.testing import CliRunner

from okr_api.cli import app as cli
from okr_api.storage import init_database
from okr_domain.access import Actor
from okr_domain.application import OkrApplication
from okr_domain.values import Level
from projections.registry import PROJECTIONS
from projections.running.rebuild import rebuild, rebuild_together, status
from projections.running.runner import ProjectionRunner
from projections.running.service import projection_status, rebuild_projection, run_projections
from projections.source import EventSource
from projections.stores.database import Database, open_database
from projections.stores.postgres import application_name
from projections.stores.urls import postgres_dsn


def more_events(app: OkrApplication, h: History, count: int = 5) -> int:
    actor = Actor.system(h.org)
    for n in range(count):
        app.create_objective(actor, h.q2, Level.TEAM, f"More {n}", owner_team_id=h.sales)
    return app.current_position()


def writer_for(app: OkrApplication, store_url: str) -> OkrApplication:
    """On PostgreSQL another application instance (so only NOTIFY can wake the runner);
    elsewhere the runner's own application (the in-process wake-up)."""
    return init_database(store_url) if store_url.startswith("postgres") else app


def test_the_runner_is_woken_by_new_events(app: OkrApplication, database: Database,
                                           history: History, store_url: str) -> None:
    writer = writer_for(app, store_url)
    try:
        with ProjectionRunner(app, database, poll_interval=60) as runner:
            assert runner.wait_until_caught_up(timeout=10)
            head = more_events(writer, history)
            started = time.monotonic()
            assert runner.wait_until_caught_up(timeout=10, position=head)
            assert time.monotonic() - started < 5
    finally:
        if writer is not app:
            writer.close()
    for name in PROJECTIONS:
        assert dump(database, name) == reference(app, name)


def test_the_runner_stops_when_its_application_closes(store_url: str) -> None:
    app = init_database(store_url)
    runner = ProjectionRunner(app, open_database(store_url), poll_interval=0.05,
                              retry_delay=0.05)
    runner.start()
    assert runner.wait_until_caught_up(timeout=10)
    app.close()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and any(t.is_alive() for t in runner._threads):
        time.sleep(0.05)
    assert not any(t.is_alive() for t in runner._threads)
    runner.stop()


def test_readers_wait_for_a_position(app: OkrApplication, database: Database,
                                     history: History) -> None:
    reader = database.catalog_reader()
    with ProjectionRunner(app, database, poll_interval=60) as runner:
        runner.wait_until_caught_up()
        head = app.current_position()
        assert reader.position() == head
        assert not reader.wait_for_position(head + 1, timeout=0.1)
        waiter = threading.Thread(target=more_events, args=(app, history, 1))
        waiter.start()
        assert reader.wait_for_position(head + 1, timeout=5)
        waiter.join()

        async def read_your_writes() -> tuple[bool, bool]:
            async_reader = await database.open_async_catalog_reader()
            try:
                late = await async_reader.wait_for_position(10**9, timeout=0.05)
                position = await asyncio.to_thread(more_events, app, history, 1)
                return late, await async_reader.wait_for_position(position, timeout=5)
            finally:
                await async_reader.close()

        assert asyncio.run(read_your_writes()) == (False, True)
    reader.close()


@pytest.mark.parametrize("name", list(PROJECTIONS))
def test_a_rebuild_swaps_in_a_clean_view(app: OkrApplication, database: Database,
                                         history: History, name: str) -> None:
    catch_up(app, database)
    progress: list[tuple[int, int]] = []
    position = rebuild(EventSource(app), database, name,
                       progress=lambda p, h: progress.append((p, h)), batch_size=10)
    head = app.current_position()
    assert position == head
    assert progress[-1] == (head, head)
    assert [p for p, _ in progress] == sorted(p for p, _ in progress)
    assert dump(database, name) == reference(app, name)
    report = {s.name: s for s in status(EventSource(app), database)}
    assert (report[name].position, report[name].lag, report[name].rebuild_position) == (
        head, 0, None)


def test_a_rebuild_while_the_runner_runs(app: OkrApplication, database: Database,
                                         history: History) -> None:
    with ProjectionRunner(app, database, poll_interval=0.05, batch_size=5) as runner:
        runner.wait_until_caught_up()
        writing = threading.Thread(target=more_events, args=(app, history, 20))
        writing.start()
        for name in PROJECTIONS:
            rebuild(EventSource(app), database, name, batch_size=3)
        writing.join()
        assert runner.wait_until_caught_up(timeout=10)
    for name in PROJECTIONS:
        assert dump(database, name) == reference(app, name)


def test_url_entry_points(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'okr.sqlite3'}"
    app = init_database(url)
    build_history(app)
    head = app.current_position()
    assert {s.lag for s in projection_status(url)} == {head}
    stop = threading.Event()
    worker = threading.Thread(target=run_projections, args=(url, None, stop))
    worker.start()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(s.lag for s in projection_status(url)):
        time.sleep(0.05)
    stop.set()
    worker.join(10)
    assert {(s.position, s.lag) for s in projection_status(url)} == {(head, 0)}
    assert rebuild_projection(url, "catalog") == head
    assert dump(open_database(url), "catalog") == reference(app, "catalog")
    with pytest.raises(ValueError, match="memory"):
        projection_status("memory://")
    app.close()


def test_a_second_runner_waits_for_the_first(pg_app: OkrApplication,
                                             postgres_url: str) -> None:
    h = build_history(pg_app)
    database = open_database(postgres_url)
    first = ProjectionRunner(pg_app, database, ["catalog"], poll_interval=0.05,
                             lock_retry=0.05)
    second = ProjectionRunner(pg_app, database, ["catalog"], poll_interval=0.05,
                              lock_retry=0.05)
    with first:
        assert first.wait_until_caught_up(timeout=10)
        second.start()
        more_events(pg_app, h, 3)
        assert first.wait_until_caught_up(timeout=10)
        time.sleep(0.3)
        assert first.states["catalog"].active
        assert not second.states["catalog"].active
    head = more_events(pg_app, h, 3)
    assert second.wait_until_caught_up(timeout=10, position=head)
    assert second.states["catalog"].active
    second.stop()
    assert dump(database, "catalog") == reference(pg_app, "catalog")


def test_the_runner_survives_lost_connections(pg_app: OkrApplication,
                                              postgres_url: str) -> None:
    h = build_history(pg_app)
    database = open_database(postgres_url)
    dsn, schema = postgres_dsn(postgres_url)
    writer = init_database(postgres_url)
    with closing(writer), ProjectionRunner(pg_app, database, poll_interval=60,
                                           retry_delay=0.1) as runner:
        assert runner.wait_until_caught_up(timeout=10)
        with psycopg.connect(dsn, autocommit=True) as admin:
            killed = admin.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE application_name = %s", [application_name(schema)]).fetchone()
        assert killed is not None
        assert killed[0] >= 3
        time.sleep(0.5)
        head = more_events(writer, h, 3)
        assert runner.wait_until_caught_up(timeout=10, position=head)
        assert all(s.restarts >= 1 for s in runner.states.values())
    for name in PROJECTIONS:
        assert dump(database, name) == reference(pg_app, name)


def test_the_rebuild_command_rebuilds_every_projection_in_one_pass(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'okr.sqlite3'}"
    app = init_database(url)
    build_history(app)
    head = app.current_position()
    result = CliRunner().invoke(cli, ["projections", "rebuild", "--database-url", url])
    assert result.exit_code == 0, result.output
    for name in PROJECTIONS:
        assert f"rebuilt {name} up to position {head}" in result.output
        assert dump(open_database(url), name) == reference(app, name)
    unknown = CliRunner().invoke(cli, ["projections", "rebuild", "nope", "--database-url", url])
    assert unknown.exit_code == 2
    assert "nope" in unknown.output
    app.close()


@pytest.mark.parametrize("remember_rows", [0, 7, 1_000_000])
def test_a_rebuild_gives_the_same_rows_whether_it_remembers_them_or_not(
        app: OkrApplication, database: Database, remember_rows: int) -> None:
    build_history(app)
    rebuild_together(EventSource(app), database, list(PROJECTIONS), fresh=True,
                     batch_size=4, remember_rows=remember_rows)
    for name in PROJECTIONS:
        assert dump(database, name) == reference(app, name)
