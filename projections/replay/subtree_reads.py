"""What a subtree replay reads of the read models: the objectives ever linked below a
root (and the root's parents of any time), and the ids of an organization's people and
teams. SQL stores answer with a recursive query and id columns alone; the memory store
from its rows."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from projections.catalog.tables import OBJECTIVES, PEOPLE, PROPOSALS, TEAMS
from projections.indexes.alignment_links import ALIGNMENT_LINKS, ever_above, ever_below
from projections.indexes.event_index import EVENT_INDEX
from projections.projection import Projection
from projections.stores.dialect import Params
from projections.stores.session import StoreSession, Target
from projections.stores.sql_tables import SqlSession
from projections.tables import ColumnKind


def linked_objectives(session: StoreSession, links: Projection, organization_id: UUID,
                      cycle_id: UUID, root: UUID) -> tuple[set[UUID], set[UUID]]:
    """The root with every objective ever linked below it, and the root's parents of
    any time."""
    if not isinstance(session, SqlSession):
        rows = [(r.child_id, r.parent_id) for r in session.load(
            links, Target.LIVE, {ALIGNMENT_LINKS: {cycle_id}}).all(ALIGNMENT_LINKS)
            if r.organization_id == organization_id]
        return ever_below(root, rows), ever_above(root, rows)
    dialect = session.dialect
    uuid_type = dialect.column_types[ColumnKind.UUID]
    table = ALIGNMENT_LINKS.name
    p = Params(dialect)
    start = p(root, ColumnKind.UUID)
    cycle = p(cycle_id, ColumnKind.UUID)
    organization = p(organization_id, ColumnKind.UUID)
    # UNION (not UNION ALL) keeps each objective once, so a loop in bad data ends.
    below = session.conn.fetchall(
        f"WITH RECURSIVE below(id) AS (SELECT CAST({start} AS {uuid_type}) UNION "
        f"SELECT l.child_id FROM {table} l JOIN below b ON l.parent_id = b.id "
        f"WHERE l.cycle_id = {cycle} AND l.organization_id = {organization}) "
        "SELECT id FROM below", p.values)
    p = Params(dialect)
    above = session.conn.fetchall(
        f"SELECT parent_id FROM {table} WHERE child_id = {p(root, ColumnKind.UUID)} "
        f"AND organization_id = {p(organization_id, ColumnKind.UUID)}", p.values)
    return {_uuid(row[0]) for row in below}, {_uuid(row[0]) for row in above}


def structure_ids(session: StoreSession, reader: Any, organization_id: UUID) -> set[UUID]:
    """The ids of the organization's people and teams in the catalog."""
    if not isinstance(session, SqlSession):
        return ({p.id for p in reader.people(organization_id)}
                | {t.id for t in reader.teams(organization_id)})
    found: set[UUID] = set()
    for table in (PEOPLE, TEAMS):
        p = Params(session.dialect)
        rows = session.conn.fetchall(
            f"SELECT id FROM {table.name} "
            f"WHERE organization_id = {p(organization_id, ColumnKind.UUID)}", p.values)
        found.update(_uuid(row[0]) for row in rows)
    return found


def _uuid(value: object) -> UUID:
    """A UUID from a row (PostgreSQL gives UUIDs, SQLite hex text)."""
    if isinstance(value, UUID):
        return value
    return UUID(hex=str(value))


def structure_changed_after(session: StoreSession, organization_id: UUID,
                            cutoff: datetime) -> set[UUID] | None:
    """The organization's aggregates outside any cycle (people, teams, the organization)
    with an event stamped after ``cutoff``, from the event index (None: this store is
    not asked; replay them all)."""
    return _structure_changed(session, organization_id, "occurred_at", cutoff,
                              ColumnKind.TIMESTAMP)


def structure_changed_since(session: StoreSession, organization_id: UUID,
                            position: int) -> set[UUID] | None:
    """The organization's aggregates outside any cycle with an event after log position
    ``position``, from the event index (None: this store is not asked; replay them
    all)."""
    return _structure_changed(session, organization_id, "position", position,
                              ColumnKind.INT)


def _structure_changed(session: StoreSession, organization_id: UUID, column: str,
                       after: object, kind: ColumnKind) -> set[UUID] | None:
    if not isinstance(session, SqlSession):
        return None
    p = Params(session.dialect)
    rows = session.conn.fetchall(
        f"SELECT DISTINCT aggregate_id FROM {EVENT_INDEX.name} "
        f"WHERE organization_id = {p(organization_id, ColumnKind.UUID)} "
        f"AND {column} > {p(after, kind)} AND cycle_id IS NULL", p.values)
    return {_uuid(row[0]) for row in rows}


def cycle_members(session: StoreSession, reader: Any, organization_id: UUID,
                  cycle_id: UUID) -> set[UUID]:
    """The ids of the cycle's objectives and alignment proposals in the catalog (neither
    is ever deleted from it)."""
    if not isinstance(session, SqlSession):
        return ({o.id for o in reader.cycle_objectives(organization_id, cycle_id)}
                | {p.id for p in reader.proposals(organization_id) if p.cycle_id == cycle_id})
    found: set[UUID] = set()
    for table in (OBJECTIVES, PROPOSALS):
        p = Params(session.dialect)
        rows = session.conn.fetchall(
            f"SELECT id FROM {table.name} "
            f"WHERE organization_id = {p(organization_id, ColumnKind.UUID)} "
            f"AND cycle_id = {p(cycle_id, ColumnKind.UUID)}", p.values)
        found.update(_uuid(row[0]) for row in rows)
    return found


def cycle_positions(session: StoreSession, organization_id: UUID, cycle_id: UUID,
                    after: int, up_to: int) -> list[tuple[int, UUID]] | None:
    """The positions (and aggregates) of the cycle's events after ``after`` up to
    ``up_to``, from the event index (None: this store is not asked)."""
    if not isinstance(session, SqlSession):
        return None
    p = Params(session.dialect)
    rows = session.conn.fetchall(
        f"SELECT position, aggregate_id FROM {EVENT_INDEX.name} "
        f"WHERE organization_id = {p(organization_id, ColumnKind.UUID)} "
        f"AND cycle_id = {p(cycle_id, ColumnKind.UUID)} "
        f"AND position > {p(after, ColumnKind.INT)} AND position <= {p(up_to, ColumnKind.INT)}",
        p.values)
    return [(int(row[0]), _uuid(row[1])) for row in rows]
