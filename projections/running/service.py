"""Entry points for the command line and the API server, by database URL.

``run_projections`` runs the runner as a worker until ``stop_event`` is set;
``rebuild_projection`` rebuilds one projection with a progress callback
(``rebuild_projections`` several, in one pass over the log);
``projection_status`` reports positions and lag; ``start_projections`` runs them inside
a process that already has the application open (``okr-api serve``).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

from eventsourcing.application import Application

from okr_domain.application import OkrApplication
from okr_domain.persistence.settings import store_env
from projections.replay.checkpoint_builder import (
    DEFAULT_KEEP_EVERY,
    BuildProgress,
)
from projections.replay.kept import KeptCheckpoints
from projections.running.batches import DEFAULT_BATCH, REBUILD_BATCH
from projections.running.checkpoint_keeper import CheckpointKeeper
from projections.running.rebuild import Progress, ProjectionStatus, rebuild_together, status
from projections.running.runner import ProjectionRunner
from projections.source import EventSource
from projections.stores.database import Database, open_database
from projections.stores.urls import Backend, StoreUrl


def open_events(url: str) -> OkrApplication:
    if StoreUrl.parse(url).backend is Backend.MEMORY:
        raise ValueError("a memory:// store lives in one process: run the projections "
                         "there with start_projections(app, database)")
    return OkrApplication(env=store_env(url, create_tables=False))


def run_projections(url: str, names: Sequence[str] | None, stop_event: threading.Event,
                    *, batch_size: int = DEFAULT_BATCH, poll_interval: float = 1.0,
                    keep_checkpoints: bool = True,
                    keep_every_events: int = DEFAULT_KEEP_EVERY) -> None:
    """Keep the named projections (default: all) current until ``stop_event`` is set,
    and the open cycles' "as of" checkpoints kept in the store (``keep_checkpoints``)."""
    app = open_events(url)
    database = open_database(url)
    keeper = CheckpointKeeper(EventSource(app), KeptCheckpoints(database.checkpoint_store()),
                              every_events=keep_every_events) if keep_checkpoints else None
    try:
        runner = ProjectionRunner(app, database, names, batch_size=batch_size,
                                  poll_interval=poll_interval)
        with runner:
            if keeper is not None:
                keeper.start()
            stop_event.wait()
    finally:
        if keeper is not None:
            keeper.stop()
        app.close()


def keep_checkpoints(url: str, *, every_events: int = DEFAULT_KEEP_EVERY,
                     progress: BuildProgress | None = None) -> int:
    """Build the open cycles' "as of" checkpoints up to the safe past now; how many were
    kept."""
    app = open_events(url)
    try:
        keeper = CheckpointKeeper(EventSource(app),
                                  KeptCheckpoints(open_database(url).checkpoint_store()),
                                  every_events=every_events)
        return keeper.keep_once(progress)
    finally:
        app.close()


def start_projections(app: Application[Any], database: Database,
                      names: Sequence[str] | None = None, **options: Any) -> ProjectionRunner:
    """Start a runner in this process; stop it with ``runner.stop()``."""
    runner = ProjectionRunner(app, database, names, **options)
    runner.start()
    return runner


def rebuild_projection(url: str, name: str, progress: Progress | None = None, *,
                       fresh: bool = False, batch_size: int = REBUILD_BATCH,
                       stop: threading.Event | None = None) -> int:
    """Rebuild ``name`` from position zero and swap it in; the new view's position."""
    return rebuild_projections(url, [name], progress, fresh=fresh, batch_size=batch_size,
                               stop=stop)[name]


def rebuild_projections(url: str, names: Sequence[str], progress: Progress | None = None,
                        *, fresh: bool = False, batch_size: int = REBUILD_BATCH,
                        stop: threading.Event | None = None) -> dict[str, int]:
    """Rebuild ``names`` from position zero in one pass over the log and swap each in;
    the new views' positions."""
    app = open_events(url)
    try:
        database = open_database(url)
        positions = rebuild_together(EventSource(app), database, names, progress=progress,
                                     fresh=fresh, batch_size=batch_size, stop=stop)
        if "catalog" in names:
            # Kept "as of" checkpoints hold catalog rows: made again from the new code.
            database.checkpoint_store().clear()
        return positions
    finally:
        app.close()


def projection_status(url: str) -> list[ProjectionStatus]:
    app = open_events(url)
    try:
        return status(EventSource(app), open_database(url))
    finally:
        app.close()
