"""Which subscriptions a lean connection serves (``okr_api.live.transport_ws``): a document
parsed and validated once (cached per text), of one subscription operation selecting one
of the live feeds with leaf fields only (no fragments, no directives, at most the
schema's aliases and tokens), its plan made once; with variables that are valid, give
neither ``after`` nor ``filter``, and cost no more than the limit."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from types import SimpleNamespace
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    GraphQLError,
    OperationDefinitionNode,
    OperationType,
    get_argument_values,
    parse,
    validate,
)
from graphql.execution.values import get_variable_values

from okr_api.context import Services
from okr_api.live.filters import EventFilter
from okr_api.live.model import SCORE_TYPES, EventType
from okr_api.live.render import Plan, plan_of
from okr_api.query_limits import MAX_ALIASES, MAX_TOKENS, check_number_literals, query_cost
from okr_domain.values import Role

FEEDS: dict[str, tuple[EventFilter, tuple[Role, ...]]] = {
    "scoreEvents": (EventFilter().restricted_to(SCORE_TYPES), (Role.HR, Role.ADMIN)),
    "okrEvents": (EventFilter().restricted_to(frozenset(EventType)), ()),
}
"""The feeds served here: what each selects and the roles it needs (as the resolvers of
``okr_api.graphql.subscriptions``)."""


@dataclass(frozen=True, slots=True)
class LeanDocument:
    document: DocumentNode
    operation: OperationDefinitionNode
    field: FieldNode
    feed: str
    plan: Plan


@lru_cache(maxsize=256)
def lean_document(query: str, operation_name: str | None) -> LeanDocument | None:
    """The document's lean form, or None when strawberry's handler is to run it (also
    when it is invalid: that handler reports why)."""
    try:
        return _lean_document(query, operation_name)
    except Exception:  # an unforeseen shape: strawberry's handler runs it
        return None


def _lean_document(query: str, operation_name: str | None) -> LeanDocument | None:
    from okr_api.graphql.schema import schema
    from okr_api.graphql.types.live import OkrEvent

    try:
        document = parse(query, max_tokens=MAX_TOKENS)
        check_number_literals(document)
    except GraphQLError:
        return None
    if len(document.definitions) != 1:
        return None
    operation = document.definitions[0]
    if (not isinstance(operation, OperationDefinitionNode)
            or operation.operation is not OperationType.SUBSCRIPTION or operation.directives
            or (operation_name is not None and (
                operation.name is None or operation.name.value != operation_name))):
        return None
    selections = operation.selection_set.selections
    if len(selections) != 1 or not isinstance(selections[0], FieldNode):
        return None
    field = selections[0]
    if (field.name.value not in FEEDS or field.directives or field.selection_set is None
            or any(a.name.value not in ("after", "filter") for a in field.arguments or ())):
        return None
    leaves = field.selection_set.selections
    if not leaves or not all(isinstance(leaf, FieldNode) and leaf.selection_set is None
                             and not leaf.directives and not leaf.arguments
                             for leaf in leaves):
        return None
    aliases = sum(1 for node in (field, *leaves) if isinstance(node, FieldNode) and node.alias)
    graphql_schema = schema._schema
    if aliases > MAX_ALIASES or validate(graphql_schema, document):
        return None
    subscription_type = graphql_schema.subscription_type
    assert subscription_type is not None
    definition = subscription_type.fields[field.name.value]
    response_key = field.alias.value if field.alias else field.name.value
    plan = plan_of(SimpleNamespace(
        return_type=definition.type, schema=graphql_schema, fragments={},
        variable_values={}, operation=operation, field_nodes=[field],
        path=SimpleNamespace(key=response_key)), OkrEvent.of)
    if plan is None:
        return None
    return LeanDocument(document, operation, field, field.name.value, plan)


def lean_arguments(lean: LeanDocument, variables: Any, services: Services) -> bool:
    """True when the operation may run here with these variables: they are valid, give
    neither ``after`` nor ``filter``, and the cost is within the limit."""
    from okr_api.graphql.schema import paged_fields, schema

    graphql_schema = schema._schema
    coerced = get_variable_values(graphql_schema, lean.operation.variable_definitions or (),
                                  variables if isinstance(variables, dict) else {})
    if isinstance(coerced, list):
        return False
    values = coerced.coerced
    subscription_type = graphql_schema.subscription_type
    assert subscription_type is not None
    try:
        arguments = get_argument_values(subscription_type.fields[lean.feed], lean.field,
                                        coerced)
        cost = query_cost(lean.document, values, lean.operation, paged_fields())
    except GraphQLError:
        return False
    return (arguments.get("after") is None and arguments.get("filter") is None
            and cost <= services.limits.max_cost)
