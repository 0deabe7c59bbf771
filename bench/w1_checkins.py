"""W1: recordCheckIn mutations per second through HTTP with 32 concurrent clients."""

from __future__ import annotations

from bench.baselines import single_row_inserts
from bench.config import CLIENTS, Scale
from bench.database import BenchDatabase
from bench.load import GraphQLClient, closed_loop
from bench.queries import RECORD_CHECK_IN
from bench.report import Figure
from bench.stats import rate
from bench.world import World

P99_LIMIT_MS = 100.0


async def measure(client: GraphQLClient, db: BenchDatabase, world: World,
                  scale: Scale) -> Figure:
    rows, seconds = await single_row_inserts(db, scale.baseline_seconds)
    baseline = rate(rows, seconds)
    keys = world.check_ins
    if not keys:
        raise RuntimeError("no active key results to check in on")

    async def check_in(number: int, n: int) -> None:
        # Each client takes its own slice of key results (distinct objectives), as
        # people checking in on their own OKRs would.
        key_result, value = keys[(number + n * CLIENTS) % len(keys)]
        data = await client.execute(RECORD_CHECK_IN, {"input": {
            "keyResultId": key_result, "value": value, "confidence": 7}})
        errors = data["recordCheckIn"]["userErrors"]
        if errors:
            raise RuntimeError(f"user errors: {errors}")

    result = await closed_loop(check_in, CLIENTS, scale.seconds,
                               warmup=scale.warmup().total_seconds())
    p99 = result.p(0.99)
    figure = Figure(
        id="W1", name=f"recordCheckIn over HTTP, {CLIENTS} clients", value=result.rate,
        unit="/s", baseline=baseline, baseline_name="asyncpg 1 row/transaction",
        target=f">= 1.0x baseline, p99 < {P99_LIMIT_MS:.0f} ms",
        met=result.rate >= baseline and p99 < P99_LIMIT_MS and not result.errors,
        details={"p50_ms": result.p(0.5), "p99_ms": p99, "check_ins": result.count,
                 "errors": result.errors, "baseline_rows": rows})
    if result.first_error:
        figure.details["first_error"] = result.first_error
    return figure
