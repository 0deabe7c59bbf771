"""The query baselines: graphql-core executing the same document, against a schema of
the same shape, resolving from plain dicts in memory (the answer the server gave).

What is timed is ``graphql.execute`` alone (parsing and validation are cached on the
server too); no HTTP, no JSON, no database, no analysis.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from graphql import (
    GraphQLSchema,
    build_client_schema,
    build_schema,
    execute,
    get_introspection_query,
    parse,
    validate,
)

from bench.load import GraphQLClient, GraphQLError, LoadResult

SDL_FILE = Path(__file__).resolve().parent.parent / "schema.graphql"


async def server_schema(client: GraphQLClient) -> GraphQLSchema:
    """The running server's schema (introspection), else the checked-in SDL."""
    try:
        data = await client.execute(get_introspection_query(descriptions=False))
        return build_client_schema(data)  # type: ignore[arg-type]
    except GraphQLError:
        return build_schema(SDL_FILE.read_text())


def execute_from_dicts(schema: GraphQLSchema, query: str, variables: dict[str, Any],
                       data: dict[str, Any], count: int, max_seconds: float | None = None,
                       warmup: int = 1, at_least: int = 5) -> LoadResult:
    document = parse(query)
    errors = validate(schema, document)
    if errors:
        raise ValueError(f"the baseline schema rejects the query: {errors[0].message}")
    result = LoadResult()
    started = 0.0
    for n in range(warmup + count):
        if n == warmup:
            started = time.perf_counter()
        elif (max_seconds is not None and n - warmup >= at_least
              and time.perf_counter() - started > max_seconds):
            break
        before = time.perf_counter()
        answer = execute(schema, document, root_value=data, variable_values=variables)
        elapsed = time.perf_counter() - before
        if n >= warmup:
            result.latencies.append(elapsed)
        if answer.errors or answer.data != data:  # type: ignore[union-attr]
            raise ValueError("the baseline did not reproduce the server's answer")
    result.count = len(result.latencies)
    result.seconds = time.perf_counter() - started
    return result
