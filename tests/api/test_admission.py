"""Heavy queries take turns; everything else goes straight through."""

from __future__ import annotations

import asyncio

import pytest
from graphql import OperationDefinitionNode, parse

from okr_api.admission import Admission, is_heavy


def heavy(query: str) -> bool:
    document = parse(query)
    operation = next(d for d in document.definitions
                     if isinstance(d, OperationDefinitionNode))
    return is_heavy(document, operation)


def test_heavy_root_fields_are_recognised_directly_and_through_fragments() -> None:
    assert heavy("{ alignmentTree(cycle: \"2026-Q4\") { position } }")
    assert heavy("query { position stretchAnalysis(cycle: \"x\") { count } }")
    assert heavy("{ ... on Query { okrHealth(cycle: \"x\") { score } } }")
    assert heavy("query Q { ...F } fragment F on Query { cycleTimeline(cycle: \"x\") { at } }")
    assert not heavy("{ position viewer { id } }")
    assert not heavy("{ objectives { nodes { alignmentTree: title } } }")
    assert not heavy("mutation { alignmentTree { id } }")
    assert not heavy("query Q { ...F } fragment F on Query { ...F position }")


async def test_at_most_slots_run_at_once_and_waiters_go_in_arrival_order() -> None:
    admission = Admission(2)
    running: list[int] = []
    most = 0
    finished: list[int] = []

    async def query(number: int) -> None:
        nonlocal most
        async with admission.turn():
            running.append(number)
            most = max(most, len(running))
            await asyncio.sleep(0.01)
            running.remove(number)
            finished.append(number)

    tasks = []
    for number in range(8):
        tasks.append(asyncio.create_task(query(number)))
        await asyncio.sleep(0)  # each arrives after the one before
    await asyncio.gather(*tasks)
    assert most == 2
    assert finished[:2] == [0, 1]
    assert sorted(finished) == list(range(8))
    assert finished == sorted(finished, key=lambda n: n // 2)
    assert admission.waiting == 0


async def test_a_waiter_that_is_cancelled_gives_up_its_place() -> None:
    admission = Admission(1)
    release = asyncio.Event()

    async def first() -> None:
        async with admission.turn():
            await release.wait()

    holder = asyncio.create_task(first())
    await asyncio.sleep(0)
    waiter = asyncio.create_task(admission.turn().__aenter__())
    await asyncio.sleep(0)
    assert admission.waiting == 1
    waiter.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiter
    assert admission.waiting == 0
    release.set()
    await holder
    async with admission.turn():
        pass
