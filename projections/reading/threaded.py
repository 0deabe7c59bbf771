"""Asynchronous readers over synchronous ones (SQLite, memory): every call runs in a
worker thread, so the event loop never blocks.

Each method is made from the synchronous interface's declaration (``in_thread``), so its
signature is that of ``CatalogReader`` or ``EventIndexReader`` and is not restated here.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any, Concatenate, Generic, ParamSpec, Protocol, TypeVar

from projections.reading.interface import CatalogReader, EventIndexReader
from projections.reading.waiting import wait_for_position_async

P = ParamSpec("P")
T = TypeVar("T")


class _Reader(Protocol):
    def position(self) -> int: ...

    def close(self) -> None: ...


S = TypeVar("S", bound=_Reader)


class _Threaded(Generic[S]):
    def __init__(self, sync: S) -> None:
        self._sync = sync

    async def position(self) -> int:
        return await asyncio.to_thread(self._sync.position)

    async def wait_for_position(self, position: int, timeout: float) -> bool:  # noqa: ASYNC109
        return await wait_for_position_async(self.position, position, timeout)

    async def close(self) -> None:
        await asyncio.to_thread(self._sync.close)


def in_thread(method: Callable[Concatenate[S, P], T]
              ) -> Callable[Concatenate[_Threaded[S], P], Coroutine[Any, Any, T]]:
    """The wrapped reader's method of that name (its declaration gives the types), run
    in a worker thread."""
    name = method.__name__

    async def call(self: _Threaded[S], *args: P.args, **kwargs: P.kwargs) -> T:
        bound: Callable[P, T] = getattr(self._sync, name)
        return await asyncio.to_thread(bound, *args, **kwargs)

    call.__name__ = name
    return call


class ThreadedCatalogReader(_Threaded[CatalogReader]):
    organization = in_thread(CatalogReader.organization)
    cycles = in_thread(CatalogReader.cycles)
    cycle = in_thread(CatalogReader.cycle)
    cycles_by_ids = in_thread(CatalogReader.cycles_by_ids)
    teams = in_thread(CatalogReader.teams)
    people = in_thread(CatalogReader.people)
    people_by_ids = in_thread(CatalogReader.people_by_ids)
    teams_by_ids = in_thread(CatalogReader.teams_by_ids)
    people_page = in_thread(CatalogReader.people_page)
    viewer_scope = in_thread(CatalogReader.viewer_scope)
    objectives_by_ids = in_thread(CatalogReader.objectives_by_ids)
    cycle_objectives = in_thread(CatalogReader.cycle_objectives)
    children_of = in_thread(CatalogReader.children_of)
    objectives_page = in_thread(CatalogReader.objectives_page)
    key_results_of = in_thread(CatalogReader.key_results_of)
    key_results_by_ids = in_thread(CatalogReader.key_results_by_ids)
    cycle_key_results = in_thread(CatalogReader.cycle_key_results)
    check_ins = in_thread(CatalogReader.check_ins)
    check_ins_page = in_thread(CatalogReader.check_ins_page)
    check_ins_by_ids = in_thread(CatalogReader.check_ins_by_ids)
    check_ins_of = in_thread(CatalogReader.check_ins_of)
    cycle_check_ins = in_thread(CatalogReader.cycle_check_ins)
    proposals = in_thread(CatalogReader.proposals)
    proposals_of = in_thread(CatalogReader.proposals_of)
    proposals_by_ids = in_thread(CatalogReader.proposals_by_ids)
    feed_rows = in_thread(CatalogReader.feed_rows)


class ThreadedEventIndexReader(_Threaded[EventIndexReader]):
    events = in_thread(EventIndexReader.events)
