"""Fan-out: the tailer publishes each batch once; every subscriber gets, on its own
bounded queue, the events its audience may see and its filter asks for.

Publishing never waits for a subscriber. A subscriber whose queue still holds
``limit`` events when the next batch comes is marked overflowed and dropped from the
hub: its stream then ends with SUBSCRIBER_TOO_SLOW (telling the client where to resume)
instead of silently losing events, and the others are not slowed. Everything here runs
on the event loop, without awaiting between reading the hub's position and registering,
so a new subscriber's queue receives exactly the events after ``start_position``.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Sequence
from enum import Enum

from okr_api.live.audience import Audience
from okr_api.live.filters import EventFilter
from okr_api.live.model import LiveEvent


class State(Enum):
    OPEN = "open"
    OVERFLOWED = "overflowed"
    CLOSED = "closed"


class SubscriberTooSlow(Exception):
    """The subscriber fell more than its queue's size behind."""


class HubClosed(Exception):
    """The server is shutting down."""


class Subscriber:
    def __init__(self, audience: Audience, where: EventFilter, limit: int,
                 start_position: int) -> None:
        self.audience = audience
        self.where = where
        self.limit = limit
        self.start_position = start_position
        self.state = State.OPEN
        self._items: deque[LiveEvent] = deque()
        self._ready = asyncio.Event()

    def offer(self, events: Sequence[LiveEvent]) -> None:
        """Queue a batch. A subscriber still holding ``limit`` events from before has
        fallen too far behind; a burst larger than the limit does not count against a
        subscriber that keeps up, so the queue holds at most ``limit`` plus one batch."""
        if self.state is not State.OPEN:
            return
        if len(self._items) >= self.limit:
            self.state = State.OVERFLOWED
            self._items.clear()
            self._ready.set()
            return
        for event in events:
            shaped = self.audience.shape(event)
            if shaped is not None and self.where.matches(shaped):
                self._items.append(shaped)
        if self._items:
            self._ready.set()

    def close(self) -> None:
        if self.state is State.OPEN:
            self.state = State.CLOSED
        self._ready.set()

    @property
    def pending(self) -> int:
        return len(self._items)

    async def next(self) -> LiveEvent:
        """The next event; raises SubscriberTooSlow or HubClosed when it ended."""
        while True:
            if self.state is State.OVERFLOWED:
                raise SubscriberTooSlow
            if self.state is State.CLOSED:
                raise HubClosed
            if self._items:
                return self._items.popleft()
            self._ready.clear()
            await self._ready.wait()


class Hub:
    def __init__(self, queue_size: int = 1000) -> None:
        self.queue_size = queue_size
        self.position = 0
        """The last position published: every subscriber registered now gets what
        comes after it."""
        self.closed = False
        self._subscribers: set[Subscriber] = set()
        self._advanced = asyncio.Condition()

    def subscribe(self, audience: Audience, where: EventFilter,
                  limit: int | None = None) -> Subscriber:
        subscriber = Subscriber(audience, where, limit or self.queue_size, self.position)
        if self.closed:
            subscriber.close()
        else:
            self._subscribers.add(subscriber)
        return subscriber

    def unsubscribe(self, subscriber: Subscriber) -> None:
        self._subscribers.discard(subscriber)

    @property
    def subscriber_count(self) -> int:
        return len(self._subscribers)

    async def publish(self, events: Sequence[LiveEvent], position: int) -> None:
        """Hand a batch to every subscriber; ``position`` is the last one it covers (it
        may be past the last event, when the batch ended with other events)."""
        for subscriber in tuple(self._subscribers):
            subscriber.offer(events)
            if subscriber.state is State.OVERFLOWED:
                self._subscribers.discard(subscriber)
        self.position = max(self.position, position)
        async with self._advanced:
            self._advanced.notify_all()

    async def wait_beyond(self, position: int, timeout: float) -> bool:  # noqa: ASYNC109
        """Wait until something after ``position`` was published (or ``timeout``)."""
        async with self._advanced:
            try:
                # asyncio.timeout, not wait_for: on Python 3.11 wait_for can lose a
                # cancellation that arrives as the wait completes.
                async with asyncio.timeout(timeout):
                    await self._advanced.wait_for(
                        lambda: self.position > position or self.closed)
            except TimeoutError:
                return False
        return self.position > position

    async def close(self) -> None:
        self.closed = True
        for subscriber in tuple(self._subscribers):
            subscriber.close()
        self._subscribers.clear()
        async with self._advanced:
            self._advanced.notify_all()
