"""T1: ``alignmentTree(asOf:)`` at mid-quarter, the first call (asked of an API process
that has just started: nothing of the replay is in its memory) and repeated ones, against
the live ``alignmentTree`` of the same subtree."""

from __future__ import annotations

import time

import httpx

from bench.config import MID_QUARTER, Scale
from bench.load import GraphQLClient, sequential
from bench.queries import ALIGNMENT_TREE, ALIGNMENT_TREE_AS_OF
from bench.report import Figure
from bench.stats import ms
from bench.world import World

FIRST_LIMIT_MS = 3000.0
REPEATED_FACTOR = 2.0
FIRST_TIMEOUT_SECONDS = 600.0
"""A first call that replays from the start of the log takes minutes at full size:
it is measured, however long, rather than cut off."""


async def measure(client: GraphQLClient, world: World, scale: Scale) -> list[Figure]:
    live_variables = {"cycle": world.cycle, "rootId": world.subtree_root}
    as_of_variables = {**live_variables, "asOf": MID_QUARTER.isoformat()}
    before = time.perf_counter()
    answer = await client.execute(ALIGNMENT_TREE_AS_OF, as_of_variables,
                                  read_seconds=FIRST_TIMEOUT_SECONDS)
    first = ms(time.perf_counter() - before)

    async def as_of(_client: int, _n: int) -> httpx.Response:
        return await client.send(ALIGNMENT_TREE_AS_OF, as_of_variables)

    async def live(_client: int, _n: int) -> httpx.Response:
        return await client.send(ALIGNMENT_TREE, live_variables)

    repeated = await sequential(as_of, scale.single_requests, warmup=0,
                                max_seconds=scale.single_seconds, check=GraphQLClient.check)
    current = await sequential(live, scale.single_requests, warmup=1,
                               max_seconds=scale.single_seconds, check=GraphQLClient.check)
    nodes = len(answer["alignmentTree"]["nodes"])
    name = f"alignmentTree(asOf: {MID_QUARTER.date()}), team subtree ({nodes} objectives)"
    return [
        Figure(id="T1", name=f"{name}: first call", value=first, unit="ms",
               baseline=current.p(0.5), baseline_name="live alignmentTree p50",
               target=f"<= {FIRST_LIMIT_MS / 1000:.0f} s", met=first <= FIRST_LIMIT_MS),
        Figure(id="T1", name=f"{name}: repeated, p50", value=repeated.p(0.5), unit="ms",
               baseline=current.p(0.5), baseline_name="live alignmentTree p50",
               target=f"<= {REPEATED_FACTOR:.0f}x baseline",
               met=repeated.p(0.5) <= REPEATED_FACTOR * current.p(0.5),
               details={"p95_ms": repeated.p(0.95), "live_p95_ms": current.p(0.95)}),
    ]
