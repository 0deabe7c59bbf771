"""What ``okr-api export`` writes: a cycle's events, objectives, check-ins or timeline,
as rows with documented columns.

Rows come from a replay of the event log, in a fixed order, so the same history always
gives the same rows (and the same bytes in every format). Identifiers are UUID strings;
times are UTC; private objectives are included (the export is an operator's tool).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any
from uuid import UUID

from okr_api.history.payloads import aggregate_type, payload_json
from okr_domain.scoring import as_float
from okr_domain.values import Band, Kind, ObjectiveStatus
from projections.analysis import score_cycle
from projections.analysis.clock import elapsed_share
from projections.analysis.pace import objective_band
from projections.analysis.rows import CycleRows
from projections.analysis.scores import final_grade
from projections.analysis.timeline import TimelineStep
from projections.projection import topic_of
from projections.replay.cycle_state import CycleState
from projections.source import EventSource


class ColumnKind(StrEnum):
    INT = "int64"
    FLOAT = "float64"
    STRING = "string"
    TIMESTAMP = "timestamp"
    BOOL = "bool"


@dataclass(frozen=True)
class Column:
    name: str
    kind: ColumnKind
    description: str


def _c(name: str, kind: ColumnKind, description: str) -> Column:
    return Column(name, kind, description)


INT, FLOAT, TEXT, TIME, BOOL = (ColumnKind.INT, ColumnKind.FLOAT, ColumnKind.STRING,
                                ColumnKind.TIMESTAMP, ColumnKind.BOOL)

EVENT_COLUMNS = (
    _c("position", INT, "global position in the event log (rows are in this order)"),
    _c("occurred_at", TIME, "when the event was recorded (UTC)"),
    _c("event_type", TEXT, "like okr.Objective.CheckInRecorded"),
    _c("aggregate_type", TEXT, "Objective, Cycle, AlignmentGraph, ..."),
    _c("aggregate_id", TEXT, "the aggregate the event changed"),
    _c("aggregate_version", INT, "the aggregate's version after the event"),
    _c("cycle_id", TEXT, "the cycle"),
    _c("actor_id", TEXT, "the person who caused it (empty: the service)"),
    _c("data", TEXT, "the event's own fields as JSON (empty for internal events)"),
)
OBJECTIVE_COLUMNS = (
    _c("objective_id", TEXT, "the objective"),
    _c("title", TEXT, "its title"),
    _c("level", TEXT, "COMPANY, TEAM or INDIVIDUAL"),
    _c("kind", TEXT, "ASPIRATIONAL or COMMITTED"),
    _c("visibility", TEXT, "PUBLIC or PRIVATE"),
    _c("status", TEXT, "DRAFT, ACTIVE, CLOSED or ARCHIVED"),
    _c("owner_team_id", TEXT, "owning team (team and company objectives)"),
    _c("owner_person_id", TEXT, "owning person (individual objectives)"),
    _c("parent_id", TEXT, "the objective it is aligned to"),
    _c("key_results", INT, "number of key results"),
    _c("score", FLOAT, "weighted mean of its key results' scores"),
    _c("rolled_up_score", FLOAT, "score per the organization's roll-up rule"),
    _c("graded_score", FLOAT, "the score it is (or would be) graded at"),
    _c("band", TEXT, "band of graded_score (LOW ... TOO_SAFE; committed: MET/MISSED once "
                     "closed, ON_TRACK/BEHIND before)"),
    _c("grade_override", FLOAT, "a reviewer's override"),
    _c("final_score", FLOAT, "final grade at close"),
    _c("supporters", INT, "people supporting it"),
    _c("created_at", TIME, "when it was created"),
    _c("last_check_in_at", TIME, "its latest check-in"),
    _c("position", INT, "position of the last event that changed it"),
)
CHECK_IN_COLUMNS = (
    _c("check_in_id", TEXT, "the check-in"),
    _c("objective_id", TEXT, "its objective"),
    _c("key_result_id", TEXT, "its key result"),
    _c("value", FLOAT, "the value checked in"),
    _c("value_text", TEXT, "the same value, exact (decimal text)"),
    _c("previous_value", FLOAT, "the key result's value before it"),
    _c("confidence", INT, "0-10, if given"),
    _c("applies_at", TIME, "the time the value applies to"),
    _c("recorded_at", TIME, "when it was recorded"),
    _c("author_id", TEXT, "who checked in"),
    _c("in_one_on_one", BOOL, "made in a 1:1"),
    _c("corrected", BOOL, "corrected since"),
    _c("position", INT, "position of the last event that changed it"),
)
TIMELINE_COLUMNS = (
    _c("step", INT, "0 at the cycle's start, then one per interval"),
    _c("at", TIME, "the end of the step: the state is as of this moment"),
    _c("position", INT, "the last event position included"),
    _c("status", TEXT, "the cycle's status then (empty: not created yet)"),
    _c("objectives", INT, "active and closed objectives counted"),
    _c("aspirational", INT, "aspirational objectives among them"),
    _c("mean", FLOAT, "mean aspirational score"),
    _c("median", FLOAT, "median aspirational score"),
    *(_c(f"{b.value.lower()}_share", FLOAT, f"share of aspirational scores in {b.value}")
      for b in (Band.LOW, Band.PROGRESS, Band.SWEET_SPOT, Band.HIGH, Band.TOO_SAFE)),
    _c("committed", INT, "committed objectives"),
    _c("committed_met", INT, "committed objectives at 1.0"),
    _c("check_ins", INT, "check-ins recorded during the step (on the key results then)"),
    _c("check_ins_total", INT, "check-ins recorded so far (on the key results then)"),
    _c("checked_in_objectives", INT, "objectives whose latest check-in falls in the step"),
    _c("coverage", FLOAT, "share of team and individual objectives aligned"),
)

COLUMNS: dict[str, tuple[Column, ...]] = {
    "events": EVENT_COLUMNS, "objectives": OBJECTIVE_COLUMNS,
    "checkins": CHECK_IN_COLUMNS, "timeline": TIMELINE_COLUMNS,
}

Row = tuple[Any, ...]


def _id(value: UUID | None) -> str | None:
    return None if value is None else str(value)


def event_rows(source: EventSource, organization_id: UUID, cycle_id: UUID, until: datetime,
               batch_size: int = 5_000,
               progress: Callable[[int, int], None] | None = None) -> Iterator[Row]:
    """The cycle's own events recorded by ``until``, in position order."""
    position = 0
    head = source.head()
    while True:
        notifications = source.read(position, batch_size)
        if not notifications:
            return
        for notification in notifications:
            event = source.decode(notification)
            if (event.organization_id != organization_id or event.cycle_id != cycle_id
                    or event.timestamp > until):
                continue
            kind = topic_of(event)
            yield (notification.id, event.timestamp, kind, aggregate_type(kind),
                   str(event.originator_id), event.originator_version, _id(event.cycle_id),
                   _id(event.actor_id), payload_json(event))
        position = notifications[-1].id
        if progress is not None:
            progress(position, head)


def objective_rows(state: CycleState, moment: datetime) -> list[Row]:
    """The objectives as of ``moment``: scores are the floats nearest the exact ones, the
    band decided on the exact graded score (an open committed objective is ON_TRACK or
    BEHIND at the moment's elapsed share of the cycle)."""
    assert state.organization is not None
    assert state.cycle is not None
    policy = state.organization.policy
    elapsed = elapsed_share(state.cycle, moment)
    scores = score_cycle(CycleRows.build(state.cycle_id, state.objectives, state.key_results),
                         policy)
    rows: list[Row] = []
    for o in state.objectives:
        score = scores.get(o.id)
        graded = score.graded if score else None
        final = final_grade(o)
        band = (objective_band(graded, Kind(o.kind), policy.bands,
                               None if o.status == ObjectiveStatus.CLOSED else elapsed).value
                if graded is not None else None)
        rows.append((
            str(o.id), o.title, o.level.value, o.kind.value, o.visibility.value,
            o.status.value, _id(o.owner_team_id), _id(o.owner_person_id), _id(o.parent_id),
            len(state.key_results_of(o.id)), as_float(o.score),
            as_float(score.rolled_up) if score else None,
            None if graded is None else as_float(graded), band, o.grade_override,
            None if final is None else as_float(final), len(o.supporters),
            o.created_at, o.last_check_in_at, o.position))
    return rows


def check_in_rows(state: CycleState) -> list[Row]:
    return [(str(c.id), str(c.objective_id), str(c.key_result_id), float(c.value),
             str(c.value), None if c.previous_value is None else float(c.previous_value),
             c.confidence, c.applies_at, c.recorded_at, _id(c.author_id), c.in_one_on_one,
             c.corrected, c.position)
            for c in state.check_ins]


def timeline_rows(steps: Sequence[TimelineStep]) -> list[Row]:
    rows: list[Row] = []
    for number, step in enumerate(steps):
        shares = {b.band: b.share for b in step.bands}
        rows.append((
            number, step.at, step.position, step.status.value if step.status else None,
            step.objective_count, step.aspirational_count, step.mean, step.median,
            *(shares.get(b) for b in (Band.LOW, Band.PROGRESS, Band.SWEET_SPOT, Band.HIGH,
                                      Band.TOO_SAFE)),
            step.committed_count, step.committed_met, step.check_ins, step.check_ins_total,
            step.checked_in_objectives, step.coverage.share))
    return rows


def columns_help() -> str:
    """The columns of every export, for ``--help`` and the README."""
    lines = []
    for what, columns in COLUMNS.items():
        lines.append(f"**{what}**: " + "; ".join(
            f"`{c.name}` ({c.kind.value}) {c.description}" for c in columns))
    return "\n\n".join(lines)
