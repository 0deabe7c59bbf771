"""The schema, built once per process (strawberry's relay nodes allow one build)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

import strawberry
from graphql import (
    ASTValidationRule,
    DocumentNode,
    FieldNode,
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
    SchemaExtension,
    ValidationCache,
)
from strawberry.tools import merge_types
from strawberry.types import ExecutionContext

from okr_api.errors import ClassifyErrors, in_production
from okr_api.graphql.analysis_queries import AnalysisQuery
from okr_api.graphql.history_queries import HistoryQuery
from okr_api.graphql.mutations.alignment import AlignmentMutations
from okr_api.graphql.mutations.key_results import KeyResultMutations
from okr_api.graphql.mutations.objectives import ObjectiveMutations
from okr_api.graphql.mutations.structure import StructureMutations
from okr_api.graphql.queries import Query as CoreQuery
from okr_api.limits import MAX_ALIASES, MAX_DEPTH, MAX_TOKENS, CostExceeded, query_cost
from okr_api.live.subscriptions import Subscription
from okr_api.webhooks.mutations import WebhookMutations, WebhookQueries

Query = merge_types("Query", (CoreQuery, AnalysisQuery, HistoryQuery, WebhookQueries))
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


# Extensions are made afresh for every request, and strawberry's limiters make new rule
# classes each time; the validation cache is keyed by the rules, so the classes are made
# once per process and reused, or no validation would ever be served from the cache.


class DepthLimit(QueryDepthLimiter):
    rules: ClassVar[list[type[ASTValidationRule]]] = []

    def __init__(self) -> None:
        super().__init__(max_depth=MAX_DEPTH)
        if not DepthLimit.rules:
            DepthLimit.rules = [_when_fragments_known(r) for r in self.validation_rules]
        self.validation_rules = DepthLimit.rules


class AliasLimit(MaxAliasesLimiter):
    rules: ClassVar[list[type[ASTValidationRule]]] = []

    def __init__(self) -> None:
        super().__init__(max_alias_count=MAX_ALIASES)
        if not AliasLimit.rules:
            AliasLimit.rules = list(self.validation_rules)
        self.validation_rules = AliasLimit.rules


class TokenLimit(MaxTokensLimiter):
    def __init__(self) -> None:
        super().__init__(max_token_count=MAX_TOKENS)


class NoIntrospection(ValidationRule):
    def enter_field(self, node: FieldNode, *_: Any) -> None:
        if node.name.value in ("__schema", "__type"):
            self.report_error(GraphQLError("introspection is disabled", node,
                                           extensions={"code": "FORBIDDEN"}))


class ProductionRules(SchemaExtension):
    """Production refuses introspection on every transport (the HTTP handler refuses it
    before execution; this also covers operations sent over the WebSocket)."""

    def on_operation(self) -> Iterator[None]:
        if in_production(self.execution_context):
            context = self.execution_context
            context.validation_rules = (*context.validation_rules, NoIntrospection)
        yield


class CostLimit(SchemaExtension):
    """The query cost limit, for operations whose transport did not check it (the HTTP
    handler does, to answer with its status codes; the WebSocket does not)."""

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context.context
        services = getattr(context, "services", None)
        document = self.execution_context.graphql_document
        if (services is not None and document is not None
                and getattr(context, "cost", None) is None):
            cost = query_cost(document, self.execution_context.variables,
                              self.execution_context.operation_name)
            if cost > services.limits.max_cost:
                raise GraphQLError(str(CostExceeded(cost, services.limits.max_cost)),
                                   extensions={"code": "COST_LIMIT"})
        yield


class OkrSchema(strawberry.Schema):
    def process_errors(self, errors: list[GraphQLError],
                       execution_context: ExecutionContext | None = None) -> None:
        """Client errors are not server errors: ClassifyErrors logs the unexpected ones."""


schema = OkrSchema(
    query=Query,
    mutation=Mutation,
    subscription=Subscription,
    extensions=[ParserCache, ValidationCache, TokenLimit, DepthLimit, AliasLimit,
                ProductionRules, CostLimit, ClassifyErrors],
)


def sdl() -> str:
    return schema.as_str() + "\n"
