"""What the live event feed reads from the catalog for a batch of events: only the
columns it names, as small tuples.

A live event names its objective (title, level, kind, visibility, owners), its key
result's title, its check-in's previous check-in time, the people's teams and HR ids,
and the teams above the owners. A resuming subscriber reads these for thousands of
events per batch, so the full rows (objectives of 27 columns, exact scores, every id
converted) cost more than the rest of its work; these are the same values, fewer of them.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple
from uuid import UUID

from okr_domain.values import Kind, Level, Visibility
from projections.catalog.rows import CheckInRow, KeyResultRow, ObjectiveRow, PersonRow, TeamRow


class ObjectiveBrief(NamedTuple):
    id: UUID
    level: Level
    kind: Kind
    visibility: Visibility
    owner_team_id: UUID | None
    owner_person_id: UUID | None
    title: str


class PersonBrief(NamedTuple):
    id: UUID
    team_id: UUID | None
    external_id: str


@dataclass
class FeedRows:
    """The catalog's facts about a batch of events (ids looked up by equality: a
    store may hand back its own UUID type, equal to and hashed as ``uuid.UUID``)."""

    objectives: dict[UUID, ObjectiveBrief] = field(default_factory=dict)
    key_result_titles: dict[UUID, str] = field(default_factory=dict)
    previous_check_ins: dict[UUID, datetime | None] = field(default_factory=dict)
    """By check-in id: when its key result's previous check-in was recorded (only the
    check-ins the catalog has a row for)."""
    people: dict[UUID, PersonBrief] = field(default_factory=dict)
    """The people asked for and the objectives' owners."""
    parent_teams: dict[UUID, UUID | None] = field(default_factory=dict)
    """The owners' teams (an objective's, or its owner person's) and every team above
    them: each team's parent."""


@dataclass(frozen=True)
class FeedQuery:
    objective_ids: Collection[UUID]
    key_result_ids: Collection[UUID] = ()
    check_in_ids: Collection[UUID] = ()
    person_ids: Collection[UUID] = ()
    """People named besides the owners (actors, supporters)."""
    owner_person_ids: Collection[UUID] = ()
    owner_team_ids: Collection[UUID] = ()
    """Owners the events name themselves (a created objective the catalog may lack):
    their teams are looked up as the catalog's owners' are."""


def objective_brief(row: ObjectiveRow) -> ObjectiveBrief:
    return ObjectiveBrief(row.id, row.level, row.kind, row.visibility, row.owner_team_id,
                          row.owner_person_id, row.title)


def person_brief(row: PersonRow) -> PersonBrief:
    return PersonBrief(row.id, row.team_id, row.external_id)


def owners(objectives: Collection[ObjectiveBrief]) -> tuple[set[UUID], set[UUID]]:
    """The owner people and owner teams of ``objectives``."""
    people = {o.owner_person_id for o in objectives if o.owner_person_id is not None}
    teams = {o.owner_team_id for o in objectives if o.owner_team_id is not None}
    return people, teams


def feed_rows_of(objectives: list[ObjectiveRow], key_results: list[KeyResultRow],
                 check_ins: list[CheckInRow], people: list[PersonRow],
                 teams: list[TeamRow]) -> FeedRows:
    """FeedRows from full rows (readers that hold full rows anyway)."""
    return FeedRows(
        {o.id: objective_brief(o) for o in objectives},
        {k.id: k.title for k in key_results},
        {c.id: c.previous_check_in_at for c in check_ins},
        {p.id: person_brief(p) for p in people},
        {t.id: t.parent_team_id for t in teams})
