"""Request limits: body size, tokens, number literals, depth, aliases, page size and cost.

The cost of an operation is counted once its document is valid and its variables are
coerced, before any field runs: every field costs 1, and the selections under a paged
field (one that takes ``first``) count once per item of the largest page it may return.
A ``first`` the field will refuse (negative, past ``MAX_PAGE_SIZE``) counts as the
largest page, so a refused argument never lowers the cost of the rest. Lists without
``first`` count as ``DEFAULT_LIST_SIZE`` items. A connection's ``nodes`` and ``edges``
count once per item of its page (either of them, the same). A field given a list of
``ids`` (``nodes(ids:)``) counts once per id, and more than ``MAX_IDS`` ids are refused
before anything runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FloatValueNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    IntValueNode,
    ListValueNode,
    NullValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValueNode,
    VariableNode,
    visit,
)
from graphql.language.visitor import Visitor

MAX_BODY_BYTES = 256 * 1024
MAX_TOKENS = 3_000
MAX_NUMBER_LENGTH = 40
"""Characters in a number literal of a document: any Int, Float or Decimal the API takes
is written in far fewer."""
MAX_DEPTH = 12
MAX_ALIASES = 30
MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20
DEFAULT_LIST_SIZE = 10
MAX_COST = 25_000
PAGED_ARGUMENT = "first"
IDS_ARGUMENT = "ids"
MAX_IDS = 100
PAGE_ITEMS = frozenset({"nodes", "edges"})
"""A connection's page: counted by the connection's ``first``, not again."""
LIST_FIELDS = frozenset({"keyResults", "children", "supporters", "alignmentProposals",
                         "nodes", "cycles", "teams", "path", "roles"})
OUT_OF_RANGE = "VALUE_OUT_OF_RANGE"


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


class _LongNumbers(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.found: IntValueNode | FloatValueNode | None = None

    def enter_int_value(self, node: IntValueNode, *_: Any) -> None:
        self._check(node)

    def enter_float_value(self, node: FloatValueNode, *_: Any) -> None:
        self._check(node)

    def _check(self, node: IntValueNode | FloatValueNode) -> None:
        if self.found is None and len(node.value) > MAX_NUMBER_LENGTH:
            self.found = node


def check_number_literals(document: DocumentNode) -> None:
    """Refuse number literals longer than any value the API takes, before anything reads
    them (turning thousands of digits into a number is slow, and Python refuses to)."""
    finder = _LongNumbers()
    visit(document, finder)
    if finder.found is not None:
        raise GraphQLError(
            f"number literals have at most {MAX_NUMBER_LENGTH} characters",
            finder.found, extensions={"code": OUT_OF_RANGE})


def int_literal(node: ValueNode) -> int | None:
    """The value of an Int literal within GraphQL's 32-bit range (None for anything else)."""
    if not isinstance(node, IntValueNode) or len(node.value) > 11:
        return None
    value = int(node.value)
    return value if -2**31 <= value < 2**31 else None


def page_size(given: object) -> int:
    """The largest page a ``first`` argument may return (see the module's doc)."""
    if given is None:
        return DEFAULT_PAGE_SIZE
    if isinstance(given, int) and not isinstance(given, bool) and 0 <= given <= MAX_PAGE_SIZE:
        return given
    return MAX_PAGE_SIZE


def _first(field: FieldNode, variables: dict[str, Any]) -> object:
    for argument in field.arguments or ():
        if argument.name.value != PAGED_ARGUMENT:
            continue
        value = argument.value
        if isinstance(value, VariableNode):
            return variables.get(value.name.value)
        if isinstance(value, IntValueNode):
            return int_literal(value)
        return None if isinstance(value, NullValueNode) else MAX_PAGE_SIZE + 1
    return None


def _ids(field: FieldNode, variables: dict[str, Any]) -> int | None:
    """How many ids a field is given in its ``ids`` argument (None: it takes none)."""
    for argument in field.arguments or ():
        if argument.name.value != IDS_ARGUMENT:
            continue
        value = argument.value
        if isinstance(value, VariableNode):
            given = variables.get(value.name.value)
            count = len(given) if isinstance(given, list) else 1
        else:
            count = len(value.values) if isinstance(value, ListValueNode) else 1
        if count > MAX_IDS:
            raise GraphQLError(f"{field.name.value} takes at most {MAX_IDS} ids at a time",
                               field, extensions={"code": "INVALID_INPUT"})
        return count
    return None


def query_cost(document: DocumentNode, variables: dict[str, Any] | None,
               operation: OperationDefinitionNode,
               paged_fields: frozenset[str] = frozenset()) -> int:
    """The cost of ``operation``. ``variables`` are the coerced ones (with the defaults
    of the operation applied); ``paged_fields`` name the fields that take ``first``
    (they return a default page when it is not given)."""
    variables = variables or {}
    fragments = {d.name.value: d for d in document.definitions
                 if isinstance(d, FragmentDefinitionNode)}
    # Each fragment is counted once and remembered, however often it is spread: a few
    # fragments spreading each other twice would otherwise take exponential time.
    fragment_costs: dict[str, int] = {}

    def fragment_cost(name: str, seen: frozenset[str]) -> int:
        if name in seen or name not in fragments:
            return 0  # a fragment cycle or an unknown fragment is refused by validation
        if name not in fragment_costs:
            fragment_costs[name] = selection_cost(fragments[name].selection_set,
                                                  seen | {name})
        return fragment_costs[name]

    def selection_cost(selection_set: SelectionSetNode | None, seen: frozenset[str],
                       in_page: bool = False) -> int:
        """``in_page``: the selections of a paged field (its nodes and edges are its
        page, already counted by it)."""
        if selection_set is None:
            return 0
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                name = selection.name.value
                paged = name in paged_fields or any(a.name.value == PAGED_ARGUMENT
                                                    for a in selection.arguments or ())
                inner = selection_cost(selection.selection_set, seen, in_page=paged)
                size: int | None = None
                if paged:
                    size = page_size(_first(selection, variables))
                elif (ids := _ids(selection, variables)) is not None:
                    size = ids
                elif in_page and name in PAGE_ITEMS:
                    size = None
                elif name in LIST_FIELDS:
                    size = DEFAULT_LIST_SIZE
                total += 1 + (inner * size if size is not None else inner)
            elif isinstance(selection, InlineFragmentNode):
                total += selection_cost(selection.selection_set, seen, in_page)
            elif isinstance(selection, FragmentSpreadNode):
                total += fragment_cost(selection.name.value, seen)
        return total

    return selection_cost(operation.selection_set, frozenset())
