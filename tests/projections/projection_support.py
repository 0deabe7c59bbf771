"""Helpers for the projection tests: run projections to the head, dump their rows,
and a reference built by replaying the log through the same logic in memory."""

from __future__ import annotations

from typing import Any

from okr_domain.application import OkrApplication
from projections.databases import Database, MemoryDatabase
from projections.processing import ProjectionWorker
from projections.projection import Projection
from projections.registry import PROJECTIONS
from projections.replay import replay
from projections.source import EventSource
from projections.stores.base import StoreSession, Target

Dump = dict[str, list[Any]]


def catch_up(app: OkrApplication, database: Database | MemoryDatabase,
             names: tuple[str, ...] = tuple(PROJECTIONS), batch_size: int = 7) -> None:
    """Process every projection to the head of the log, in small batches."""
    database.setup([PROJECTIONS[n] for n in names])
    for name in names:
        session = database.session()
        try:
            ProjectionWorker(EventSource(app), PROJECTIONS[name], session,
                             batch_size=batch_size).catch_up()
        finally:
            session.close()


def dump_session(session: StoreSession, projection: Projection,
                 target: Target = Target.LIVE) -> Dump:
    return {t.name: session.all_rows(t, target) for t in projection.tables}


def dump(database: Database | MemoryDatabase, name: str,
         target: Target = Target.LIVE) -> Dump:
    session = database.session()
    try:
        return dump_session(session, PROJECTIONS[name], target)
    finally:
        session.close()


def reference(app: OkrApplication, name: str) -> Dump:
    """The rows of a clean replay of the whole log, in memory, in one batch."""
    memory = replay(EventSource(app), names=(name,), batch_size=1_000_000)
    return dump(memory, name)


def position(database: Database | MemoryDatabase, name: str,
             target: Target = Target.LIVE) -> int | None:
    session = database.session()
    try:
        return session.position(PROJECTIONS[name], target)
    finally:
        session.close()
