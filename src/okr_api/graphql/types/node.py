"""The base of this schema's Relay nodes: each loads its nodes by id in one batch, None
for an id that names nothing the viewer may see."""

from __future__ import annotations

from collections.abc import Awaitable, Iterable
from typing import Literal, Protocol, Self, overload
from uuid import UUID

import strawberry
from strawberry import relay

from okr_api.graphql.base import Info


class LoadedNode(relay.Node):
    """A Relay node whose ``resolve_nodes`` is its ``load_nodes``.

    Nodes the viewer may not see come back as None whether or not the caller requires
    them: a required one that is missing is then reported as not found.
    """

    @classmethod
    async def load_nodes(cls, info: Info, node_ids: Iterable[str]) -> list[Self | None]:
        """The nodes of ``node_ids`` in their order (None: none the viewer may see)."""
        raise NotImplementedError

    @overload
    @classmethod
    def resolve_nodes(cls, *, info: Info, node_ids: Iterable[str],
                      required: Literal[True]) -> Awaitable[Iterable[Self]]: ...

    @overload
    @classmethod
    def resolve_nodes(cls, *, info: Info, node_ids: Iterable[str],
                      required: Literal[False] = ...) -> Awaitable[Iterable[Self | None]]: ...

    @overload
    @classmethod
    def resolve_nodes(cls, *, info: Info, node_ids: Iterable[str], required: bool,
                      ) -> Awaitable[Iterable[Self]] | Awaitable[Iterable[Self | None]]: ...

    @classmethod
    def resolve_nodes(cls, *, info: Info, node_ids: Iterable[str], required: bool = False,
                      ) -> Awaitable[Iterable[Self]] | Awaitable[Iterable[Self | None]]:
        return cls.load_nodes(info, node_ids)


class HasId(Protocol):
    @property
    def id(self) -> UUID: ...


class RowNode(LoadedNode):
    """A node made of one read-model row, whose id is the row's."""

    row: strawberry.Private[HasId]

    @classmethod
    def resolve_id(cls, root: Self, *, info: Info) -> str:
        return root.row.id.hex
