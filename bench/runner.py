"""``python -m bench``: seed, rebuild, start the API as its own process, measure, report.

Every figure is measured beside its baseline in the same run. A figure whose feature
the server does not offer (read from its schema) is reported as not available, with
the reason; a measurement that fails is reported the same way, and the run goes on.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from bench import (
    m1_memory,
    q1_tree,
    q2_stretch,
    r1_rebuild,
    s1_subscribers,
    s2_catch_up,
    server,
    t1_as_of,
    w1_checkins,
    w2_seed,
)
from bench.config import FULL, QUICK, Scale
from bench.database import DEFAULT_URL, BenchDatabase
from bench.features import Features, detect
from bench.gql_baseline import server_schema
from bench.load import GraphQLClient
from bench.r1_rebuild import ReadRate
from bench.report import Figure, details, table, unavailable, write_json
from bench.world import World, load_world
from okr_api.clock_setting import apply_clock
from okr_api.settings import Settings

DEFAULT_OUTPUT = Path(__file__).resolve().parent / "results"
NAMES = {
    "W1": "recordCheckIn over HTTP", "W2": "seed/import", "R1": "projection rebuild",
    "Q1": "alignmentTree", "Q2": "stretchAnalysis", "S1": "subscribers' delivery",
    "S2": "subscriber catch-up", "T1": "alignmentTree(asOf:)", "M1": "API process RSS",
}
ORDER = list(NAMES)


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


async def guarded(id_: str, measure: Callable[[], Awaitable[list[Figure] | Figure]]
                  ) -> list[Figure]:
    log(f"{id_}: {NAMES[id_]}")
    try:
        result = await measure()
    except Exception as error:
        log(f"{id_} failed: {error!r}")
        return [unavailable(id_, NAMES[id_], f"failed: {error!r}"[:300])]
    return result if isinstance(result, list) else [result]


def _missing(id_: str, what: str) -> list[Figure]:
    return [unavailable(id_, NAMES[id_], f"the server's schema has no {what} yet")]


class Phases:
    """The API processes' memory after each phase (which phase made the peak); the peak
    is the highest of every process the run started."""

    def __init__(self, api: server.ApiProcess) -> None:
        self.api = api
        self.idle = api.rss_mb()
        self.earlier_peak = 0.0
        self.after: dict[str, float] = {}

    def mark(self, id_: str) -> None:
        self.after[f"peak_after_{id_}_mb"] = self.api.peak_rss_mb()
        self.after[f"rss_after_{id_}_mb"] = self.api.rss_mb()

    def restart(self, restart: Restart) -> None:
        """Keep the stopping process's peak, then follow the fresh one."""
        self.earlier_peak = max(self.earlier_peak, self.api.peak_rss_mb())
        self.api = restart()

    def peak_mb(self) -> float:
        return max(self.earlier_peak, self.api.peak_rss_mb())


class Restart:
    """Stops the API process and starts a fresh one (T1's first call is asked of a
    process that has just started)."""

    def __init__(self, db: BenchDatabase, work_dir: Path) -> None:
        self.db = db
        self.work_dir = work_dir
        self.api: server.ApiProcess | None = None

    def start(self) -> server.ApiProcess:
        self.api = server.start(self.db.url, self.work_dir)
        return self.api

    def __call__(self) -> server.ApiProcess:
        if self.api is not None:
            self.api.stop()
        return self.start()

    def stop(self) -> None:
        if self.api is not None:
            self.api.stop()


async def against_api(restart: Restart, db: BenchDatabase, world: World,
                      scale: Scale, read_rate: ReadRate | None, only: set[str],
                      second: server.ApiProcess | None = None,
                      w1_inserts: list[tuple[int, float]] | None = None) -> list[Figure]:
    if w1_inserts is None:
        w1_inserts = []
    api = restart.start()
    phases = Phases(api)
    figures: list[Figure] = []
    async with GraphQLClient(api.base_url, world.token) as client:
        features: Features = await detect(client)
        schema = await server_schema(client)
        if "Q1" in only:
            figures += await guarded("Q1", lambda: q1_tree.measure(client, schema, world,
                                                                   scale))
            phases.mark("Q1")
        if "Q2" in only:
            figures += await guarded("Q2", lambda: q2_stretch.measure(client, schema, world,
                                                                      scale))
            phases.mark("Q2")
    if "T1" in only:
        await asyncio.to_thread(phases.restart, restart)
        api = phases.api
    async with GraphQLClient(api.base_url, world.token) as client:
        if "T1" not in only:
            pass
        elif features.has_query("alignmentTree", "asOf"):
            figures += await guarded("T1", lambda: t1_as_of.measure(client, world, scale))
            phases.mark("T1")
        else:
            figures += _missing("T1", "alignmentTree(asOf:)")
        if "W1" in only:
            inserts = await w1_checkins.baseline(db, scale)
            w1_inserts.append(inserts)
            figures += await guarded("W1", lambda: w1_checkins.measure(
                client, db, world, scale, inserts, documented=False,
                deployment="one API process (projections in it)"))
            phases.mark("W1")
        if not features.has_subscription("scoreEvents", "after"):
            figures += _missing("S2", "scoreEvents(after:) subscription")
            figures += _missing("S1", "scoreEvents subscription")
        else:
            if "S2" not in only:
                pass
            elif read_rate is None:
                figures.append(unavailable("S2", NAMES["S2"], "R1's baseline failed"))
            else:
                rate = read_rate
                figures += await guarded("S2", lambda: s2_catch_up.measure(
                    api.ws_url, db, world, scale, rate))
                phases.mark("S2")
            if "S1" in only:
                figures += await guarded("S1", lambda: s1_subscribers.measure(
                    client, api.ws_url, world, scale))
                phases.mark("S1")
            if "S1" in only and second is not None:
                urls = [api.ws_url, second.ws_url]
                figures += await guarded("S1", lambda: s1_subscribers.measure_spread(
                    client, urls, world, scale))
    memory = m1_memory.figure(phases.idle, phases.peak_mb(), scale.people)
    memory.details.update(phases.after)
    figures.append(memory)
    return figures


async def w1_on_deployment(db: BenchDatabase, world: World, scale: Scale, work_dir: Path,
                           inserts: tuple[int, float] | None) -> list[Figure]:
    """W1 on the documented deployment, with the one-process API stopped: API workers
    without projections, and the projections worker."""
    workers = w1_checkins.DEPLOYMENT_WORKERS
    log(f"W1: starting the deployment ({workers} API workers + the projections worker)")
    deployment = await asyncio.to_thread(server.start_deployment, db.url, work_dir, workers)
    try:
        if inserts is None:
            inserts = await w1_checkins.baseline(db, scale)
        async with GraphQLClient(deployment.api.base_url, world.token) as client:
            figure = await w1_checkins.measure(
                client, db, world, scale, inserts, documented=True,
                deployment=f"{workers} API workers + projections worker",
                offset=len(world.check_ins) // 2)
        return [figure]
    finally:
        await asyncio.to_thread(deployment.stop)


def measure_all(db: BenchDatabase, scale: Scale, work_dir: Path, only: set[str]
                ) -> tuple[list[Figure], dict[str, Any]]:
    figures: list[Figure] = []
    log(f"W2: seeding {scale.people:,} people into {db.schema}")
    report = w2_seed.seed_organization(db, scale)
    log(f"seeded {report.events:,} events in {report.seconds:.1f} s")
    figures += asyncio.run(guarded("W2", lambda: w2_seed.measure(db, report)))
    log("R1: rebuilding every projection")
    read_rate: ReadRate | None = None
    try:
        r1, read_rate = r1_rebuild.measure(db)
        figures.append(r1)
    except Exception as error:
        log(f"R1 failed: {error!r}")
        figures.append(unavailable("R1", NAMES["R1"], f"failed: {error!r}"[:300]))
    world = load_world(db, report.organization_id, scale.subtree_target)
    log(f"starting the API ({world.objectives:,} objectives in {world.cycle})")
    restart = Restart(db, work_dir)
    second: server.ApiProcess | None = None
    try:
        if "S1" in only:
            # S1 over two processes: the second serves subscribers only (one process
            # runs the projections and the webhook worker).
            second = server.start(db.url, work_dir, {"OKR_PROJECTIONS_IN_PROCESS": "false",
                                                     "OKR_WEBHOOKS_ENABLED": "false"})
        w1_inserts: list[tuple[int, float]] = []
        figures += asyncio.run(against_api(restart, db, world, scale, read_rate, only,
                                           second, w1_inserts))
    finally:
        restart.stop()
        if second is not None:
            second.stop()
    if "W1" in only:
        figures += asyncio.run(guarded("W1", lambda: w1_on_deployment(
            db, world, scale, work_dir, w1_inserts[0] if w1_inserts else None)))
    run = {"scale": scale.name, "people": scale.people, "events": report.events,
           "objectives": world.objectives, "key_results": world.key_results,
           "subtree_objectives": world.subtree_size, "department": world.department_name}
    return sorted(figures, key=lambda f: ORDER.index(f.id)), run


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true",
                        help="a small run (CI checks that it completes)")
    parser.add_argument("--database-url", default=os.environ.get("OKR_BENCH_POSTGRES_URL",
                                                                 DEFAULT_URL),
                        help="PostgreSQL on 127.0.0.1; a schema of its own is made and "
                             "dropped [env: OKR_BENCH_POSTGRES_URL]")
    parser.add_argument("--output", type=Path, default=None,
                        help="the JSON file to write (default: bench/results/<scale>.json)")
    parser.add_argument("--only", default=",".join(ORDER),
                        help="the figures to measure, e.g. S1,S2 (seeding and R1 always "
                             "run: the others stand on them)")
    parser.add_argument("--keep", action="store_true",
                        help="keep the schema (to look at it afterwards)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse(argv)
    logging.basicConfig(level=logging.WARNING)
    # The service's clock, as its settings say (OKR_CLOCK_START): the tokens minted here
    # and the server started from here must agree on the time.
    apply_clock(Settings())
    scale = QUICK if args.quick else FULL
    output: Path = args.output or DEFAULT_OUTPUT / f"{scale.name}.json"
    started = time.perf_counter()
    load_before = os.getloadavg()
    db = BenchDatabase.create(args.database_url)
    try:
        with tempfile.TemporaryDirectory(prefix="okr-bench-") as work:
            only = {f.strip().upper() for f in args.only.split(",") if f.strip()}
            figures, run = measure_all(db, scale, Path(work), only)
    finally:
        if args.keep:
            log(f"kept schema {db.schema}")
        else:
            db.drop()
    run["only"] = args.only
    run["seconds"] = round(time.perf_counter() - started, 1)
    # Other work on the machine skews every figure; the load average says how busy it was.
    run["load_average"] = {"before": load_before, "after": os.getloadavg()}
    write_json(output, figures, run)
    print(table(figures))
    print()
    print(details(figures))
    log(f"done in {run['seconds']:.0f} s; wrote {output}")
