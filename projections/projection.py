"""What a projection is: pure logic from a domain event to read-model changes.

A projection reads the rows it needs from a ``View`` (the rows of the event's aggregate,
loaded by the store before the batch) and returns the changes; it never writes. Where
the rows live (memory, SQLite, PostgreSQL) is the store's business.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Hashable, Iterable, Sequence
from functools import lru_cache
from typing import Any, ClassVar, Protocol, TypeVar

from eventsourcing.utils import TopicError, get_topic, resolve_topic

from okr_domain.base import OkrAggregate
from projections.tables import Change, Table

R = TypeVar("R")

Event = OkrAggregate.Event


def topic_of(event: Event) -> str:
    topic = getattr(type(event), "TOPIC", None)
    return topic if isinstance(topic, str) else get_topic(type(event))


@lru_cache(maxsize=1024)
def current_topic(stored: str) -> str:
    """The TOPIC of the class a stored topic names today (stored topics may be older
    names registered as aliases)."""
    try:
        cls = resolve_topic(stored)
    except TopicError:
        return stored
    topic = getattr(cls, "TOPIC", None)
    return topic if isinstance(topic, str) else stored


class View(Protocol):
    """Read access to the current rows (including this batch's earlier changes)."""

    def get(self, table: Table[R], key: Hashable) -> R | None: ...

    def owned(self, table: Table[R], owner: Hashable) -> list[R]: ...

    def owned_by_key(self, table: Table[R], owner: Hashable) -> dict[Hashable, R]: ...


class Projection(ABC):
    name: ClassVar[str]
    tables: ClassVar[tuple[Table[Any], ...]]

    @property
    @abstractmethod
    def topics(self) -> frozenset[str] | None:
        """The event topics this projection handles (None: all of them). Other events
        are skipped without being decoded, but still advance the position."""

    def wanted(self, event: Event) -> Iterable[tuple[Table[Any], Hashable]]:
        """The (table, owner) pairs whose rows ``apply`` will read for this event."""
        return ()

    @abstractmethod
    def apply(self, event: Event, position: int, view: View) -> Sequence[Change]:
        """The changes this event makes, given the rows it reads from ``view``."""
