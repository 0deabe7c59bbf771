"""Telling subscribers the server is going away before it goes.

On SIGTERM/SIGINT uvicorn closes every WebSocket (1012) before the application's own
shutdown runs, so the subscriptions never got their documented SHUTTING_DOWN error with
``resumeAfter``. Here the live hub is closed first (each subscription ends with that
error), and uvicorn's own handler runs a moment later.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import threading
from collections.abc import Callable
from types import FrameType
from typing import Any

from okr_api.live.hub import Hub

log = logging.getLogger("okr_api.live")
SIGNALS = (signal.SIGTERM, signal.SIGINT)
DRAIN_SECONDS = 0.3


def _is_uvicorn(handler: Any) -> bool:
    owner = getattr(handler, "__self__", None)
    return owner is not None and type(owner).__module__.startswith("uvicorn")


def drain_on_signals(hub: Hub, delay: float = DRAIN_SECONDS) -> Callable[[], None]:
    """Wrap uvicorn's signal handlers (when it installed them); returns the undo."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None
    loop = asyncio.get_running_loop()
    previous = {s: signal.getsignal(s) for s in SIGNALS}
    wrapped = [s for s, handler in previous.items() if _is_uvicorn(handler)]

    def handler(signum: int, frame: FrameType | None) -> None:
        log.info("closing the live subscriptions before shutting down")
        loop.call_soon_threadsafe(lambda: asyncio.ensure_future(hub.close()))
        then = previous[signal.Signals(signum)]
        if callable(then):
            loop.call_soon_threadsafe(loop.call_later, delay, then, signum, frame)

    for signum in wrapped:
        signal.signal(signum, handler)

    def undo() -> None:
        for signum in wrapped:
            if signal.getsignal(signum) is handler:
                signal.signal(signum, previous[signum])

    return undo
