"""Asynchronous readers over synchronous ones (SQLite, memory): every call runs in a
worker thread, so the event loop never blocks."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, Concatenate, ParamSpec, Protocol, TypeVar

from projections.reading.interface import (
    AsyncCatalogReader,
    AsyncEventIndexReader,
    AsyncReader,
    CatalogReader,
    EventIndexReader,
)

P = ParamSpec("P")
T = TypeVar("T")


class _Reader(Protocol):
    def position(self) -> int: ...

    def close(self) -> None: ...


class ThreadedReader(AsyncReader):
    def __init__(self, sync: _Reader) -> None:
        self._sync = sync

    async def position(self) -> int:
        return await asyncio.to_thread(self._sync.position)

    async def close(self) -> None:
        await asyncio.to_thread(self._sync.close)

    async def call(self, method: Callable[Concatenate[Any, P], T], *args: P.args,
                   **kwargs: P.kwargs) -> T:
        bound: Callable[P, T] = getattr(self._sync, method.__name__)
        return await asyncio.to_thread(bound, *args, **kwargs)


class ThreadedCatalogReader(ThreadedReader, AsyncCatalogReader):
    def __init__(self, sync: CatalogReader) -> None:
        super().__init__(sync)


class ThreadedEventIndexReader(ThreadedReader, AsyncEventIndexReader):
    def __init__(self, sync: EventIndexReader) -> None:
        super().__init__(sync)
