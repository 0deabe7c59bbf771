"""Batched loading for resolvers: many keys through one request's DataLoader, node ids
decoded to UUIDs, and the rows held inside an objective (key results, check-ins)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import Protocol, TypeVar
from uuid import UUID

from strawberry.dataloader import DataLoader

from okr_api.graphql.base import Info, can_see, context, split_composite

R = TypeVar("R")


class HeldInObjective(Protocol):
    """A row that belongs to one objective."""

    @property
    def objective_id(self) -> UUID: ...


H = TypeVar("H", bound=HeldInObjective)


async def load_all(loader: DataLoader[UUID, R | None], keys: list[UUID | None]) -> list[R | None]:
    """Load many keys through a DataLoader in one batch (None keys give None)."""

    async def one(key: UUID | None) -> R | None:
        return None if key is None else await loader.load(key)

    return list(await asyncio.gather(*(one(k) for k in keys)))


def node_uuids(node_ids: Iterable[str]) -> list[UUID | None]:
    """Node ids as UUIDs (None for one that is not a UUID)."""
    result: list[UUID | None] = []
    for node_id in node_ids:
        try:
            result.append(UUID(hex=node_id))
        except ValueError:
            result.append(None)
    return result


async def held_in_objectives(info: Info, loader: DataLoader[UUID, H | None],
                             node_ids: Iterable[str]) -> list[H | None]:
    """Rows held inside an objective (key results, check-ins), by composite node id, for
    a viewer allowed to see the objective (None otherwise)."""
    ctx = context(info)
    parts = [split_composite(i) for i in node_ids]
    rows = await load_all(loader, [p[1] if p else None for p in parts])
    held = [r if r and p and r.objective_id == p[0] else None
            for r, p in zip(rows, parts, strict=True)]
    parents = await load_all(ctx.loaders.objective,
                             [r.objective_id if r else None for r in held])
    return [r if r and o and await can_see(ctx, o) else None
            for r, o in zip(held, parents, strict=True)]
