"""Fan-out: the tailer publishes each batch once; subscribers are grouped in cohorts of
the same audience, filter and plan, and each cohort shapes, filters and renders every
event once: its subscribers get the same items (the same bytes) on their own bounded
queues.

Publishing never waits for a subscriber. A subscriber whose queue still holds
``limit`` events when the next batch comes is marked overflowed and dropped from the
hub: its stream then ends with SUBSCRIBER_TOO_SLOW (telling the client where to resume)
instead of silently losing events, and the others are not slowed. Everything here runs
on the event loop, without awaiting between reading the hub's position and registering,
so a new subscriber's queue receives exactly the events after ``start_position``.

When the tailer saw a change of people or teams (``scopes_changed``), the cohorts'
audiences are read again before the batch is handed out, so a narrowed scope applies
to the very next event.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from enum import Enum

from okr_api.live.audience import Audience
from okr_api.live.filters import EventFilter
from okr_api.live.model import LiveEvent
from okr_api.live.render import Plan

Refresh = Callable[[Audience, int], Awaitable[Audience]]


class State(Enum):
    OPEN = "open"
    OVERFLOWED = "overflowed"
    CLOSED = "closed"


class SubscriberTooSlow(Exception):
    """The subscriber fell more than its queue's size behind."""


class HubClosed(Exception):
    """The server is shutting down."""


@dataclass(frozen=True, slots=True)
class Item:
    event: LiveEvent
    """The event as the subscriber's audience may receive it."""
    payload: bytes | None
    """Rendered by the cohort's plan (None without a plan)."""


def items_for(audience: Audience, where: EventFilter, plan: Plan | None,
              events: Sequence[LiveEvent]) -> list[Item]:
    items: list[Item] = []
    for event in events:
        shaped = audience.shape(event)
        if shaped is not None and where.matches(shaped):
            items.append(Item(shaped, plan.render(shaped) if plan is not None else None))
    return items


class Cohort:
    def __init__(self, audience: Audience, where: EventFilter, plan: Plan | None) -> None:
        self.audience = audience
        self.where = where
        self.plan = plan
        self.subscribers: set[Listener] = set()

    @property
    def key(self) -> tuple[Audience, EventFilter, Plan | None]:
        return self.audience, self.where, self.plan


class Listener:
    """What a cohort hands its batches to: a ``Subscriber`` (a queue a stream reads), or
    another kind that delivers them itself (``okr_api.live.socket``'s lean
    subscriptions)."""

    __slots__ = ("cohort", "limit", "start_position", "state")

    def __init__(self, cohort: Cohort, limit: int, start_position: int) -> None:
        self.cohort = cohort
        self.limit = limit
        self.start_position = start_position
        self.state = State.OPEN

    @property
    def audience(self) -> Audience:
        return self.cohort.audience

    @property
    def where(self) -> EventFilter:
        return self.cohort.where

    def offer(self, items: Sequence[Item]) -> None:
        raise NotImplementedError

    def narrow(self) -> None:
        """Drop queued events the (new) audience may not see."""
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError


class Subscriber(Listener):
    __slots__ = ("_alarm", "_alarm_for", "_items", "_ready")

    def __init__(self, cohort: Cohort, limit: int, start_position: int) -> None:
        super().__init__(cohort, limit, start_position)
        self._items: deque[Item] = deque()
        self._ready = asyncio.Event()
        self._alarm: asyncio.TimerHandle | None = None
        self._alarm_for: float | None = None
        """The deadline the alarm is (or was, once it rang) set for."""

    def offer(self, items: Sequence[Item]) -> None:
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
        if items:
            self._items.extend(items)
            self._ready.set()

    def narrow(self) -> None:
        audience = self.audience
        self._items = deque(i for i in self._items if audience.sees(i.event))

    def close(self) -> None:
        if self.state is State.OPEN:
            self.state = State.CLOSED
        if self._alarm is not None:
            self._alarm.cancel()
            self._alarm = None
        self._ready.set()

    @property
    def pending(self) -> int:
        return len(self._items)

    async def next(self, deadline: float | None = None) -> Item | None:
        """The next item, or None once ``deadline`` (``time.monotonic()``) passed without
        one; raises SubscriberTooSlow or HubClosed when the subscription ended.

        One alarm per deadline, not a timeout per call: a stream passes the same
        deadline until its next recheck, and a timer made and cancelled for every
        delivery (a thousand subscribers, ten events a second) outlives the young
        collections and makes the collector scan the whole heap every few seconds."""
        while True:
            if self.state is State.OVERFLOWED:
                raise SubscriberTooSlow
            if self.state is State.CLOSED:
                raise HubClosed
            if self._items:
                return self._items.popleft()
            if deadline is not None:
                if deadline != self._alarm_for:
                    self._set_alarm(deadline)
                if self._alarm is None or time.monotonic() >= deadline:
                    return None  # it rang
            self._ready.clear()
            await self._ready.wait()

    def _set_alarm(self, deadline: float) -> None:
        if self._alarm is not None:
            self._alarm.cancel()
        self._alarm_for = deadline
        self._alarm = asyncio.get_running_loop().call_later(
            max(deadline - time.monotonic(), 0.0), self._ring)

    def _ring(self) -> None:
        self._alarm = None
        self._ready.set()


class Hub:
    def __init__(self, queue_size: int = 1000, refresh: Refresh | None = None) -> None:
        self.queue_size = queue_size
        self.position = 0
        """The last position published: every subscriber registered now gets what
        comes after it."""
        self.closed = False
        self.refresh = refresh
        self.scopes_changed = False
        self._cohorts: dict[tuple[Audience, EventFilter, Plan | None], Cohort] = {}
        self._advanced = asyncio.Condition()

    def subscribe(self, audience: Audience, where: EventFilter, plan: Plan | None = None,
                  limit: int | None = None) -> Subscriber:
        subscriber = Subscriber(self.cohort(audience, where, plan),
                                limit or self.queue_size, self.position)
        self.join(subscriber)
        return subscriber

    def join(self, listener: Listener) -> None:
        """Register a listener made for one of this hub's cohorts (``cohort``) with
        ``start_position`` the hub's position now."""
        if self.closed:
            listener.close()
        else:
            listener.cohort.subscribers.add(listener)

    def cohort(self, audience: Audience, where: EventFilter, plan: Plan | None) -> Cohort:
        key = (audience, where, plan)
        cohort = self._cohorts.get(key)
        if cohort is None:
            cohort = self._cohorts[key] = Cohort(audience, where, plan)
        return cohort

    def unsubscribe(self, subscriber: Listener) -> None:
        cohort = subscriber.cohort
        cohort.subscribers.discard(subscriber)
        if not cohort.subscribers and self._cohorts.get(cohort.key) is cohort:
            del self._cohorts[cohort.key]

    def regroup(self, subscriber: Listener, audience: Audience) -> None:
        """Move a subscriber to the cohort of its new audience."""
        if audience == subscriber.audience:
            return
        registered = subscriber in subscriber.cohort.subscribers
        self.unsubscribe(subscriber)
        subscriber.cohort = self.cohort(audience, subscriber.where, subscriber.cohort.plan)
        if registered:
            subscriber.cohort.subscribers.add(subscriber)
        subscriber.narrow()

    @property
    def subscriber_count(self) -> int:
        return sum(len(c.subscribers) for c in self._cohorts.values())

    @property
    def cohort_count(self) -> int:
        return len(self._cohorts)

    async def publish(self, events: Sequence[LiveEvent], position: int) -> None:
        """Hand a batch to every subscriber; ``position`` is the last one it covers (it
        may be past the last event, when the batch ended with other events)."""
        if self.scopes_changed and self.refresh is not None:
            self.scopes_changed = False
            await self._refresh(position)
        for cohort in tuple(self._cohorts.values()):
            items = items_for(cohort.audience, cohort.where, cohort.plan, events)
            for subscriber in tuple(cohort.subscribers):
                subscriber.offer(items)
                if subscriber.state is State.OVERFLOWED:
                    self.unsubscribe(subscriber)
        self.position = max(self.position, position)
        async with self._advanced:
            self._advanced.notify_all()

    async def _refresh(self, position: int) -> None:
        assert self.refresh is not None
        audiences = {c.audience for c in self._cohorts.values() if c.audience.scope is not None}
        fresh = {a: await self.refresh(a, position) for a in audiences}
        for cohort in tuple(self._cohorts.values()):
            new = fresh.get(cohort.audience)
            if new is not None and new != cohort.audience:
                for subscriber in tuple(cohort.subscribers):
                    self.regroup(subscriber, new)

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
        for cohort in tuple(self._cohorts.values()):
            for subscriber in tuple(cohort.subscribers):
                subscriber.close()
        self._cohorts.clear()
        async with self._advanced:
            self._advanced.notify_all()
