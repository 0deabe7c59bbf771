"""A subscriber's stream: stored events after its cursor, then live ones, with no gap
and no duplicate.

The live queue is registered first; at that instant the hub has published everything
up to ``start_position`` and the queue will receive everything after it. So the replay
reads the store from the cursor up to ``start_position`` (inclusive), then the queue
takes over, skipping anything at or before the cursor. If the queue overflows while a
long replay runs, that is not the subscriber's fault: the queue is dropped and a new
one registered, and the replay simply goes further.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence

from okr_api.live.audience import Audience
from okr_api.live.builder import OBJECTIVE_TOPICS, EventBuilder, decode
from okr_api.live.filters import EventFilter
from okr_api.live.hub import Hub, HubClosed, State, SubscriberTooSlow
from okr_api.live.model import TYPE_TOPICS, LiveEvent
from okr_domain.application import OkrApplication

REPLAY_BATCH = 500
AUDIENCE_REFRESH_SECONDS = 30.0


class StreamEnded(Exception):
    """The stream stopped early; resume with ``after=resume_after``."""

    def __init__(self, code: str, resume_after: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.resume_after = resume_after
        self.message = message


class EventLog:
    """OKR events read back from the store, built like the tailer's."""

    def __init__(self, app: OkrApplication, builder: EventBuilder,
                 batch_size: int = REPLAY_BATCH) -> None:
        self.app = app
        self.builder = builder
        self.batch_size = batch_size

    async def read(self, after: int, stop: int,
                   where: EventFilter) -> tuple[list[LiveEvent], int]:
        """Events in (after, stop], at most one batch, and the position scanned to."""
        topics: Sequence[str] = (tuple(TYPE_TOPICS[t] for t in sorted(where.types))
                                 if where.types else OBJECTIVE_TOPICS)
        notifications = await asyncio.to_thread(
            self.app.recorder.select_notifications, after + 1, self.batch_size, stop,
            topics)
        if not notifications:
            return [], stop
        decoded = await asyncio.to_thread(decode, self.app, notifications)
        events = await self.builder.build(decoded)
        full = len(notifications) >= self.batch_size
        return events, notifications[-1].id if full else stop


async def stream(hub: Hub, event_log: EventLog, audience_of: Callable[[], Awaitable[Audience]],
                 where: EventFilter, after: int | None) -> AsyncIterator[LiveEvent]:
    """The subscriber's events, in position order. Raises StreamEnded when the
    subscriber fell too far behind or the server is shutting down."""
    audience = await audience_of()
    cursor = after
    delivered: int | None = after
    while True:
        subscriber = hub.subscribe(audience, where)
        try:
            if cursor is None:
                cursor = subscriber.start_position
            if delivered is None:
                delivered = cursor
            while cursor < subscriber.start_position:
                events, cursor = await event_log.read(cursor, subscriber.start_position, where)
                for event in events:
                    shaped = audience.shape(event)
                    if shaped is not None and where.matches(shaped):
                        yield shaped
                        delivered = event.position
            if subscriber.state is State.OVERFLOWED:
                continue
            refreshed = time.monotonic()
            while True:
                try:
                    event = await subscriber.next()
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
                if event.position <= cursor:
                    continue
                cursor = delivered = event.position
                yield event
                if time.monotonic() - refreshed > AUDIENCE_REFRESH_SECONDS:
                    # Scopes change (a new report, a new lead): re-read them now and then.
                    audience = await audience_of()
                    subscriber.audience = audience
                    refreshed = time.monotonic()
        finally:
            hub.unsubscribe(subscriber)
