"""The schema, built once per process (strawberry's relay nodes allow one build)."""

from __future__ import annotations

import strawberry
from graphql import GraphQLError
from strawberry.extensions import (
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    ValidationCache,
)
from strawberry.tools import merge_types
from strawberry.types import ExecutionContext

from okr_api.errors import ClassifyErrors
from okr_api.graphql.analysis_queries import AnalysisQuery
from okr_api.graphql.mutations.alignment import AlignmentMutations
from okr_api.graphql.mutations.key_results import KeyResultMutations
from okr_api.graphql.mutations.objectives import ObjectiveMutations
from okr_api.graphql.mutations.structure import StructureMutations
from okr_api.graphql.queries import Query as CoreQuery
from okr_api.limits import MAX_ALIASES, MAX_DEPTH, MAX_TOKENS
from okr_api.live.subscriptions import Subscription
from okr_api.webhooks.mutations import WebhookMutations, WebhookQueries

Query = merge_types("Query", (CoreQuery, AnalysisQuery, WebhookQueries))
Mutation = merge_types(
    "Mutation", (StructureMutations, ObjectiveMutations, KeyResultMutations, AlignmentMutations,
                 WebhookMutations)
)


class DepthLimit(QueryDepthLimiter):
    def __init__(self) -> None:
        super().__init__(max_depth=MAX_DEPTH)


class AliasLimit(MaxAliasesLimiter):
    def __init__(self) -> None:
        super().__init__(max_alias_count=MAX_ALIASES)


class TokenLimit(MaxTokensLimiter):
    def __init__(self) -> None:
        super().__init__(max_token_count=MAX_TOKENS)


class OkrSchema(strawberry.Schema):
    def process_errors(self, errors: list[GraphQLError],
                       execution_context: ExecutionContext | None = None) -> None:
        """Client errors are not server errors: ClassifyErrors logs the unexpected ones."""


schema = OkrSchema(
    query=Query,
    mutation=Mutation,
    subscription=Subscription,
    extensions=[ParserCache, ValidationCache, TokenLimit, DepthLimit, AliasLimit,
                ClassifyErrors],
)


def sdl() -> str:
    return schema.as_str() + "\n"
