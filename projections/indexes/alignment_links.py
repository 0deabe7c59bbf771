"""Alignment links: one row per ``Objective.Aligned`` event ever recorded, by cycle.

History answers about part of a cycle (the subtree of one objective) replay only the
objectives that part may hold. Any objective that was ever aligned below the root, as
known at any moment, has a link here on the way up to it, so following the links down
from the root gives every objective the subtree can hold at any valid or transaction
time (a superset: re-alignments leave old links in place, and the replay decides).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import ClassVar
from uuid import UUID

from okr_domain import objective_events as ev
from projections.projection import Event, Projection, View
from projections.tables import Change, Table, Upsert


@dataclass
class AlignmentLinkRow:
    position: int
    organization_id: UUID
    cycle_id: UUID
    child_id: UUID
    parent_id: UUID


ALIGNMENT_LINKS = Table("alignment_links", AlignmentLinkRow, "position", owner="cycle_id",
                        indexes=(("cycle_id",), ("parent_id",), ("child_id",)),
                        append_only=True)


class AlignmentLinksProjection(Projection):
    name: ClassVar[str] = "alignment_links"
    tables = (ALIGNMENT_LINKS,)

    @property
    def topics(self) -> frozenset[str]:
        return frozenset({ev.Aligned.TOPIC})

    def apply(self, event: Event, position: int, view: View) -> Sequence[Change]:
        assert isinstance(event, ev.Aligned)
        assert event.cycle_id is not None
        return [Upsert(ALIGNMENT_LINKS, AlignmentLinkRow(
            position=position, organization_id=event.organization_id,
            cycle_id=event.cycle_id, child_id=event.originator_id,
            parent_id=event.parent_id))]


def ever_below(root: UUID, links: Iterable[tuple[UUID, UUID]]) -> set[UUID]:
    """The root and every objective ever linked below it ((child, parent) pairs)."""
    children: defaultdict[UUID, set[UUID]] = defaultdict(set)
    for child, parent in links:
        children[parent].add(child)
    found = {root}
    queue = [root]
    while queue:
        for child in children.get(queue.pop(), ()):
            if child not in found:
                found.add(child)
                queue.append(child)
    return found


def ever_above(objective: UUID, links: Iterable[tuple[UUID, UUID]]) -> set[UUID]:
    """Every objective ``objective`` was ever linked to (its parents at some time)."""
    return {parent for child, parent in links if child == objective}
