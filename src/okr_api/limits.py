"""Request limits: body size, tokens, depth, aliases, page size and query cost.

The cost of a query is counted before it runs: every field costs 1, and the selections
under a paged field (one with ``first``) count once per item it may return. Lists
without ``first`` count as ``DEFAULT_LIST_SIZE`` items.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
)

MAX_BODY_BYTES = 256 * 1024
MAX_TOKENS = 3_000
MAX_DEPTH = 12
MAX_ALIASES = 30
MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20
DEFAULT_LIST_SIZE = 10
MAX_COST = 25_000
PAGED_ARGUMENT = "first"
LIST_FIELDS = frozenset({"keyResults", "children", "supporters", "alignmentProposals",
                         "nodes", "cycles", "teams", "path", "roles"})


@dataclass(frozen=True)
class Limits:
    max_body_bytes: int = MAX_BODY_BYTES
    max_tokens: int = MAX_TOKENS
    max_depth: int = MAX_DEPTH
    max_aliases: int = MAX_ALIASES
    max_cost: int = MAX_COST


class CostExceeded(Exception):
    def __init__(self, cost: int, limit: int) -> None:
        super().__init__(f"the query would cost {cost}, more than the limit of {limit}")
        self.cost = cost
        self.limit = limit


def _page_size(field: FieldNode, variables: dict[str, Any]) -> int | None:
    for argument in field.arguments or ():
        if argument.name.value != PAGED_ARGUMENT:
            continue
        value = argument.value
        if isinstance(value, IntValueNode):
            return min(int(value.value), MAX_PAGE_SIZE)
        if isinstance(value, VariableNode):
            given = variables.get(value.name.value)
            if isinstance(given, int):
                return min(max(given, 0), MAX_PAGE_SIZE)
        return DEFAULT_PAGE_SIZE
    return None


def query_cost(document: DocumentNode, variables: dict[str, Any] | None,
               operation_name: str | None) -> int:
    """The cost of the operation that would run (0 when there is none to pick)."""
    variables = variables or {}
    fragments = {d.name.value: d for d in document.definitions
                 if isinstance(d, FragmentDefinitionNode)}
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    chosen = [o for o in operations
              if operation_name is None or (o.name and o.name.value == operation_name)]
    if not chosen:
        return 0

    def selection_cost(selection_set: SelectionSetNode | None, seen: frozenset[str]) -> int:
        if selection_set is None:
            return 0
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                inner = selection_cost(selection.selection_set, seen)
                size = _page_size(selection, variables)
                if size is None and selection.name.value in LIST_FIELDS:
                    size = DEFAULT_LIST_SIZE
                total += 1 + (inner * size if size is not None else inner)
            elif isinstance(selection, InlineFragmentNode):
                total += selection_cost(selection.selection_set, seen)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                if name in seen or name not in fragments:
                    continue  # a fragment cycle is reported by validation
                total += selection_cost(fragments[name].selection_set, seen | {name})
        return total

    return selection_cost(chosen[0].selection_set, frozenset())
