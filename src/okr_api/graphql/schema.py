"""The schema, built once per process (strawberry's relay nodes allow one build)."""

from __future__ import annotations

import functools
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
    GraphQLObjectType,
    ValidationContext,
    ValidationRule,
)
from graphql.execution.values import get_variable_values
from graphql.language import visit
from graphql.language.visitor import Visitor
from graphql.utilities import get_operation_ast
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

from okr_api.context import Context
from okr_api.errors import ClassifyErrors, in_production
from okr_api.graphql import scalars
from okr_api.graphql.mutations.alignment import AlignmentMutations
from okr_api.graphql.mutations.key_results import KeyResultMutations
from okr_api.graphql.mutations.objectives import ObjectiveMutations
from okr_api.graphql.mutations.structure import StructureMutations
from okr_api.graphql.mutations.webhooks import WebhookMutations
from okr_api.graphql.queries.analysis import AnalysisQuery
from okr_api.graphql.queries.core import Query as CoreQuery
from okr_api.graphql.queries.history import HistoryQuery
from okr_api.graphql.queries.practice import PracticeQuery
from okr_api.graphql.queries.webhooks import WebhookQueries
from okr_api.graphql.subscriptions import Subscription
from okr_api.query_limits import (
    MAX_ALIASES,
    MAX_DEPTH,
    MAX_TOKENS,
    PAGED_ARGUMENT,
    CostExceeded,
    check_number_literals,
    query_cost,
)

MAX_VARIABLE_ERRORS = 50
"""Variable coercion errors reported before giving up (graphql-core's own default)."""

Query = merge_types("Query", (CoreQuery, AnalysisQuery, HistoryQuery, WebhookQueries,
                              PracticeQuery))
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


class NumberLiterals(SchemaExtension):
    """Over-long number literals are refused as soon as the document is parsed."""

    def on_parse(self) -> Iterator[None]:
        yield
        document = self.execution_context.graphql_document
        if document is not None:
            check_number_literals(document)


class CostLimit(SchemaExtension):
    """The query cost limit, on every transport. It runs once the document is valid
    (``ValidationCache``, listed before it, validates in the same step) and its variables
    are coerced, so nothing the schema refuses is ever counted; a refusal stops the
    operation before any field runs. The HTTP handler reports the cost it records."""

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        if not context.pre_execution_errors:
            errors = self._refusals()
            if errors:
                context.pre_execution_errors = errors
        yield

    def _refusals(self) -> list[GraphQLError]:
        execution = self.execution_context
        context = execution.context
        services = getattr(context, "services", None)
        document = execution.graphql_document
        if services is None or document is None:
            return []
        operation = get_operation_ast(document, execution.operation_name)
        if operation is None:
            return []  # execution says why no operation can be picked
        variables = execution.variables if isinstance(execution.variables, dict) else {}
        coerced = get_variable_values(
            self.execution_context.schema._schema, operation.variable_definitions or (),
            variables, max_errors=MAX_VARIABLE_ERRORS,
            hide_suggestions=in_production(execution))
        if isinstance(coerced, list):
            return coerced
        try:
            cost = query_cost(document, coerced.coerced, operation, paged_fields())
        except GraphQLError as refused:  # an argument no field takes (too many ids)
            return [refused]
        if cost > services.limits.max_cost:
            return [GraphQLError(str(CostExceeded(cost, services.limits.max_cost)),
                                 extensions={"code": "COST_LIMIT"})]
        if isinstance(context, Context):
            context.cost = cost
        return []


@functools.cache
def paged_fields() -> frozenset[str]:
    """The names of the fields that take ``first`` (paged, even when it is not given)."""
    return frozenset(name for kind in schema._schema.type_map.values()
                     if isinstance(kind, GraphQLObjectType)
                     for name, field in kind.fields.items() if PAGED_ARGUMENT in field.args)


class OkrSchema(strawberry.Schema):
    def process_errors(self, errors: list[GraphQLError],
                       execution_context: ExecutionContext | None = None) -> None:
        """Client errors are not server errors: ClassifyErrors logs the unexpected ones."""


schema = OkrSchema(
    query=Query,
    mutation=Mutation,
    subscription=Subscription,
    scalar_overrides=scalars.OVERRIDES,
    extensions=[ParserCache, NumberLiterals, ValidationCache, TokenLimit, DepthLimit,
                AliasLimit, ProductionRules, CostLimit, ClassifyErrors],
)


def sdl() -> str:
    return schema.as_str() + "\n"
