"""The schema, built once per process (strawberry's relay nodes allow one build)."""

from __future__ import annotations

from typing import Any

import strawberry
from graphql import (
    ASTValidationRule,
    DocumentNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    ValidationContext,
    ValidationRule,
)
from graphql.language import visit
from graphql.language.visitor import Visitor
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


class SpreadNames(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()

    def enter_fragment_spread(self, node: FragmentSpreadNode, *_: Any) -> None:
        self.names.add(node.name.value)


def _fragments_known(document: DocumentNode) -> bool:
    defined = {d.name.value for d in document.definitions
               if isinstance(d, FragmentDefinitionNode)}
    spreads = SpreadNames()
    visit(document, spreads)
    return spreads.names <= defined


def _when_fragments_known(rule: type[ASTValidationRule]) -> type[ASTValidationRule]:
    """Strawberry's depth rule raises KeyError on a spread of an unknown fragment; such a
    document is left to the standard KnownFragmentNames rule, which reports it clearly."""

    class Guarded(ValidationRule):
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            if _fragments_known(context.document):
                rule(context)  # the depth rule does its whole check (and reports) here

    return Guarded


class DepthLimit(QueryDepthLimiter):
    def __init__(self) -> None:
        super().__init__(max_depth=MAX_DEPTH)
        self.validation_rules = [_when_fragments_known(r) for r in self.validation_rules]


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
