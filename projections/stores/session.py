"""The interface every store offers to the runner and to rebuilds.

A store keeps each projection's rows and its tracking record (the last notification id
it has processed). ``commit`` writes a batch's changes and moves the tracking record in
one transaction, and only if the record still holds the expected position: that makes
processing exactly once even when a rebuild swaps tables under a running worker.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from enum import StrEnum
from typing import Any, Protocol, TypeVar

from projections.projection import Projection
from projections.tables import ChangeSet, Table, Tables

R = TypeVar("R")

TRACKING_TABLE = "projection_tracking"
SHADOW_SUFFIX = "__rebuild"


class Target(StrEnum):
    LIVE = "live"
    SHADOW = "shadow"


def tracking_name(projection: Projection, target: Target) -> str:
    return projection.name + (SHADOW_SUFFIX if target is Target.SHADOW else "")


def table_name(table: Table[Any], target: Target) -> str:
    return table.name + (SHADOW_SUFFIX if target is Target.SHADOW else "")


Wanted = Mapping[Table[Any], set[Hashable]]


class StoreSession(Protocol):
    """One connection to a store, used by one thread at a time."""

    def setup(self, projection: Projection) -> None:
        """Create the projection's tables and tracking record when missing."""

    def position(self, projection: Projection, target: Target = Target.LIVE) -> int | None:
        """The tracked position (None for a shadow when no rebuild is under way)."""

    def load(self, projection: Projection, target: Target, wanted: Wanted) -> Tables:
        """The rows of the given owners, as a working set for one batch."""

    def all_rows(self, table: Table[R], target: Target = Target.LIVE) -> list[R]:
        """Every row of a table, by key (exports and comparisons)."""

    def commit(self, projection: Projection, target: Target, changes: ChangeSet,
               expected: int, new: int) -> bool:
        """Write the changes and move the position from ``expected`` to ``new`` in one
        transaction; False (nothing written) when the position is not ``expected``."""

    def start_rebuild(self, projection: Projection, *, fresh: bool) -> int:
        """Make the shadow tables (kept when a rebuild was under way and not ``fresh``);
        returns the shadow's position."""

    def finish_rebuild(self, projection: Projection) -> bool:
        """Swap the shadow in atomically if it is not behind the live view."""

    def try_lock(self, name: str) -> bool:
        """Take the named exclusive lock without waiting (held until ``unlock``)."""

    def unlock(self, name: str) -> None: ...

    def close(self) -> None: ...
