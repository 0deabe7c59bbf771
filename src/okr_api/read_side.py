"""The read side of one API process: the projections (run here unless a separate worker
runs them), the async reader the GraphQL layer queries, and whether the read models have
caught up with the log as it stood when the process started (readiness)."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from okr_api.metrics import Metrics
from okr_domain.application import OkrApplication
from projections.reading.interface import AsyncCatalogReader
from projections.running.rebuild import ProjectionStatus, status
from projections.running.runner import ProjectionRunner
from projections.running.service import start_projections
from projections.source import EventSource
from projections.stores.database import Database, open_database

log = logging.getLogger("okr_api")
CATCH_UP_SECONDS = 10.0


def init_read_models(url: str) -> None:
    """Create the read-model tables when missing (``okr-api db init``)."""
    open_database(url).setup()


@dataclass
class ReadSide:
    database: Database
    read_model: AsyncCatalogReader
    runner: ProjectionRunner | None
    application: OkrApplication
    metrics: Metrics
    start_head: int = 0
    """The last position in the log when this process started."""
    caught_up: bool = False
    """Every read model has reached ``start_head`` (once true, it stays true)."""

    @classmethod
    async def start(cls, url: str, application: OkrApplication, metrics: Metrics, *,
                    run_projections: bool = True) -> ReadSide:
        database = open_database(url)
        await asyncio.to_thread(database.setup)
        start_head = await asyncio.to_thread(EventSource(application).head)
        runner = None
        if run_projections:
            runner = await asyncio.to_thread(start_projections, application, database)
            # Serve once the read models hold what was stored before the start (bounded:
            # a long backlog is then caught up while serving).
            if not await asyncio.to_thread(runner.wait_until_caught_up, CATCH_UP_SECONDS):
                log.warning("serving before the projections caught up with the event log")
        reader = await database.open_async_catalog_reader()
        return cls(database, reader, runner, application, metrics, start_head)

    async def stop(self) -> None:
        await self.read_model.close()
        if self.runner is not None:
            await asyncio.to_thread(self.runner.stop)

    async def lags(self) -> list[ProjectionStatus]:
        """Each read model's position and lag behind the log's head, now (the lag gauge
        is set from them)."""
        rows = await asyncio.to_thread(status, EventSource(self.application), self.database)
        for row in rows:
            self.metrics.projection_lag.labels(row.name).set(row.lag)
        return rows

    async def catching_up(self) -> list[ProjectionStatus]:
        """Every read model's status while one of them has not yet reached the log's head
        as it stood when the process started; empty once they all have (and from then
        on). Raises when the database does not answer."""
        if self.caught_up:
            await asyncio.to_thread(self.application.current_position)
            return []
        rows = await self.lags()
        self.caught_up = all(row.position >= self.start_head for row in rows)
        return [] if self.caught_up else rows

    async def update_lag_metrics(self) -> None:
        try:
            await self.lags()
        except Exception as error:  # metrics must not fail the scrape; the log says why
            log.warning("projection status unavailable: %s", error)
