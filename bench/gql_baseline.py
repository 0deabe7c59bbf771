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
    DocumentNode,
    GraphQLSchema,
    build_client_schema,
    build_schema,
    execute,
    get_introspection_query,
    parse,
    validate,
)

from bench.load import GraphQLClient, GraphQLError

SDL_FILE = Path(__file__).resolve().parent.parent / "schema.graphql"


async def server_schema(client: GraphQLClient) -> GraphQLSchema:
    """The running server's schema (introspection), else the checked-in SDL."""
    try:
        data = await client.execute(get_introspection_query(descriptions=False))
        return build_client_schema(data)  # type: ignore[arg-type]
    except GraphQLError:
        return build_schema(SDL_FILE.read_text())


class DictExecution:
    """One query answered by graphql-core from the server's answer, kept in memory."""

    def __init__(self, schema: GraphQLSchema, query: str, variables: dict[str, Any],
                 data: dict[str, Any]) -> None:
        self.schema = schema
        self.document: DocumentNode = parse(query)
        errors = validate(schema, self.document)
        if errors:
            raise ValueError(f"the baseline schema rejects the query: {errors[0].message}")
        self.variables = variables
        self.data = data

    def run(self) -> float:
        """Execute once; the seconds it took (checked against the server's answer)."""
        before = time.perf_counter()
        answer = execute(self.schema, self.document, root_value=self.data,
                         variable_values=self.variables)
        elapsed = time.perf_counter() - before
        if answer.errors or answer.data != self.data:  # type: ignore[union-attr]
            raise ValueError("the baseline did not reproduce the server's answer")
        return elapsed
