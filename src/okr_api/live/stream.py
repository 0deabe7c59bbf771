"""A subscriber's stream: stored events after its cursor, then live ones, with no gap
and no duplicate, for as long as its subscriber may have them.

The live queue is registered first; at that instant the hub has published everything
up to ``start_position`` and the queue will receive everything after it. So the replay
reads the store from the cursor up to ``start_position`` (inclusive), then the queue
takes over, skipping anything at or before the cursor. If the queue overflows while a
long replay runs, that is not the subscriber's fault: the queue is dropped and a new
one registered, and the replay simply goes further.

The stream checks its subscriber at least every ``RECHECK_SECONDS``, whether or not
events flow: ``check`` authenticates the token again (expiry, revocation) and returns
the audience as it is now (role and scope); a refused check ends the stream with an
error carrying ``resumeAfter``, a changed audience applies from the next event on.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable
from contextlib import aclosing

from okr_api.live.audience import Audience
from okr_api.live.builder import OBJECTIVE_TOPICS, EventBuilder, decode, stamps
from okr_api.live.filters import EventFilter
from okr_api.live.hub import Hub, HubClosed, Item, State, SubscriberTooSlow, items_for
from okr_api.live.model import TYPE_TOPICS, LiveEvent
from okr_api.live.render import Plan
from okr_api.live.slim import Detail, detail_for
from okr_domain.application import OkrApplication
from projections.gc_pause import paused_gc

REPLAY_BATCH = 2000
RECHECK_SECONDS = 1.0


class StreamEnded(Exception):
    """The stream stopped early; resume with ``after=resume_after``."""

    def __init__(self, code: str, resume_after: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.resume_after = resume_after
        self.message = message


class Refused(Exception):
    """The subscriber may no longer have this stream (raised by a check)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class CursorBeyondHead(Exception):
    def __init__(self, after: int, head: int) -> None:
        super().__init__(
            f"after: {after} is beyond the last position stored ({head}); a cursor from "
            "another environment or a restored database? Subscribe again without it, or "
            f"with after: {head} or less")
        self.after = after
        self.head = head


class EventLog:
    """OKR events read back from the store, built like the tailer's."""

    def __init__(self, app: OkrApplication, builder: EventBuilder,
                 batch_size: int = REPLAY_BATCH) -> None:
        self.app = app
        self.builder = builder
        self.batch_size = batch_size

    async def head(self) -> int:
        return await asyncio.to_thread(lambda: self.app.recorder.max_notification_id() or 0)

    async def read(self, after: int, stop: int, where: EventFilter,
                   detail: Detail = Detail.FULL) -> tuple[list[LiveEvent], int]:
        """Events in (after, stop], at most one batch, and the position scanned to
        (lean or slim: see ``okr_api.live.slim``)."""
        topics = (frozenset(TYPE_TOPICS[t] for t in where.types if t in TYPE_TOPICS)
                  if where.types else OBJECTIVE_TOPICS)
        # By position alone: with a topic filter PostgreSQL may sort the whole rest of
        # the range for every page (it expects few rows to match, most do).
        recorder = self.app.recorder
        select = getattr(recorder, "select_range", recorder.select_notifications)
        notifications = await asyncio.to_thread(select, after + 1, self.batch_size, stop)
        if not notifications:
            return [], stop
        decoded = await asyncio.to_thread(
            stamps if detail is Detail.SLIM else decode, self.app,
            [n for n in notifications if n.topic in topics])
        events = await self.builder.build(decoded, detail)
        full = len(notifications) >= self.batch_size
        return events, notifications[-1].id if full else stop

    async def pages(self, after: int, stop: int, where: EventFilter,
                    detail: Detail = Detail.FULL,
                    ) -> AsyncGenerator[tuple[list[LiveEvent], int], None]:
        """``read``'s batches up to ``stop``, each read while the one before is sent.

        A catch-up makes many short-lived objects: collecting meanwhile would scan the
        whole heap again and again, so the cyclic collector waits until it is over
        (reference counting frees them), as it does for history replays."""
        with paused_gc():
            ahead = asyncio.ensure_future(self.read(after, stop, where, detail))
            try:
                while True:
                    events, scanned = await ahead
                    if scanned < stop:
                        ahead = asyncio.ensure_future(self.read(scanned, stop, where, detail))
                    yield events, scanned
                    if scanned >= stop:
                        return
            finally:
                ahead.cancel()
                await asyncio.gather(ahead, return_exceptions=True)


async def stream(hub: Hub, event_log: EventLog, check: Callable[[], Awaitable[Audience]],
                 where: EventFilter, after: int | None,
                 plan: Plan | None = None) -> AsyncIterator[list[Item]]:
    """The subscriber's events, in position order, a page of stored ones at a time
    (then each live one as it comes). Raises CursorBeyondHead before the
    first event, StreamEnded when the subscriber fell too far behind, may no longer
    have the stream, or the server is shutting down."""
    audience = await _checked(check, after or 0)
    if after is not None and after > hub.position:
        head = await event_log.head()
        if after > head:
            raise CursorBeyondHead(after, head)
    cursor = after
    delivered: int | None = after
    while True:
        subscriber = hub.subscribe(audience, where, plan)
        try:
            if cursor is None:
                cursor = subscriber.start_position
            if delivered is None:
                delivered = cursor
            checked = time.monotonic()
            while cursor < subscriber.start_position:
                detail = detail_for(plan, subscriber.audience, where)
                async with aclosing(event_log.pages(cursor, subscriber.start_position,
                                                    where, detail)) as pages:
                    async for events, scanned in pages:
                        if detail_for(plan, subscriber.audience, where) is not detail:
                            break  # the audience changed: read on with what it needs
                        cursor = scanned
                        replayed = items_for(subscriber.audience, where, plan, events)
                        if replayed:
                            yield replayed
                            delivered = replayed[-1].event.position
                        if time.monotonic() - checked >= RECHECK_SECONDS:
                            hub.regroup(subscriber, await _checked(check, delivered))
                            checked = time.monotonic()
            if subscriber.state is State.OVERFLOWED:
                audience = subscriber.audience
                continue
            while True:
                try:
                    item = await subscriber.next(checked + RECHECK_SECONDS)
                except SubscriberTooSlow:
                    raise StreamEnded(
                        "SUBSCRIBER_TOO_SLOW", delivered,
                        f"this subscriber fell more than {subscriber.limit} events behind "
                        f"and was closed; subscribe again with after: {delivered}") from None
                except HubClosed:
                    raise StreamEnded(
                        "SHUTTING_DOWN", delivered,
                        f"the server is shutting down; subscribe again with after: "
                        f"{delivered}") from None
                if item is None or time.monotonic() - checked >= RECHECK_SECONDS:
                    hub.regroup(subscriber, await _checked(check, delivered))
                    checked = time.monotonic()
                    if item is not None and not subscriber.audience.sees(item.event):
                        continue
                if item is None or item.event.position <= cursor:
                    continue
                cursor = delivered = item.event.position
                yield [item]
        finally:
            hub.unsubscribe(subscriber)


async def _checked(check: Callable[[], Awaitable[Audience]], delivered: int) -> Audience:
    try:
        return await check()
    except Refused as refused:
        raise StreamEnded(refused.code, delivered,
                          f"{refused.message}; subscribe again (with a valid token) with "
                          f"after: {delivered}") from None
