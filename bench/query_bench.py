"""One query measured three ways: one client (p50/p95), 32 clients (requests/s), and
the graphql-core baseline on the same answer; shared by Q1 and Q2."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graphql import GraphQLSchema

from bench.config import CLIENTS, Scale
from bench.gql_baseline import execute_from_dicts
from bench.load import GraphQLClient, LoadResult, closed_loop, sequential
from bench.report import Figure
from bench.stats import ms

P95_FACTOR = 1.5


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


async def run_case(client: GraphQLClient, schema: GraphQLSchema, case: QueryCase,
                   scale: Scale) -> CaseResult:
    answer = await client.execute(case.query, case.variables)

    async def request(_client: int, _n: int) -> None:
        await client.execute(case.query, case.variables)

    one = await sequential(request, scale.single_requests, warmup=1,
                           max_seconds=scale.single_seconds)
    many = await closed_loop(request, CLIENTS, scale.seconds,
                             warmup=scale.warmup().total_seconds())
    baseline = execute_from_dicts(schema, case.query, case.variables, answer,
                                  max(scale.single_requests, 20), scale.single_seconds)
    return CaseResult(one, many, baseline, answer)


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
        target=f">= 1 client's {one_rate:.1f}/s", met=many.rate >= one_rate and not many.errors,
        details={"one_client_per_s": one_rate, "p50_ms": many.p(0.5), "p99_ms": many.p(0.99),
                 "errors": many.errors, "requests": many.count,
                 "baseline_mean_ms": ms(base.seconds / max(base.count, 1))})
    if many.first_error:
        throughput.details["first_error"] = many.first_error
    return [latency, throughput]
