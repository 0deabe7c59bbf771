"""The tables of the catalog read model (rows from ``projections.catalog.rows``)."""

from __future__ import annotations

from typing import Any

from projections.catalog.rows import (
    CheckInRow,
    CycleRow,
    KeyResultRow,
    ObjectiveRow,
    OrganizationRow,
    PersonRow,
    ProposalRow,
    TeamRow,
)
from projections.catalog.score_keys import ceil_key, floor_key
from projections.tables import ColumnKind, Derived, Table


def title_search(row: ObjectiveRow) -> str:
    """The lower-cased title that title searches match, the same on every store."""
    return row.title.lower()


def name_search(row: PersonRow) -> str:
    return row.name.lower()


def score_floor(row: ObjectiveRow) -> str:
    """The exact score's key rounded down (``projections.catalog.score_keys``), for filters."""
    return floor_key(row.score)


def score_ceil(row: ObjectiveRow) -> str:
    return ceil_key(row.score)


ORGANIZATIONS = Table("catalog_organizations", OrganizationRow, "id", owner="id")
TEAMS = Table("catalog_teams", TeamRow, "id", owner="id",
              indexes=(("organization_id", "name"),))
PEOPLE = Table("catalog_people", PersonRow, "id", owner="id",
               indexes=(("organization_id", "name"),),
               derived=(Derived("name_search", ColumnKind.TEXT, name_search),))
CYCLES = Table("catalog_cycles", CycleRow, "id", owner="id",
               indexes=(("organization_id", "starts_on"),))
OBJECTIVES = Table(
    "catalog_objectives", ObjectiveRow, "id", owner="id",
    indexes=(("organization_id", "cycle_id", "created_position"),
             ("organization_id", "created_position"),
             ("organization_id", "owner_team_id"), ("organization_id", "owner_person_id")),
    derived=(Derived("title_search", ColumnKind.TEXT, title_search),
             Derived("score_floor", ColumnKind.TEXT, score_floor),
             Derived("score_ceil", ColumnKind.TEXT, score_ceil)),
)
KEY_RESULTS = Table("catalog_key_results", KeyResultRow, "id", owner="objective_id",
                    indexes=(("objective_id",), ("organization_id", "cycle_id")))
CHECK_INS = Table("catalog_check_ins", CheckInRow, "id", owner="objective_id",
                  indexes=(("objective_id",), ("key_result_id",),
                           ("organization_id", "cycle_id")))
PROPOSALS = Table("catalog_proposals", ProposalRow, "id", owner="id",
                  indexes=(("child_id",), ("parent_id",)))

CATALOG_TABLES: tuple[Table[Any], ...] = (
    ORGANIZATIONS, TEAMS, PEOPLE, CYCLES, OBJECTIVES, KEY_RESULTS, CHECK_INS, PROPOSALS,
)
