"""Q2: stretchAnalysis for the organization and for one department."""

from __future__ import annotations

from graphql import GraphQLSchema

from bench.config import Scale
from bench.load import GraphQLClient
from bench.queries import STRETCH_ANALYSIS
from bench.query_bench import QueryCase, figures, run_case
from bench.report import Figure
from bench.world import World


def cases(world: World) -> list[QueryCase]:
    return [
        QueryCase("Q2", "stretchAnalysis, organization", STRETCH_ANALYSIS,
                  {"cycle": world.cycle}),
        QueryCase("Q2", f"stretchAnalysis, department {world.department_name}",
                  STRETCH_ANALYSIS, {"cycle": world.cycle,
                                     "scope": {"teamId": world.department}}),
    ]


async def measure(client: GraphQLClient, schema: GraphQLSchema, world: World,
                  scale: Scale) -> list[Figure]:
    result: list[Figure] = []
    for case in cases(world):
        outcome = await run_case(client, schema, case, scale)
        analysis = outcome.answer["stretchAnalysis"]
        size = (f"{analysis['aspirationalCount'] + analysis['committedCount']} objectives, "
                f"{len(analysis['trends'])} trends")
        result += figures(case, outcome, size)
    return result
