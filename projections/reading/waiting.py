"""Waiting for a reader to reach a position, by polling with a growing pause.

One schedule for every reader that polls its position (SQL through psycopg or asyncpg,
and synchronous readers run in threads); the memory store signals instead.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

POLL_FIRST = 0.002
POLL_MAX = 0.05


class Pauses:
    """The pauses between two polls, each twice the last (at most ``POLL_MAX``), until
    ``timeout`` seconds have passed."""

    def __init__(self, timeout: float) -> None:
        self._deadline = time.monotonic() + timeout
        self._pause = POLL_FIRST

    def next(self) -> float | None:
        """The next pause; None once the time is up."""
        left = self._deadline - time.monotonic()
        if left <= 0:
            return None
        pause = min(self._pause, left)
        self._pause = min(self._pause * 2, POLL_MAX)
        return pause


def wait_for_position(read: Callable[[], int], position: int, timeout: float) -> bool:
    """Whether ``read()`` reached ``position`` within ``timeout`` seconds."""
    pauses = Pauses(timeout)
    while read() < position:
        pause = pauses.next()
        if pause is None:
            return False
        time.sleep(pause)
    return True


async def wait_for_position_async(read: Callable[[], Awaitable[int]], position: int,
                                  timeout: float) -> bool:  # noqa: ASYNC109
    """``wait_for_position`` for an asynchronous ``read``."""
    pauses = Pauses(timeout)
    while await read() < position:
        pause = pauses.next()
        if pause is None:
            return False
        await asyncio.sleep(pause)
    return True
