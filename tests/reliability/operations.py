"""Every query, mutation and subscription of the schema as a small document, generated
from the schema itself: required arguments filled with the resources under attack,
every scalar field of the result selected (and one level into objects and
connections)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLUnionType,
    get_named_type,
    is_leaf_type,
)

Filler = Callable[[str, GraphQLScalarType], Any]


@dataclass(frozen=True)
class Operation:
    kind: str  # query, mutation, subscription
    field: str
    document: str
    variables: dict[str, Any]


def _value(kind: GraphQLInputType, name: str, fill: Filler, depth: int = 0) -> Any:
    if isinstance(kind, GraphQLNonNull):
        return _value(kind.of_type, name, fill, depth)
    if isinstance(kind, GraphQLList):
        return [_value(kind.of_type, name, fill, depth)]
    if isinstance(kind, GraphQLEnumType):
        return next(iter(kind.values))
    if isinstance(kind, GraphQLInputObjectType):
        return {field_name: _value(field.type, field_name, fill, depth + 1)
                for field_name, field in kind.fields.items()
                if (isinstance(field.type, GraphQLNonNull) and field.default_value is None)
                or field_name.endswith("Id")}
    assert isinstance(kind, GraphQLScalarType)
    return fill(name, kind)


def _selection(kind: GraphQLOutputType, depth: int) -> str:
    named = get_named_type(kind)
    if is_leaf_type(named):
        return ""
    if isinstance(named, GraphQLUnionType | GraphQLInterfaceType):
        return "{ __typename ... on Node { id } }"
    assert isinstance(named, GraphQLObjectType)
    parts = ["__typename"]
    for name, field in named.fields.items():
        required = [a for a in field.args.values() if isinstance(a.type, GraphQLNonNull)]
        if required:
            continue
        inner = get_named_type(field.type)
        if is_leaf_type(inner):
            parts.append(name)
        elif depth > 0:
            sub = _selection(field.type, depth - 1)
            if sub:
                parts.append(f"{name} {sub}")
    return "{ " + " ".join(parts) + " }"


def _operation(kind: str, name: str, field: GraphQLField, fill: Filler) -> Operation:
    variables: dict[str, Any] = {}
    declared, passed = [], []
    for arg_name, arg in field.args.items():
        if not isinstance(arg.type, GraphQLNonNull) and not arg_name.endswith(("Id", "id")):
            continue
        variables[arg_name] = _value(arg.type, arg_name, fill)
        declared.append(f"${arg_name}: {arg.type}")
        passed.append(f"{arg_name}: ${arg_name}")
    head = f"{kind} Op" + (f"({', '.join(declared)})" if declared else "")
    call = name + (f"({', '.join(passed)})" if passed else "")
    return Operation(kind, name, f"{head} {{ {call} {_selection(field.type, 2)} }}",
                     variables)


def operations(schema: GraphQLSchema, fill: Filler) -> list[Operation]:
    found = []
    for kind, root in (("query", schema.query_type), ("mutation", schema.mutation_type),
                       ("subscription", schema.subscription_type)):
        if root is None:
            continue
        for name, field in root.fields.items():
            found.append(_operation(kind, name, field, fill))
    return found
