"""The stored projections, by name."""

from __future__ import annotations

from collections.abc import Sequence

from projections.catalog.projection import CatalogProjection
from projections.indexes.alignment_links import AlignmentLinksProjection
from projections.indexes.event_index import EventIndexProjection
from projections.projection import Projection

PROJECTIONS: dict[str, Projection] = {
    p.name: p for p in (CatalogProjection(), EventIndexProjection(),
                        AlignmentLinksProjection())
}


def projection(name: str) -> Projection:
    try:
        return PROJECTIONS[name]
    except KeyError:
        known = ", ".join(PROJECTIONS)
        raise ValueError(f"no projection {name!r} (known: {known})") from None


def projections(names: Sequence[str] | None = None) -> list[Projection]:
    return [projection(n) for n in names] if names else list(PROJECTIONS.values())
