"""Checkpoints of "as of" replays kept in the store, shared by every process on it: a
replay resumes from the one furthest along that suits its question instead of from the
log's beginning (see ``projections.replay.checkpoint_builder`` for how they are made)."""

from __future__ import annotations

import logging
import zlib
from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

from projections.replay.checkpoint_codec import CATALOG_LAYOUT, Buckets, decode, encode
from projections.replay.checkpoints import Checkpoint, CycleKey
from projections.stores.checkpoint_store import CheckpointStore, KeptCheckpoint, Wanted

log = logging.getLogger("okr_projections")
T = TypeVar("T")


class KeptCheckpoints:
    def __init__(self, store: CheckpointStore, layout: str = CATALOG_LAYOUT) -> None:
        self.store = store
        self.layout = layout
        self.loaded = 0

    def latest(self, key: CycleKey, moment: datetime, reach: datetime,
               after: datetime | None = None) -> Checkpoint | None:
        """The kept checkpoint furthest along that a replay of ``key``'s cycle as known
        at ``key``'s moment may resume from to answer about ``moment`` and go on to
        ``reach``; only one applied beyond ``after`` (None: any)."""
        return self._read(key, moment, reach, after, decode)

    def latest_buckets(self, key: CycleKey, moment: datetime,
                       reach: datetime) -> Buckets | None:
        """As ``latest``, to be read one bucket at a time (a replay in parts)."""
        return self._read(key, moment, reach, None, Buckets)

    def _read(self, key: CycleKey, moment: datetime, reach: datetime,
              after: datetime | None, read: Callable[[bytes], T]) -> T | None:
        organization_id, cycle_id, known_at = key
        payload = self.store.latest(Wanted(organization_id, cycle_id, self.layout, moment,
                                           reach, known_at, after))
        if payload is None:
            return None
        try:
            found = read(payload)
        except (ValueError, KeyError, zlib.error):
            # A checkpoint that does not read back only costs the replay it would save.
            log.exception("a kept checkpoint of cycle %s does not read back", cycle_id)
            return None
        self.loaded += 1
        return found

    def furthest_read(self, key: CycleKey, moment: datetime, reach: datetime) -> int:
        """The log position read by the checkpoint ``latest`` would give (0: none)."""
        organization_id, cycle_id, known_at = key
        found = self.store.furthest_read(Wanted(organization_id, cycle_id, self.layout,
                                                moment, reach, known_at))
        return found or 0

    def keep(self, checkpoint: Checkpoint) -> None:
        frontier = checkpoint.frontier
        self.store.save(KeptCheckpoint(
            checkpoint.organization_id, checkpoint.cycle_id, self.layout,
            checkpoint.applied_until, frontier.read_to, checkpoint.known_at,
            frontier.horizon, frontier.newest_recorded, checkpoint.size, encode(checkpoint)))
