"""The read side of one API process: the projections (run here unless a separate worker
runs them) and the async reader the GraphQL layer queries."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from okr_api.metrics import Metrics
from okr_domain.application import OkrApplication
from projections.databases import Database, open_database
from projections.readers import AsyncCatalogReader
from projections.rebuild import status
from projections.runner import ProjectionRunner
from projections.service import start_projections
from projections.source import EventSource

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

    @classmethod
    async def start(cls, url: str, application: OkrApplication, metrics: Metrics, *,
                    run_projections: bool = True) -> ReadSide:
        database = open_database(url)
        await asyncio.to_thread(database.setup)
        runner = None
        if run_projections:
            runner = await asyncio.to_thread(start_projections, application, database)
            # Serve once the read models hold what was stored before the start (bounded:
            # a long backlog is then caught up while serving).
            if not await asyncio.to_thread(runner.wait_until_caught_up, CATCH_UP_SECONDS):
                log.warning("serving before the projections caught up with the event log")
        reader = await database.open_async_catalog_reader()
        return cls(database, reader, runner, application, metrics)

    async def stop(self) -> None:
        await self.read_model.close()
        if self.runner is not None:
            await asyncio.to_thread(self.runner.stop)

    async def update_lag_metrics(self) -> None:
        try:
            rows = await asyncio.to_thread(status, EventSource(self.application), self.database)
        except Exception as error:  # metrics must not fail the scrape; the log says why
            log.warning("projection status unavailable: %s", error)
            return
        for row in rows:
            self.metrics.projection_lag.labels(row.name).set(row.lag)
