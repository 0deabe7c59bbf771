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
TARGET_RATIO = 0.3
DEPLOYMENT_WORKERS = 2
"""API worker processes of the documented deployment on this 2-core machine (plus the
projections worker)."""


async def baseline(db: BenchDatabase, scale: Scale) -> tuple[int, float]:
    """(rows, seconds) of single-row inserts: the baseline both W1 rows share."""
    return await single_row_inserts(db, scale.baseline_seconds)


async def measure(client: GraphQLClient, db: BenchDatabase, world: World,
                  scale: Scale, inserts: tuple[int, float], *, deployment: str,
                  documented: bool, offset: int = 0) -> Figure:
    """``deployment`` names how the API runs; the target applies to the documented
    deployment, the other is reported beside it. ``offset`` moves the clients to other
    key results, so a second measurement does not start where the first left off."""
    rows, seconds = inserts
    baseline = rate(rows, seconds)
    keys = world.check_ins
    if not keys:
        raise RuntimeError("no active key results to check in on")

    async def check_in(number: int, n: int) -> None:
        # Each client takes its own slice of key results (distinct objectives), as
        # people checking in on their own OKRs would.
        key_result, value = keys[(offset + number + n * CLIENTS) % len(keys)]
        data = await client.execute(RECORD_CHECK_IN, {"input": {
            "keyResultId": key_result, "value": value, "confidence": 7}})
        errors = data["recordCheckIn"]["userErrors"]
        if errors:
            raise RuntimeError(f"user errors: {errors}")

    result = await closed_loop(check_in, CLIENTS, scale.seconds,
                               warmup=scale.warmup().total_seconds())
    p99 = result.p(0.99)
    target = f">= {TARGET_RATIO}x baseline, p99 < {P99_LIMIT_MS:.0f} ms" if documented else (
        "reported")
    met = (result.rate >= TARGET_RATIO * baseline and p99 < P99_LIMIT_MS
           and not result.errors) if documented else None
    figure = Figure(
        id="W1", name=f"recordCheckIn over HTTP, {CLIENTS} clients, {deployment}",
        value=result.rate, unit="/s", baseline=baseline,
        baseline_name="asyncpg 1 row/transaction", target=target, met=met,
        details={"deployment": deployment, "p50_ms": result.p(0.5), "p99_ms": p99,
                 "check_ins": result.count, "errors": result.errors, "baseline_rows": rows})
    if result.first_error:
        figure.details["first_error"] = result.first_error
    return figure
