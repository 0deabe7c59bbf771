"""One execution per event for every subscriber of the same selection.

An ``okrEvents``/``scoreEvents`` subscription selects leaf fields of ``OkrEvent`` (none
takes arguments). Its selection is collected once, when it starts, with graphql-core's
own rules (aliases, fragments, ``@skip``/``@include`` with the operation's variables)
into a ``Plan``: the response keys, each with the field's resolver and its GraphQL
type's serializer. Rendering an event is then those calls and one orjson encoding: the
same values and names an execution gives (a test compares the two), without the
per-event cost of executing the document. Subscribers whose plans are equal share the
rendered bytes of each event.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import orjson
from graphql import GraphQLEnumType, GraphQLObjectType, get_named_type
from graphql.execution.collect_fields import FieldDetails, FragmentDetails, collect_subfields

from okr_api.live.model import LiveEvent

Getter = Callable[[Any], Any]
"""A field's value of the event as its GraphQL object (``Plan.wrap``'s)."""
BACKREF = "strawberry-definition"


@dataclass(frozen=True)
class Plan:
    root_key: str
    keys: tuple[tuple[str, str], ...]
    """(response key, field name), in response order: what makes two plans equal."""
    getters: tuple[Getter, ...]
    wrap: Callable[[LiveEvent], Any]
    """The event as the GraphQL type's object, as the fields' resolvers take it."""

    def __hash__(self) -> int:
        return hash((self.root_key, self.keys))

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, Plan) and self.root_key == other.root_key
                and self.keys == other.keys)

    def data(self, event: LiveEvent) -> dict[str, Any]:
        source = self.wrap(event)
        return {self.root_key: {key: get(source) for (key, _), get
                                in zip(self.keys, self.getters, strict=True)}}

    def render(self, event: LiveEvent) -> bytes:
        """The ``payload`` of the protocol's next/data message for ``event``."""
        return orjson.dumps({"data": self.data(event)})


@lru_cache(maxsize=1024)
def _getter(object_type: GraphQLObjectType, name: str) -> Getter | None:
    """A field's getter, made once per process (every subscription of a cohort would
    otherwise keep closures of its own for as long as it is open)."""
    if name == "__typename":
        type_name = object_type.name
        return lambda _event: type_name
    field = object_type.fields.get(name)
    definition = (field.extensions or {}).get(BACKREF) if field else None
    resolver = getattr(getattr(definition, "base_resolver", None), "wrapped_func", None)
    if field is None or field.args or resolver is None:
        return None
    named = get_named_type(field.type)
    serialize = getattr(named, "serialize", None)
    if serialize is None:
        return None
    if isinstance(named, GraphQLEnumType):
        serialize = _remembered(serialize)

    def get(source: Any) -> Any:
        value = resolver(source)
        return None if value is None else serialize(value)

    return get


def _remembered(serialize: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """An enum's serializer, each member's name looked up once (strawberry's searches
    the type's values on every call)."""
    known: dict[Any, Any] = {}

    def once(value: Any) -> Any:
        try:
            return known[value]
        except KeyError:
            known[value] = name = serialize(value)
            return name

    return once


def plan_of(raw_info: Any, wrap: Callable[[LiveEvent], Any]) -> Plan | None:
    """The plan of the subscription field being resolved (graphql-core's resolve info),
    or None when its selection is not one this can render (then it is executed)."""
    try:
        object_type = get_named_type(raw_info.return_type)
        if not isinstance(object_type, GraphQLObjectType):
            return None
        collected = collect_subfields(
            raw_info.schema, _fragments(raw_info), raw_info.variable_values,
            raw_info.operation, object_type, _details(raw_info))
        keys: list[tuple[str, str]] = []
        getters: list[Getter] = []
        for key, details in collected.grouped_field_set.items():
            node = details[0].node
            if node.selection_set is not None or node.arguments:
                return None
            getter = _getter(object_type, node.name.value)
            if getter is None:
                return None
            keys.append((key, node.name.value))
            getters.append(getter)
        if collected.new_defer_usages:
            return None
        return Plan(str(raw_info.path.key), tuple(keys), tuple(getters), wrap)
    except Exception:  # an unforeseen shape: execute it the ordinary way
        return None


def _fragments(raw_info: Any) -> dict[str, FragmentDetails]:
    return {name: FragmentDetails(definition)
            for name, definition in raw_info.fragments.items()}


def _details(raw_info: Any) -> list[FieldDetails]:
    return [FieldDetails(node, None) for node in raw_info.field_nodes]


Send = Callable[[bytes], Awaitable[None]]
SEND: ContextVar[Send | None] = ContextVar("okr_live_send", default=None)
"""Set by the WebSocket protocol handlers for the task of one operation: sends a
rendered payload as that operation's next/data message."""
