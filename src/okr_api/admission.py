"""Admission of heavy queries: whole-cycle analyses, trees and history run a few at a time.

Such a query keeps the event loop busy for as long as it takes to build its answer
(seconds, for a company of 10,000 people), and holds that answer in memory. Run side by
side, 32 of them would each take 32 times as long, all finish together at the end and
hold 32 answers at once; taking turns, the first finishes as soon as it would alone and
the rate is the same. So at most ``slots`` of them execute at once and the others wait
their turn in arrival order. Other queries and every mutation go straight through.

A request whose client has gone while it waited is not executed.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
)

HEAVY_FIELDS = frozenset({
    "alignmentTree", "stretchAnalysis", "okrHealth", "changes", "cycleTimeline",
})
"""Root query fields whose answer grows with the whole cycle (or replays its history)."""
HEAVY_QUERY_SLOTS = 2
"""Two, so one query's waits on the database overlap another's work."""


def is_heavy(document: DocumentNode, operation: OperationDefinitionNode) -> bool:
    """Does the query select a heavy root field (directly or through fragments)?"""
    if operation.operation is not OperationType.QUERY:
        return False
    fragments = {d.name.value: d for d in document.definitions
                 if isinstance(d, FragmentDefinitionNode)}

    def selects(selection_set: SelectionSetNode, seen: frozenset[str]) -> bool:
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                if selection.name.value in HEAVY_FIELDS:
                    return True
            elif isinstance(selection, InlineFragmentNode):
                if selects(selection.selection_set, seen):
                    return True
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                if name not in seen and name in fragments \
                        and selects(fragments[name].selection_set, seen | {name}):
                    return True
        return False

    return selects(operation.selection_set, frozenset())


class Admission:
    def __init__(self, slots: int) -> None:
        self.slots = slots
        self._semaphore = asyncio.Semaphore(slots)
        self.waiting = 0
        self.running = 0
        """Heavy queries holding a slot now."""

    @asynccontextmanager
    async def turn(self) -> AsyncIterator[None]:
        """Wait for a free slot (in arrival order) and hold it."""
        self.waiting += 1
        try:
            await self._semaphore.acquire()
        finally:
            self.waiting -= 1
        self.running += 1
        try:
            yield
        finally:
            self.running -= 1
            self._semaphore.release()
