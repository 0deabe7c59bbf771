"""The process's memory: glibc's malloc arenas bounded, and memory held for answers the
read model has moved past let go.

glibc gives a thread that allocates while another holds the lock an arena of its own
(up to eight per core); memory freed in an arena is reused only there. This process runs
the command threads (``OKR_COMMAND_THREADS``), the event loop's default threads and the
projections' thread, so the rows of an answer built in one thread and freed in another
stay resident, spread over arenas. ``OKR_MALLOC_ARENAS`` bounds them (``mallopt``'s
``M_ARENA_MAX``, set once when the service starts, before its threads); with the
interpreter lock serializing Python, a few arenas cost no measurable waiting.

Every ``OKR_MEMORY_SWEEP_SECONDS`` a sweep forgets the analysis inputs and results kept
for a read-model position older than the read model's (no request can be served from
them again) and the subtree "as of" states something relevant was written after (a
question about them replays again anyway), and, while no heavy query runs, hands free
memory back to the system (``malloc_trim``). Elsewhere than on glibc the arena bound and
the trim are no-ops.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import ctypes.util
import logging
from functools import cache

from okr_api.context import Services
from okr_api.graphql.analysis_cache import analysis_cache
from okr_api.history.service import HistoryService

log = logging.getLogger("okr_api")
M_ARENA_MAX = -8
"""glibc's ``mallopt`` parameter number for the arena bound (malloc.h)."""


@cache
def _glibc() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        libc = ctypes.CDLL(name)
    except OSError:
        return None
    # musl and other C libraries have neither mallopt's arena bound nor malloc_trim.
    needed = ("gnu_get_libc_version", "mallopt", "malloc_trim")
    return libc if all(hasattr(libc, symbol) for symbol in needed) else None


def limit_arenas(arenas: int) -> bool:
    """Bound glibc's malloc arenas (0: leave glibc's default). True when it was set."""
    libc = _glibc()
    if arenas <= 0 or libc is None:
        return False
    return bool(libc.mallopt(M_ARENA_MAX, arenas))


def trim() -> bool:
    """Give free memory back to the system. True when some was."""
    libc = _glibc()
    return bool(libc.malloc_trim(0)) if libc is not None else False


async def sweep(services: Services) -> None:
    """Forget what the read model has moved past; trim while no heavy query runs (one
    holds its answer: trimming then would give back pages it is about to take again)."""
    position = await services.read_model.position()
    analysis_cache(services).forget_before(position)
    history: HistoryService | None = services.extras.get("history")
    if history is not None and history.partial.held:
        await asyncio.to_thread(history.partial.forget_stale)
    if services.admission.running == 0:
        await asyncio.to_thread(trim)


class Sweeper:
    """``sweep`` every ``seconds``, in a task of its own, until stopped."""

    def __init__(self, services: Services, seconds: float) -> None:
        self.services = services
        self.seconds = seconds
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="memory-sweep")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.seconds)
            try:
                await sweep(self.services)
            except Exception as error:  # the database may be away for a moment
                log.warning("memory sweep failed: %s", error)
