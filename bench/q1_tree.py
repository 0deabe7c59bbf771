"""Q1: alignmentTree of one team subtree and of the whole company to depth 2."""

from __future__ import annotations

from graphql import GraphQLSchema

from bench.config import Scale
from bench.load import GraphQLClient
from bench.queries import ALIGNMENT_TREE
from bench.query_bench import QueryCase, figures, run_case
from bench.report import Figure
from bench.world import World

SUBTREE_LIMIT_MS = 100.0


def cases(world: World) -> list[QueryCase]:
    return [
        QueryCase("Q1", "alignmentTree, team subtree", ALIGNMENT_TREE,
                  {"cycle": world.cycle, "rootId": world.subtree_root},
                  limit_ms=SUBTREE_LIMIT_MS),
        QueryCase("Q1", "alignmentTree, company to depth 2", ALIGNMENT_TREE,
                  {"cycle": world.cycle, "depth": 2}),
    ]


async def measure(client: GraphQLClient, schema: GraphQLSchema, world: World,
                  scale: Scale) -> list[Figure]:
    result: list[Figure] = []
    for case in cases(world):
        outcome = await run_case(client, schema, case, scale)
        nodes = outcome.answer["alignmentTree"]["nodes"]
        with_krs = sum(len((n["objective"] or {}).get("keyResults", [])) for n in nodes)
        result += figures(case, outcome, f"{len(nodes)} objectives, {with_krs} key results")
    return result
