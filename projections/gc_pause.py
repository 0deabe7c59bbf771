"""Pausing the cyclic garbage collector while many long-lived rows are built."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_gc_lock = threading.Lock()
_gc_pauses = 0


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while a replay or a rebuild builds many rows.

    Every row kept makes each collection longer; collecting during a long replay
    roughly doubles its time, and a rebuild that remembers its rows spends most of its
    time collecting. Reference counting still frees everything; the collector runs again
    once the last such pause in the process is over.
    """
    global _gc_pauses
    with _gc_lock:
        _gc_pauses += 1
        if _gc_pauses == 1:
            gc.disable()
    try:
        yield
    finally:
        with _gc_lock:
            _gc_pauses -= 1
            if _gc_pauses == 0:
                gc.enable()
