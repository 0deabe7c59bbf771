"""What the running server offers, read from its schema (features still being built
are reported as not available rather than measured)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bench.load import GraphQLClient
from bench.queries import FEATURES


@dataclass(frozen=True)
class Features:
    query_args: dict[str, frozenset[str]]
    subscriptions: dict[str, frozenset[str]]

    def has_query(self, field: str, *args: str) -> bool:
        return field in self.query_args and set(args) <= self.query_args[field]

    def has_subscription(self, field: str, *args: str) -> bool:
        return field in self.subscriptions and set(args) <= self.subscriptions[field]


def _fields(type_: dict[str, Any] | None) -> dict[str, frozenset[str]]:
    if not type_:
        return {}
    return {f["name"]: frozenset(a["name"] for a in f["args"]) for f in type_["fields"]}


async def detect(client: GraphQLClient) -> Features:
    schema = (await client.execute(FEATURES))["__schema"]
    return Features(_fields(schema["queryType"]), _fields(schema["subscriptionType"]))
