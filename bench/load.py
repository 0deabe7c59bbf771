"""GraphQL over HTTP from the benchmark: one async client, and load patterns (one
client in sequence, N clients in a closed loop, a fixed rate)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from bench.stats import ms, percentile, rate

Request = Callable[[int, int], Awaitable[Any]]
"""(client number, request number) -> one request, raising on failure."""
Check = Callable[[Any], object] | None
"""Run on a request's answer after its time is taken (parsing it, say); may raise."""


class GraphQLError(RuntimeError):
    pass


class GraphQLClient:
    def __init__(self, base_url: str, token: str, connections: int = 64) -> None:
        # Idle connections are dropped before the server's keep-alive timeout (5 s) can
        # close one just as a request goes out on it (a spurious ReadError).
        limits = httpx.Limits(max_connections=connections,
                              max_keepalive_connections=connections, keepalive_expiry=2.0)
        self._http = httpx.AsyncClient(base_url=base_url, limits=limits, timeout=120,
                                       headers={"Authorization": f"Bearer {token}"})

    async def execute(self, query: str, variables: dict[str, Any] | None = None,
                      read_seconds: float | None = None) -> dict[str, Any]:
        return self.check(await self.send(query, variables, read_seconds))

    async def send(self, query: str, variables: dict[str, Any] | None = None,
                   read_seconds: float | None = None) -> httpx.Response:
        """The request, answered in full (the body read, not parsed)."""
        body = {"query": query, "variables": variables or {}}
        if read_seconds is None:
            return await self._http.post("/graphql", json=body)
        return await self._http.post("/graphql", json=body, timeout=read_seconds)

    @staticmethod
    def check(response: httpx.Response) -> dict[str, Any]:
        """The answer's data; raises on an HTTP or GraphQL error."""
        if response.status_code != 200:
            raise GraphQLError(f"HTTP {response.status_code}: {response.text[:300]}")
        body: dict[str, Any] = response.json()
        if body.get("errors"):
            raise GraphQLError(str(body["errors"])[:500])
        data: dict[str, Any] = body["data"]
        return data

    async def close(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> GraphQLClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()


@dataclass
class LoadResult:
    count: int = 0
    errors: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    first_error: str = ""

    @property
    def rate(self) -> float:
        return rate(self.count, self.seconds)

    def p(self, share: float) -> float:
        return ms(percentile(self.latencies, share))


async def sequential(request: Request, count: int, warmup: int = 1,
                     max_seconds: float | None = None, at_least: int = 5,
                     check: Check = None) -> LoadResult:
    """One client, one request after the other: ``count`` of them, or fewer (but
    ``at_least``) when ``max_seconds`` run out first."""
    for n in range(warmup):
        await request(0, -1 - n)
    result = LoadResult()
    started = time.perf_counter()
    for n in range(count):
        if (max_seconds is not None and n >= at_least
                and time.perf_counter() - started > max_seconds):
            break
        before = time.perf_counter()
        answer = await request(0, n)
        result.latencies.append(time.perf_counter() - before)
        result.count += 1
        if check is not None:
            check(answer)
    result.seconds = time.perf_counter() - started
    return result


async def closed_loop(request: Request, clients: int, seconds: float,
                      warmup: float = 1.0, check: Check = None) -> LoadResult:
    """``clients`` clients, each sending its next request when the last one answers,
    for ``warmup + seconds``. The requests answered within the window after the warmup
    count, over the window; at its end the requests still in flight are abandoned (the
    clients hang up), so a phase never runs longer than it says. The latencies are
    those of the answered requests."""
    result = LoadResult()
    begin = time.perf_counter()
    measure_from = begin + warmup
    until = measure_from + seconds

    async def client(number: int) -> None:
        n = 0
        while time.perf_counter() < until:
            before = time.perf_counter()
            try:
                answer = await request(number, n)
                done = time.perf_counter()
                if check is not None:
                    check(answer)
            except Exception as error:
                done = time.perf_counter()
                failed = True
                message = repr(error)[:300]
            else:
                failed = False
            if measure_from <= done <= until:
                if failed:
                    result.errors += 1
                    result.first_error = result.first_error or message
                else:
                    result.count += 1
                    result.latencies.append(done - before)
            n += 1

    tasks = [asyncio.create_task(client(i)) for i in range(clients)]
    _, pending = await asyncio.wait(tasks, timeout=max(0.0, until - time.perf_counter()))
    for task in pending:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    result.seconds = seconds
    return result
