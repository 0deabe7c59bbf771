"""W2: seeding (the data generator's bulk load) in events per second."""

from __future__ import annotations

from bench.baselines import executemany_stored
from bench.config import CYCLE, SEED, TODAY, Scale
from bench.database import BenchDatabase
from bench.report import Figure
from bench.stats import rate
from okr_api.seeding import SeedPlan, SeedReport, seed
from okr_api.storage import init_database

SLUG = "bench"
FLUSH_EVERY = 5_000
TARGET = 0.3


def seed_organization(db: BenchDatabase, scale: Scale) -> SeedReport:
    app = init_database(db.url)
    try:
        plan = SeedPlan(people=scale.people, cycles=1, seed=SEED, slug=SLUG, today=TODAY)
        report = seed(app, plan, flush_every=FLUSH_EVERY)
    finally:
        app.close()
    if report.cycle_keys != [CYCLE]:
        raise RuntimeError(f"seeded {report.cycle_keys}, expected {CYCLE}")
    return report


async def measure(db: BenchDatabase, report: SeedReport) -> Figure:
    rows, seconds = await executemany_stored(db, FLUSH_EVERY)
    baseline = rate(rows, seconds)
    value = report.events_per_second
    return Figure(
        id="W2", name=f"seed/import, {report.events:,} events", value=value, unit="events/s",
        baseline=baseline, baseline_name=f"asyncpg executemany, {FLUSH_EVERY:,} rows/tx",
        target=f">= {TARGET}x baseline", met=value >= TARGET * baseline,
        details={"seed_seconds": report.seconds, "baseline_seconds": seconds})
