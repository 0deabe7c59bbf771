"""The API process's garbage collector: young collections every ``YOUNG_OBJECTS``
allocations instead of CPython's 700.

Nearly everything a request or a live delivery makes is freed by reference counting
within milliseconds, but a young collection every 700 allocations catches much of it
still alive (a delivery waiting for a thousand subscribers' tasks, a request in
flight) and promotes it; once enough is promoted the collector scans the whole heap.
With 1,000 WebSocket subscribers (about 630,000 objects) each full collection took
about 300 ms, during which nothing was delivered: nine of them in a run of the S1
benchmark (connecting included), the process's CPU time 5.6-5.9 s. With 50,000 the
same run made two small ones at start-up, 4.2-4.4 s. Only garbage in reference
cycles waits longer to be freed (at most one young generation of it).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

YOUNG_OBJECTS = 50_000


@contextmanager
def server_collector() -> Iterator[None]:
    """The server's thresholds while it serves; the previous ones afterwards."""
    before = gc.get_threshold()
    gc.set_threshold(YOUNG_OBJECTS, *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)
