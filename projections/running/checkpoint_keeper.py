"""Keeps the "as of" checkpoints of every open cycle in the store as the log grows: a
thread of the projections worker (``okr-api projections run``), or of the API process
when it is asked to (``OKR_HISTORY_KEEP_CHECKPOINTS``). A build holds one cycle's rows
while it runs."""

from __future__ import annotations

import logging
import threading

from okr_domain import clock
from projections.replay.checkpoint_builder import (
    DEFAULT_KEEP_EVERY,
    BuildProgress,
    CheckpointBuilder,
)
from projections.replay.kept import KeptCheckpoints
from projections.replay.open_cycles import open_cycles
from projections.replay.stepping import MARGIN
from projections.source import EventSource

log = logging.getLogger("okr_projections")
DEFAULT_INTERVAL_SECONDS = 60.0


class CheckpointKeeper:
    def __init__(self, source: EventSource, kept: KeptCheckpoints, *,
                 every_events: int = DEFAULT_KEEP_EVERY,
                 interval: float = DEFAULT_INTERVAL_SECONDS) -> None:
        self.builder = CheckpointBuilder(source, kept, every_events=every_events)
        self.source = source
        self.interval = interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def keep_once(self, progress: BuildProgress | None = None) -> int:
        """Build every open cycle's checkpoints up to the safe past; how many were kept."""
        kept = 0
        for organization_id, cycle_id in open_cycles(self.source):
            if self._stop.is_set():
                break
            built = self.builder.build(organization_id, cycle_id, clock.now() - MARGIN,
                                       progress)
            if built.kept:
                log.info("kept %d history checkpoints of cycle %s (to position %d)",
                         built.kept, cycle_id, built.read_to)
            kept += built.kept
        return kept

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="history-checkpoints",
                                        daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.keep_once()
            except Exception:  # the next round tries again; questions replay meanwhile
                log.exception("keeping history checkpoints failed")
            self._stop.wait(self.interval)
