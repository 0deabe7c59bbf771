"""Connections: keyset-paged lists with edges, nodes, pageInfo and totalCount."""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

import strawberry
from strawberry import relay

from okr_api.request_loaders import Page

N = TypeVar("N")
R = TypeVar("R")


@strawberry.type(description="An item of a connection, with the cursor to page after it.")
class Edge(Generic[N]):
    cursor: str
    node: N


@strawberry.type(description="A page of items; ask for the next with after: endCursor.")
class Connection(Generic[N]):
    edges: list[Edge[N]]
    nodes: list[N]
    page_info: relay.PageInfo
    total_count: int = strawberry.field(description="Items matching, over all pages.")

    @classmethod
    def from_page(cls, page: Page[R], wrap: Callable[[R], N]) -> Connection[N]:
        nodes = [wrap(row) for row in page.rows]
        edges = [Edge(cursor=cursor, node=node)
                 for cursor, node in zip(page.cursors, nodes, strict=True)]
        return cls(
            edges=edges, nodes=nodes, total_count=page.total_count,
            page_info=relay.PageInfo(
                has_next_page=page.has_next_page, has_previous_page=False,
                start_cursor=edges[0].cursor if edges else None,
                end_cursor=page.end_cursor,
            ),
        )
