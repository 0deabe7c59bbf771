"""One query measured three ways: one client (p50/p95), 32 clients (requests/s), and
the graphql-core baseline on the same answer; shared by Q1 and Q2.

The one-client requests and the baseline's executions take turns, so that both see the
same machine (other work on it shifts both alike). A request's time runs from sending
it to having its whole answer; parsing the answer's JSON in the benchmark is not timed.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import httpx
from graphql import GraphQLSchema

from bench.config import CLIENTS, Scale
from bench.gql_baseline import DictExecution
from bench.load import GraphQLClient, LoadResult, closed_loop
from bench.report import Figure
from bench.stats import ms

P95_FACTOR = 1.5
AT_LEAST = 5
WINDOW_REQUESTS = 4
MAX_WINDOW_SECONDS = 25.0


@dataclass(frozen=True)
class QueryCase:
    id: str
    label: str
    query: str
    variables: dict[str, Any]
    limit_ms: float | None = None
    """An absolute p95 bound besides the ratio (the team subtree: 100 ms)."""


@dataclass
class CaseResult:
    one: LoadResult
    many: LoadResult
    baseline: LoadResult
    answer: dict[str, Any]


async def alternate(client: GraphQLClient, case: QueryCase, baseline: DictExecution,
                    scale: Scale) -> tuple[LoadResult, LoadResult]:
    """One client in sequence and the baseline, turn about."""
    one, base = LoadResult(), LoadResult()
    started = time.perf_counter()
    for n in range(scale.single_requests):
        if n >= AT_LEAST and time.perf_counter() - started > scale.single_seconds:
            break
        before = time.perf_counter()
        response = await client.send(case.query, case.variables)
        one.latencies.append(time.perf_counter() - before)
        GraphQLClient.check(response)
        base.latencies.append(baseline.run())
    one.count, base.count = len(one.latencies), len(base.latencies)
    one.seconds, base.seconds = sum(one.latencies), sum(base.latencies)
    return one, base


async def run_case(client: GraphQLClient, schema: GraphQLSchema, case: QueryCase,
                   scale: Scale) -> CaseResult:
    answer = await client.execute(case.query, case.variables)  # warms the server up
    baseline = DictExecution(schema, case.query, case.variables, answer)
    baseline.run()
    one, base = await alternate(client, case, baseline, scale)

    async def request(_client: int, _n: int) -> httpx.Response:
        return await client.send(case.query, case.variables)

    # A heavy query answers seldom: the window holds several of one client's requests,
    # and the warm-up lets the first round of 32 settle into a steady flow.
    mean = one.seconds / max(one.count, 1)
    window = min(MAX_WINDOW_SECONDS, max(scale.seconds, WINDOW_REQUESTS * mean))
    warmup = min(MAX_WINDOW_SECONDS, max(scale.warmup().total_seconds(), 2 * mean))
    many = await closed_loop(request, CLIENTS, window, warmup=warmup,
                             check=GraphQLClient.check)
    return CaseResult(one, many, base, answer)


def figures(case: QueryCase, result: CaseResult, size: str) -> list[Figure]:
    one, many, base = result.one, result.many, result.baseline
    p95, base_p95 = one.p(0.95), base.p(0.95)
    target = f"p95 <= {P95_FACTOR}x baseline" + (
        f" and < {case.limit_ms:.0f} ms" if case.limit_ms else "")
    met = p95 <= P95_FACTOR * base_p95 and (case.limit_ms is None or p95 < case.limit_ms)
    latency = Figure(
        id=case.id, name=f"{case.label} ({size}): p95, 1 client", value=p95, unit="ms",
        baseline=base_p95, baseline_name="graphql-core from dicts", target=target, met=met,
        details={"p50_ms": one.p(0.5), "baseline_p50_ms": base.p(0.5),
                 "requests": one.count})
    one_rate = one.rate
    throughput = Figure(
        id=case.id, name=f"{case.label} ({size}): requests/s, {CLIENTS} clients",
        value=many.rate, unit="/s", baseline=base.rate,
        baseline_name="graphql-core from dicts, 1 thread",
        target=f">= 1 client's {one_rate:.2f}/s",
        met=many.rate >= one_rate and not many.errors,
        details={"one_client_per_s": one_rate, "p50_ms": many.p(0.5), "p99_ms": many.p(0.99),
                 "errors": many.errors, "requests": many.count,
                 "baseline_mean_ms": ms(base.seconds / max(base.count, 1))})
    if many.first_error:
        throughput.details["first_error"] = many.first_error
    return [latency, throughput]
