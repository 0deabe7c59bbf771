"""Opening the read-model database named by a URL: sessions for runners, readers for
the API and the analyses."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import Protocol

from projections.projection import Projection
from projections.reading.interface import (
    AsyncCatalogReader,
    AsyncEventIndexReader,
    CatalogReader,
    EventIndexReader,
)
from projections.reading.memory import MemoryCatalogReader, MemoryEventIndexReader
from projections.reading.threaded import ThreadedCatalogReader, ThreadedEventIndexReader
from projections.registry import PROJECTIONS
from projections.stores.checkpoint_store import CheckpointStore, MemoryCheckpointStore
from projections.stores.memory import MemoryStore
from projections.stores.postgres import PostgresDatabase
from projections.stores.session import StoreSession
from projections.stores.sqlite import SqliteDatabase
from projections.stores.urls import Backend, StoreUrl


class StoreDatabase(Protocol):
    url: StoreUrl

    def session(self) -> StoreSession: ...

    def setup(self, projections: Iterable[Projection]) -> None: ...

    def catalog_reader(self) -> CatalogReader: ...

    def event_index_reader(self) -> EventIndexReader: ...

    def checkpoint_store(self) -> CheckpointStore: ...


class MemoryDatabase:
    """Read models in this process's memory (share one instance between the runner
    and the readers)."""

    def __init__(self, url: StoreUrl | None = None) -> None:
        self.url = url or StoreUrl.parse("memory://")
        self.store = MemoryStore()
        self.checkpoints = MemoryCheckpointStore()

    def session(self) -> StoreSession:
        return self.store.session()

    def setup(self, projections: Iterable[Projection]) -> None:
        session = self.session()
        for projection in projections:
            session.setup(projection)

    def catalog_reader(self) -> MemoryCatalogReader:
        return MemoryCatalogReader(self.store)

    def event_index_reader(self) -> MemoryEventIndexReader:
        return MemoryEventIndexReader(self.store)

    def checkpoint_store(self) -> MemoryCheckpointStore:
        return self.checkpoints


class Database:
    """The read models of one database: sessions (for runners) and readers."""

    def __init__(self, url: str | StoreUrl, memory: MemoryDatabase | None = None) -> None:
        self.url = url if isinstance(url, StoreUrl) else StoreUrl.parse(url)
        self.backend = self.url.backend
        self._ready: set[str] = set()
        self._impl: StoreDatabase
        if self.backend is Backend.MEMORY:
            self._impl = memory or MemoryDatabase(self.url)
        elif self.backend is Backend.SQLITE:
            self._impl = SqliteDatabase(self.url)
        else:
            self._impl = PostgresDatabase(self.url)

    def session(self) -> StoreSession:
        return self._impl.session()

    def setup(self, projections: Iterable[Projection] | None = None) -> None:
        """Create the read-model tables when missing (idempotent; once per instance)."""
        wanted = list(projections if projections is not None else PROJECTIONS.values())
        missing = [p for p in wanted if p.name not in self._ready]
        if missing:
            self._impl.setup(missing)
            self._ready.update(p.name for p in missing)

    def catalog_reader(self) -> CatalogReader:
        self.setup([PROJECTIONS["catalog"]])
        return self._impl.catalog_reader()

    def event_index_reader(self) -> EventIndexReader:
        self.setup([PROJECTIONS["event_index"]])
        return self._impl.event_index_reader()

    def checkpoint_store(self) -> CheckpointStore:
        """Where "as of" checkpoints are kept for every process on this database."""
        return self._impl.checkpoint_store()

    async def open_async_catalog_reader(self) -> AsyncCatalogReader:
        """On PostgreSQL a reader over an asyncpg pool; elsewhere the synchronous reader
        run in worker threads. Close it with ``await reader.close()``."""
        await asyncio.to_thread(self.setup, [PROJECTIONS["catalog"]])
        if isinstance(self._impl, PostgresDatabase):
            return await self._impl.open_async_catalog_reader()
        return ThreadedCatalogReader(self._impl.catalog_reader())

    async def open_async_event_index_reader(self) -> AsyncEventIndexReader:
        await asyncio.to_thread(self.setup, [PROJECTIONS["event_index"]])
        if isinstance(self._impl, PostgresDatabase):
            return await self._impl.open_async_event_index_reader()
        return ThreadedEventIndexReader(self._impl.event_index_reader())


def open_database(url: str | StoreUrl, memory: MemoryDatabase | None = None) -> Database:
    return Database(url, memory)
