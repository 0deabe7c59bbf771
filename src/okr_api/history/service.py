"""The history service of one API process: "as of" replays with their checkpoint cache
(and the checkpoints kept in the store), objective histories, the event index reader
and event payloads.

Replays run in worker threads (the event store has no async API). Optionally a
background thread warms the cache at start-up: it replays every open cycle up to the
safe past, so that the first "as of" question about it is answered from checkpoints;
and optionally this process keeps checkpoints in the store as the log grows (usually the
projections worker does).
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import cast
from uuid import UUID

from eventsourcing.persistence import StoredEvent

from okr_domain import clock
from okr_domain.application import OkrApplication
from projections.catalog.rows import EventIndexRow
from projections.projection import Event
from projections.reading.interface import AsyncEventIndexReader
from projections.reading.queries import MAX_EVENT_PAGE, EventFilter
from projections.replay.asof import DEFAULT_EVERY_EVENTS, AsOfReplayer
from projections.replay.checkpoint_builder import DEFAULT_KEEP_EVERY
from projections.replay.checkpoints import DEFAULT_MAX_ROWS, CheckpointCache
from projections.replay.cycle_state import CycleState
from projections.replay.kept import KeptCheckpoints
from projections.replay.objective_history import ObjectiveStep, objective_steps
from projections.replay.open_cycles import open_cycles
from projections.replay.partial import PartialReplayer
from projections.replay.timeline_walk import StepMemo
from projections.running.checkpoint_keeper import CheckpointKeeper
from projections.source import EventSource
from projections.stores.database import Database

log = logging.getLogger("okr_api")


@dataclass(frozen=True)
class HistoryOptions:
    cache_rows: int = DEFAULT_MAX_ROWS
    checkpoint_events: int = DEFAULT_EVERY_EVENTS
    warm_up: bool = False
    keep_checkpoints: bool = False
    keep_every_events: int = DEFAULT_KEEP_EVERY


class HistoryService:
    def __init__(self, application: OkrApplication, database: Database,
                 options: HistoryOptions = HistoryOptions()) -> None:
        self.source = EventSource(application)
        self.database = database
        kept = KeptCheckpoints(database.checkpoint_store())
        self.replayer = AsOfReplayer(self.source, CheckpointCache(max_rows=options.cache_rows),
                                     every_events=options.checkpoint_events, kept=kept)
        self.keeper: CheckpointKeeper | None = None
        if options.keep_checkpoints:
            self.keeper = CheckpointKeeper(self.source, kept,
                                           every_events=options.keep_every_events)
            self.keeper.start()
        self.partial = PartialReplayer(self.replayer, database)
        self.timeline_steps = StepMemo()
        self._event_index: AsyncEventIndexReader | None = None
        self._opening = asyncio.Lock()
        self._stop = threading.Event()
        self._warm: threading.Thread | None = None
        if options.warm_up:
            self._warm = threading.Thread(target=self._warm_up, name="history-warm-up",
                                          daemon=True)
            self._warm.start()

    @property
    def cache(self) -> CheckpointCache:
        return self.replayer.cache

    async def state_at(self, organization_id: UUID, cycle_id: UUID, moment: datetime,
                       known_at: datetime | None = None) -> CycleState:
        """The cycle as of ``moment`` (valid time), as recorded by ``known_at``, with
        every row (check-ins too): a replay of the whole cycle."""
        return await asyncio.to_thread(partial(
            self.replayer.state_at, organization_id, cycle_id, moment, known_at=known_at))

    async def cycle_at(self, organization_id: UUID, cycle_id: UUID, moment: datetime,
                       known_at: datetime | None = None) -> CycleState:
        """The cycle's objectives, key results and people as of ``moment`` (valid time),
        as recorded by ``known_at``: replayed in parts, holding no check-ins, when the
        read models are current, else from the whole cycle's replay."""
        state = await asyncio.to_thread(partial(
            self.partial.cycle_at, organization_id, cycle_id, moment, known_at))
        if state is None:
            return await self.state_at(organization_id, cycle_id, moment, known_at)
        return state

    async def subtree_at(self, organization_id: UUID, cycle_id: UUID, root: UUID,
                         moment: datetime, known_at: datetime | None = None) -> CycleState:
        """The subtree of objective ``root`` as of ``moment`` (valid time), as recorded by
        ``known_at``: replayed from its own aggregates' events when the read models are
        current, else from the whole cycle's replay."""
        state = await asyncio.to_thread(partial(
            self.partial.state_at, organization_id, cycle_id, root, moment, known_at))
        if state is None:
            return await self.state_at(organization_id, cycle_id, moment, known_at)
        return state

    async def cycles_at(self, organization_id: UUID, cycle_id: UUID,
                        moments: Sequence[datetime],
                        known_at: datetime | None = None) -> list[CycleState]:
        """As ``cycle_at`` at each of ``moments`` (in increasing order), in one walk."""
        walked = await asyncio.to_thread(partial(
            self.partial.walk, organization_id, cycle_id, moments, known_at))
        if walked is not None:
            return [state for state, _ in walked]
        return await asyncio.to_thread(partial(
            self.replayer.sample, organization_id, cycle_id, moments, lambda s: s,
            known_at=known_at))

    async def event_index(self) -> AsyncEventIndexReader:
        async with self._opening:
            if self._event_index is None:
                self._event_index = await self.database.open_async_event_index_reader()
            return self._event_index

    async def objective_history(self, organization_id: UUID,
                                objective_id: UUID) -> tuple[int, list[ObjectiveStep]]:
        """The objective's steps as far as the event index has reached (and that
        position)."""
        reader = await self.event_index()
        position = await reader.position()
        rows: list[EventIndexRow] = []
        after: int | None = None
        while True:
            page = await reader.events(organization_id, EventFilter(aggregate_id=objective_id),
                                       after=after, first=MAX_EVENT_PAGE)
            rows += page.rows
            if not page.has_next_page:
                break
            after = page.end_position
        steps = await asyncio.to_thread(self._steps, objective_id, rows)
        return position, steps

    def _steps(self, objective_id: UUID, rows: list[EventIndexRow]) -> list[ObjectiveStep]:
        if not rows:
            return []
        positions = {r.aggregate_version: r.position for r in rows}
        stored = self.source.recorder.select_events(
            objective_id, lte=max(positions))
        events = [self._decode(s) for s in stored]
        return objective_steps([(positions[e.originator_version], e) for e in events
                                if e.originator_version in positions])

    def _decode(self, stored: StoredEvent) -> Event:
        # Every stored event is an aggregate's, and every aggregate is an OkrAggregate.
        return cast(Event, self.source.mapper.to_domain_event(stored))

    async def events_of(self, rows: Sequence[EventIndexRow]) -> dict[int, Event]:
        """The stored events the index rows point at, by position."""
        return await asyncio.to_thread(self._events_of, list(rows))

    def _events_of(self, rows: list[EventIndexRow]) -> dict[int, Event]:
        found: dict[int, Event] = {}
        for row in rows:
            stored = self.source.recorder.select_events(
                row.aggregate_id, gt=row.aggregate_version - 1, lte=row.aggregate_version,
                limit=1)
            if stored:
                found[row.position] = self._decode(stored[0])
        return found

    async def stop(self) -> None:
        self._stop.set()
        if self.keeper is not None:
            await asyncio.to_thread(self.keeper.stop)
        if self._warm is not None:
            await asyncio.to_thread(self._warm.join, 5.0)
        if self._event_index is not None:
            await self._event_index.close()

    def _warm_up(self) -> None:
        try:
            for organization_id, cycle_id in open_cycles(self.source):
                if self._stop.is_set():
                    return
                moment = clock.now()
                self.replayer.state_at(organization_id, cycle_id, moment)
                log.info("history cache warm for cycle %s", cycle_id)
        except Exception:  # a failed warm-up only costs speed; the log says why
            log.exception("history warm-up failed")
