"""The position-keyed cache under the analyses: one computation per key and position,
nothing older than the position asked for, failures not kept."""

from __future__ import annotations

import asyncio

import pytest

from okr_api.graphql.analysis_cache import PositionCache


class Counter:
    def __init__(self) -> None:
        self.calls = 0

    async def __call__(self) -> int:
        self.calls += 1
        await asyncio.sleep(0.01)
        return self.calls


async def test_concurrent_requests_share_one_computation() -> None:
    cache, compute = PositionCache(8), Counter()
    answers = await asyncio.gather(*(cache.get(5, "k", compute) for _ in range(10)))
    assert answers == [1] * 10
    assert compute.calls == 1
    assert await cache.get(5, "k", compute) == 1


async def test_a_newer_position_empties_the_cache() -> None:
    cache, compute = PositionCache(8), Counter()
    assert await cache.get(5, "k", compute) == 1
    assert await cache.get(6, "k", compute) == 2
    assert cache.position == 6
    assert len(cache) == 1


async def test_an_older_position_is_computed_but_not_kept() -> None:
    cache, compute = PositionCache(8), Counter()
    assert await cache.get(6, "k", compute) == 1
    assert await cache.get(5, "k", compute) == 2
    assert await cache.get(6, "k", compute) == 1  # the entry of position 6 is untouched


async def test_entries_of_a_position_the_read_model_is_past_are_forgotten() -> None:
    cache, compute = PositionCache(8), Counter()
    assert await cache.get(5, "k", compute) == 1
    assert cache.forget_before(5) == 0  # the read model is still there: kept
    assert len(cache) == 1
    assert cache.forget_before(7) == 1
    assert len(cache) == 0
    assert cache.position == 7
    assert await cache.get(5, "k", compute) == 2  # an older request computes, uncached
    assert len(cache) == 0
    assert await cache.get(7, "k", compute) == 3
    assert len(cache) == 1


async def test_failures_are_not_kept() -> None:
    cache = PositionCache(8)
    attempts = 0

    async def flaky() -> str:
        nonlocal attempts
        attempts += 1
        if attempts == 1:
            raise RuntimeError("database hiccup")
        return "ok"

    with pytest.raises(RuntimeError):
        await cache.get(1, "k", flaky)
    assert await cache.get(1, "k", flaky) == "ok"


async def test_a_cancelled_request_does_not_cancel_the_others() -> None:
    cache, compute = PositionCache(8), Counter()
    first = asyncio.ensure_future(cache.get(1, "k", compute))
    second = asyncio.ensure_future(cache.get(1, "k", compute))
    await asyncio.sleep(0)
    first.cancel()
    assert await second == 1


async def test_entries_are_bounded() -> None:
    cache, compute = PositionCache(2), Counter()
    for key in ("a", "b", "c"):
        await cache.get(1, key, compute)
    assert len(cache) == 2
    assert await cache.get(1, "a", compute) == 4  # "a" was the least recently used
