"""States replayed from chosen aggregates' events instead of the whole log: an objective's
subtree (``projections.replay.subtree``) or a whole cycle in parts
(``projections.replay.cycle_parts``), as of a moment, as known at a moment. The latest
are remembered while nothing relevant was written after they were made: a subtree
answers its own moment; a whole cycle every moment from its own up to its
``valid_until`` (its rows of people and teams taken from the catalog had no event after
its moment, so none later either)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

from projections.analysis.timeline import CheckInCounts
from projections.gc_pause import paused_gc
from projections.replay.asof import AsOfReplayer
from projections.replay.checkpoint_codec import Buckets
from projections.replay.checkpoints import CacheStats, Checkpoint
from projections.replay.chosen_aggregates import with_live_rows
from projections.replay.cycle_parts import select_cycle, walk_in_parts
from projections.replay.cycle_state import CycleState
from projections.replay.stepping import Frontier, Progress
from projections.replay.subtree import select, subtree_checkpoint
from projections.stores.database import Database

PartialKey = tuple[UUID, UUID, datetime | None, UUID | None, datetime | None]
"""(organization, cycle, known at, root, moment) for a subtree; (organization, cycle,
known at, None, None) for a whole cycle."""
DEFAULT_KEPT = 16
DEFAULT_KEPT_CYCLES = 2
"""Whole cycles remembered (each holds a quarter's objectives and key results)."""


class PartialReplayer:
    """Subtree and whole-cycle states, the latest ``kept`` subtrees and ``kept_cycles``
    cycles remembered."""

    def __init__(self, replayer: AsOfReplayer, database: Database,
                 kept: int = DEFAULT_KEPT, kept_cycles: int = DEFAULT_KEPT_CYCLES) -> None:
        self.replayer = replayer
        self.database = database
        self.kept = kept
        self.kept_cycles = kept_cycles
        self.stats = CacheStats()
        self._lock = threading.Lock()
        # By the checkpoint's id: (key, checkpoint, state, the moment it was made for).
        self._states: OrderedDict[
            int, tuple[PartialKey, Checkpoint, CycleState, datetime]] = OrderedDict()

    @property
    def held(self) -> int:
        return len(self._states)

    def forget_stale(self) -> int:
        """Forget the states something relevant was written after (a question about
        them replays again anyway); the number forgotten."""
        with self._lock:
            kept = list(self._states.items())
        stale = [ident for ident, (_, checkpoint, _, _) in kept
                 if not self.replayer.fresh(checkpoint)]
        with self._lock:
            for ident in stale:
                self._states.pop(ident, None)
        return len(stale)

    def state_at(self, organization_id: UUID, cycle_id: UUID, root: UUID, moment: datetime,
                 known_at: datetime | None = None) -> CycleState | None:
        """The subtree of ``root`` as of ``moment``, as recorded by ``known_at`` (None:
        the read models are too far behind; replay the whole cycle instead)."""
        key: PartialKey = (organization_id, cycle_id, known_at, root, moment)
        found = self._remembered(key, moment)
        if found is not None:
            return found
        selection = select(self.replayer.source, self.database, organization_id, cycle_id,
                           root, moment, known_at)
        if selection is None:
            return None
        with paused_gc():
            checkpoint = subtree_checkpoint(self.replayer.source, selection, organization_id,
                                            cycle_id, moment, known_at)
            rows = with_live_rows(checkpoint.rows, selection.live)
            state = CycleState.of_rows(organization_id, cycle_id, rows,
                                       checkpoint.position, checkpoint.changed_at,
                                       checkpoint.frontier.counts, checkpoint.valid_until,
                                       part=root, answers=(moment, known_at))
        return self._remember(key, checkpoint, state, moment)

    def cycle_at(self, organization_id: UUID, cycle_id: UUID, moment: datetime,
                 known_at: datetime | None = None,
                 progress: Progress | None = None) -> CycleState | None:
        """The whole cycle as of ``moment`` without its check-ins, replayed in parts
        (None: the read models are too far behind; replay the whole cycle instead)."""
        key: PartialKey = (organization_id, cycle_id, known_at, None, None)
        found = self._remembered(key, moment)
        if found is not None:
            return found
        walked = self._walk(organization_id, cycle_id, [moment], known_at, progress)
        if walked is None:
            return None
        head, [(state, _)] = walked
        assert state.valid_until is not None
        # It holds no rows: it tells whether the state still holds.
        watch = Checkpoint(organization_id, cycle_id, known_at, (), state.position,
                           Frontier(read_to=head), state.valid_until, head)
        return self._remember(key, watch, state, moment)

    def walk(self, organization_id: UUID, cycle_id: UUID, moments: Sequence[datetime],
             known_at: datetime | None = None, progress: Progress | None = None,
             ) -> list[tuple[CycleState, CheckInCounts]] | None:
        """The whole cycle at each of ``moments`` (in increasing order) without its
        check-ins, with its objectives' check-ins counted since the moment before (None:
        the read models are too far behind; walk a replay of the whole cycle instead).
        Not remembered: the timeline remembers its steps."""
        if not moments:
            return []
        walked = self._walk(organization_id, cycle_id, moments, known_at, progress)
        return None if walked is None else walked[1]

    def _walk(self, organization_id: UUID, cycle_id: UUID, moments: Sequence[datetime],
              known_at: datetime | None, progress: Progress | None,
              ) -> tuple[int, list[tuple[CycleState, CheckInCounts]]] | None:
        """The log position the cycle's aggregates were chosen at, and the walk."""
        start = self._kept(organization_id, cycle_id, known_at, moments[0], moments[-1])
        selected = select_cycle(self.replayer.source, self.database, organization_id,
                                cycle_id, moments[0], known_at,
                                None if start is None else start.read_to)
        if selected is None:
            return None
        selection, written = selected
        with paused_gc():
            return selection.head, walk_in_parts(
                self.replayer.source, selection, organization_id, cycle_id, moments,
                known_at, progress=progress, start=start, written=written)

    def _kept(self, organization_id: UUID, cycle_id: UUID, known_at: datetime | None,
              moment: datetime, reach: datetime) -> Buckets | None:
        """The kept checkpoint furthest along to resume from (None: none suits)."""
        kept = self.replayer.kept
        if kept is None:
            return None
        return kept.latest_buckets((organization_id, cycle_id, known_at), moment, reach)

    def _remembered(self, key: PartialKey, moment: datetime) -> CycleState | None:
        with self._lock:
            candidates = [(i, c, s) for i, (k, c, s, since) in self._states.items()
                          if k == key and since <= moment < c.valid_until]
        for ident, checkpoint, state in candidates:
            if self.replayer.fresh(checkpoint):
                with self._lock:
                    if ident in self._states:
                        self._states.move_to_end(ident)
                self.stats.hits += 1
                return state
        self.stats.misses += 1
        return None

    def _remember(self, key: PartialKey, checkpoint: Checkpoint, state: CycleState,
                  moment: datetime) -> CycleState:
        with self._lock:
            self._states[id(checkpoint)] = (key, checkpoint, state, moment)
            for whole, limit in ((False, self.kept), (True, self.kept_cycles)):
                held = [i for i, (k, *_) in self._states.items() if (k[3] is None) == whole]
                for ident in held[:max(0, len(held) - limit)]:
                    del self._states[ident]
        return state
