"""Exactly once: a worker stopped or failing anywhere resumes from its tracked position
and ends with the rows of a clean rebuild; a failed batch writes nothing."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

import pytest
from projection_histories import History, build_history
from projection_support import catch_up, dump, position, reference

from okr_domain.application import OkrApplication
from projections.catalog.projection import CatalogProjection
from projections.projection import Event, View
from projections.registry import PROJECTIONS
from projections.running.batches import ProjectionWorker
from projections.running.rebuild import RebuildStoppedError, rebuild
from projections.source import EventSource
from projections.stores.database import Database
from projections.stores.session import Target
from projections.stores.sql_tables import SqlSession
from projections.tables import Change


class FailingCatalog(CatalogProjection):
    """The catalog, failing on its n-th event (a bug, or a crash mid-batch)."""

    def __init__(self, fail_at: int) -> None:
        self.left = fail_at

    def apply(self, event: Event, position: int, view: View) -> Sequence[Change]:
        self.left -= 1
        if self.left == 0:
            raise RuntimeError("boom")
        return super().apply(event, position, view)


@pytest.mark.parametrize("name", list(PROJECTIONS))
def test_a_worker_stopped_mid_way_resumes_exactly_once(
        app: OkrApplication, database: Database, history: History, name: str) -> None:
    database.setup()
    for steps in (3, 4, 2):
        session = database.session()
        worker = ProjectionWorker(EventSource(app), PROJECTIONS[name], session, batch_size=5)
        for _ in range(steps):
            worker.step()
        session.close()
    assert 0 < (position(database, name) or 0) < app.current_position()
    catch_up(app, database, (name,), batch_size=5)
    assert dump(database, name) == reference(app, name)


def test_a_stale_worker_cannot_move_the_position(
        app: OkrApplication, database: Database, history: History) -> None:
    database.setup()
    sessions = [database.session(), database.session()]
    ahead, stale = (ProjectionWorker(EventSource(app), PROJECTIONS["catalog"], s,
                                     batch_size=10) for s in sessions)
    assert stale.position == 0
    ahead.step()
    ahead.step()
    newer = dump(database, "catalog")
    stale.step()  # loaded at position 0: its rows are older than the ones written
    assert position(database, "catalog") == 20
    assert dump(database, "catalog") == newer
    stale.catch_up()
    for session in sessions:
        session.close()
    assert dump(database, "catalog") == reference(app, "catalog")


def test_a_batch_that_fails_half_way_writes_nothing(
        app: OkrApplication, database: Database, history: History) -> None:
    catch_up(app, database, ("catalog",))
    more = app.current_position()
    build_history(app, slug="second")
    before = dump(database, "catalog")
    session = database.session()
    worker = ProjectionWorker(EventSource(app), FailingCatalog(fail_at=30), session,
                              batch_size=50)
    with pytest.raises(RuntimeError, match="boom"):
        worker.step()
    session.close()
    assert position(database, "catalog") == more
    assert dump(database, "catalog") == before
    catch_up(app, database, ("catalog",), batch_size=50)
    assert dump(database, "catalog") == reference(app, "catalog")


class FailingConnection:
    """A real connection that fails on its n-th table write (a crash mid-commit)."""

    def __init__(self, conn: Any, fail_at: int) -> None:
        self._conn = conn
        self.left = fail_at

    def __getattr__(self, name: str) -> Any:
        method = getattr(self._conn, name)
        if name not in ("upsert_rows", "insert_rows", "delete_rows"):
            return method

        def write(*args: Any) -> Any:
            self.left -= 1
            if self.left == 0:
                raise RuntimeError("connection lost")
            return method(*args)

        return write


@pytest.mark.parametrize("store_url", ["sqlite", "postgres"], indirect=True)
def test_a_commit_that_fails_half_way_writes_nothing(
        app: OkrApplication, database: Database, history: History) -> None:
    database.setup()
    session = database.session()
    assert isinstance(session, SqlSession)
    session.conn = FailingConnection(session.conn, fail_at=3)
    worker = ProjectionWorker(EventSource(app), PROJECTIONS["catalog"], session,
                              batch_size=10_000)
    with pytest.raises(RuntimeError, match="connection lost"):
        worker.step()
    session.close()
    assert position(database, "catalog") == 0
    assert all(rows == [] for rows in dump(database, "catalog").values())
    catch_up(app, database, ("catalog",))
    assert dump(database, "catalog") == reference(app, "catalog")


@pytest.mark.parametrize("name", list(PROJECTIONS))
def test_a_stopped_rebuild_resumes_and_never_shows_half_a_view(
        app: OkrApplication, database: Database, history: History, name: str) -> None:
    catch_up(app, database, (name,))
    live = dump(database, name)
    stop = threading.Event()
    seen: list[int] = []

    def progress(reached: int, head: int) -> None:
        seen.append(reached)
        if len(seen) == 3:
            stop.set()

    with pytest.raises(RebuildStoppedError):
        rebuild(EventSource(app), database, name, progress=progress, batch_size=5, stop=stop)
    assert dump(database, name) == live
    assert position(database, name, Target.SHADOW) == seen[-1] < app.current_position()
    resumed: list[int] = []
    rebuild(EventSource(app), database, name, progress=lambda p, h: resumed.append(p),
            batch_size=5)
    assert resumed[0] == seen[-1] + 5
    assert position(database, name, Target.SHADOW) is None
    assert dump(database, name) == reference(app, name)
    fresh: list[int] = []
    rebuild(EventSource(app), database, name, progress=lambda p, h: fresh.append(p),
            batch_size=5, fresh=True)
    assert fresh[0] == 5
    assert dump(database, name) == reference(app, name)
