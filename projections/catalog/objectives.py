"""Catalog rows of one objective: the objective, its key results and check-ins.

Scores are computed with ``okr_domain.scoring`` exactly as the aggregate computes them
(exact fractions): a key result's current value comes from its latest check-in by
(applies_at, recording order), and the objective's score is the weighted mean over its
key results in the order they were added. A final grade is kept as the close recorded
it: the float and the exact value.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from fractions import Fraction
from operator import attrgetter
from typing import Any, TypeVar
from uuid import UUID

from okr_domain import objective_events as ev
from okr_domain import scoring
from okr_domain.objective import Objective
from okr_domain.values import Kind, Level, MetricType, ObjectiveStatus, Visibility
from projections.catalog.rows import CheckInRow, KeyResultRow, ObjectiveRow
from projections.catalog.tables import CHECK_INS, KEY_RESULTS, OBJECTIVES
from projections.projection import View
from projections.tables import Change, Delete, Upsert

R = TypeVar("R")
_LATEST = attrgetter("applies_at", "sequence")
"""A key result's current value comes from its check-in latest by this."""


def created_row(event: ev.Created, position: int) -> ObjectiveRow:
    assert event.cycle_id is not None
    return ObjectiveRow(
        id=event.originator_id, organization_id=event.organization_id,
        cycle_id=event.cycle_id, level=Level(event.level),
        owner_team_id=event.owner_team_id, owner_person_id=event.owner_person_id,
        kind=Kind(event.kind), visibility=Visibility(event.visibility),
        status=ObjectiveStatus.DRAFT, title=event.title, description=event.description,
        parent_id=None, parent_key_result_id=None, score=scoring.NONE,
        created_at=event.timestamp, updated_at=event.timestamp, position=position,
        created_position=position,
    )


def copied(row: R, **fields: Any) -> R:
    """A copy of ``row`` with ``fields`` changed: ``dataclasses.replace`` for these
    plain rows (no ``__post_init__``, no init-only fields) without re-running
    ``__init__`` over every field."""
    new = object.__new__(type(row))
    state = new.__dict__
    state.update(row.__dict__)
    state.update(fields)
    return new


class TrackedRows(dict[UUID, R]):
    """An owner's rows by key that remembers, for each key set or deleted, the row it
    held first (None: none), so the changes are found without comparing every row."""

    __slots__ = ("before",)

    def __init__(self, rows: dict[UUID, R]) -> None:
        super().__init__(rows)
        self.before: dict[UUID, R | None] = {}

    def __setitem__(self, key: UUID, row: R) -> None:
        if key not in self.before:
            self.before[key] = self.get(key)
        super().__setitem__(key, row)

    def __delitem__(self, key: UUID) -> None:
        if key not in self.before:
            self.before[key] = self.get(key)
        super().__delitem__(key)


class ObjectiveRows:
    """One objective's rows while an event is applied: the rows it changes are fresh
    copies, and only those are compared with what they replace."""

    def __init__(self, view: View, objective: ObjectiveRow) -> None:
        self.objective = objective
        self.key_results: TrackedRows[KeyResultRow] = TrackedRows(
            view.owned_by_key(KEY_RESULTS, objective.id))  # type: ignore[arg-type]
        self.check_ins: TrackedRows[CheckInRow] = TrackedRows(
            view.owned_by_key(CHECK_INS, objective.id))  # type: ignore[arg-type]
        self._before = objective

    def edit(self, **fields: Any) -> None:
        self.objective = copied(self.objective, **fields)

    def rescore(self, key_result_id: UUID | None) -> None:
        kr = self.key_results.get(key_result_id) if key_result_id else None
        if kr is not None:
            # UUIDs compared by their integers: UUID.__eq__ runs in Python.
            kr_int = kr.id.int
            mine = [c for c in self.check_ins.values() if c.key_result_id.int == kr_int]
            if mine:
                current = max(mine, key=_LATEST).value
                last_at: datetime | None = max([c.recorded_at for c in mine])
            else:
                current, last_at = kr.start, None
            progress = scoring.progress(kr.metric_type, kr.start, kr.target, current)
            self.key_results[kr.id] = copied(
                kr, current=current, progress=progress, score=scoring.clamp(progress),
                check_in_count=len(mine), last_check_in_at=last_at)
        # The mean is exact, so the order of the key results does not change it.
        key_results = self.key_results.values()
        score = scoring.weighted_mean([(k.score, k.weight) for k in key_results])
        last = max([k.last_check_in_at for k in key_results if k.last_check_in_at],
                   default=None)
        if (score, last) != (self.objective.score, self.objective.last_check_in_at):
            self.edit(score=score, last_check_in_at=last)

    def changes(self, position: int, at: datetime) -> list[Change]:
        # Rows that differ from their originals are fresh copies made for this event,
        # so their position (and updated_at) can be set in place.
        out: list[Change] = []
        for table, now in ((KEY_RESULTS, self.key_results), (CHECK_INS, self.check_ins)):
            for key, old in now.before.items():
                row = now.get(key)
                if row is None:
                    if old is not None:
                        out.append(Delete(table, key))
                    continue
                if old is row:
                    continue
                if old is not None:
                    row.position = old.position
                    # Rows of one class: their fields compared as dictionaries (values
                    # the copy shares with the original compare by identity first).
                    if row.__dict__ == old.__dict__:
                        continue
                row.position = position
                out.append(Upsert(table, row))
        new, objective = self.objective, self._before
        if new is not objective:
            new.position, new.updated_at = objective.position, objective.updated_at
            if new.__dict__ != objective.__dict__:
                new.position, new.updated_at = position, at
                out.append(Upsert(OBJECTIVES, new))
        return out


def _add_key_result(rows: ObjectiveRows, e: ev.KeyResultAdded) -> None:
    o = rows.objective
    rows.key_results[e.key_result_id] = KeyResultRow(
        id=e.key_result_id, objective_id=o.id, organization_id=o.organization_id,
        cycle_id=o.cycle_id, title=e.title, metric_type=MetricType(e.metric_type),
        start=e.start, target=e.target, unit=e.unit, weight=e.weight, current=e.start,
        progress=scoring.NONE, score=scoring.NONE, check_in_count=0, last_check_in_at=None,
        sort_index=max((k.sort_index + 1 for k in rows.key_results.values()), default=0),
        position=0)


def _edit_key_result(rows: ObjectiveRows, e: ev.KeyResultEdited) -> None:
    rows.key_results[e.key_result_id] = copied(
        rows.key_results[e.key_result_id], title=e.title,
        metric_type=MetricType(e.metric_type), start=e.start, target=e.target, unit=e.unit,
        weight=e.weight)


def _remove_key_result(rows: ObjectiveRows, e: ev.KeyResultRemoved) -> None:
    del rows.key_results[e.key_result_id]
    for check_in in list(rows.check_ins.values()):
        if check_in.key_result_id == e.key_result_id:
            del rows.check_ins[check_in.id]


def _record_check_in(rows: ObjectiveRows, e: ev.CheckInRecorded) -> None:
    o = rows.objective
    # The key result's latest check-in time so far (``rescore`` keeps it), or None.
    kr = rows.key_results.get(e.key_result_id)
    previous = kr.last_check_in_at if kr is not None else None
    rows.check_ins[e.check_in_id] = CheckInRow(
        id=e.check_in_id, key_result_id=e.key_result_id, objective_id=o.id,
        organization_id=o.organization_id, cycle_id=o.cycle_id, value=e.value,
        previous_value=e.previous_value, confidence=e.confidence, note=e.note,
        applies_at=e.applies_at, recorded_at=e.timestamp, author_id=e.actor_id,
        in_one_on_one=e.in_one_on_one, corrected=False, correction_reason=None,
        position=0, sequence=e.originator_version, previous_check_in_at=previous)
    if e.in_one_on_one:
        last = o.last_one_on_one_at
        rows.edit(last_one_on_one_at=e.timestamp if last is None else max(last, e.timestamp))


def _correct_check_in(rows: ObjectiveRows, e: ev.CheckInCorrected) -> None:
    rows.check_ins[e.check_in_id] = copied(
        rows.check_ins[e.check_in_id], value=e.value, confidence=e.confidence, note=e.note,
        corrected=True, correction_reason=e.reason)


def _support(rows: ObjectiveRows, e: ev.SupportCommitted) -> None:
    rows.edit(supporters=[*rows.objective.supporters, e.person_id])


def _withdraw_support(rows: ObjectiveRows, e: ev.SupportWithdrawn) -> None:
    rows.edit(supporters=[p for p in rows.objective.supporters if p != e.person_id])


def _override_grade(rows: ObjectiveRows, e: ev.GradeOverridden) -> None:
    rows.edit(grade_override=e.override,
              grade_reason=e.reason if e.override is not None else None)


def _close(rows: ObjectiveRows, e: ev.Closed) -> None:
    rows.edit(status=ObjectiveStatus.CLOSED, computed_grade=e.computed_score,
              grade_override=e.override, grade_reason=e.reason, final_score=e.final_score,
              final_exact=Fraction(e.final_exact), band=e.band)


# Keyed by the classes the events decode to (the aggregate's own subclasses).
HANDLERS: dict[type[Any], Callable[[ObjectiveRows, Any], None]] = {
    Objective.Edited: lambda rows, e: rows.edit(
        title=e.title, description=e.description, kind=Kind(e.kind),
        supporters_can_check_in=e.supporters_can_check_in),
    Objective.VisibilityChanged: lambda rows, e: rows.edit(visibility=Visibility(e.visibility)),
    Objective.Activated: lambda rows, e: rows.edit(status=ObjectiveStatus.ACTIVE,
                                                   awaiting_owner_acceptance=False),
    Objective.OwnerAcceptanceRequested: lambda rows, e: rows.edit(
        awaiting_owner_acceptance=True),
    Objective.Archived: lambda rows, e: rows.edit(status=ObjectiveStatus.ARCHIVED),
    Objective.KeyResultAdded: _add_key_result,
    Objective.KeyResultEdited: _edit_key_result,
    Objective.KeyResultRemoved: _remove_key_result,
    Objective.CheckInRecorded: _record_check_in,
    Objective.CheckInCorrected: _correct_check_in,
    Objective.Aligned: lambda rows, e: rows.edit(parent_id=e.parent_id,
                                         parent_key_result_id=e.parent_key_result_id),
    Objective.Unaligned: lambda rows, e: rows.edit(parent_id=None, parent_key_result_id=None),
    Objective.SupportCommitted: _support,
    Objective.SupportWithdrawn: _withdraw_support,
    Objective.GradeOverridden: _override_grade,
    Objective.Closed: _close,
}

# The aggregate's own subclass of each event (the library makes one per aggregate class)
# is what the log decodes to, so it is the key here.
EVENT_TYPES: frozenset[type[Any]] = frozenset({Objective.Created, *HANDLERS})


def apply_objective_event(event: Any, position: int, view: View) -> list[Change]:
    if isinstance(event, ev.Created):
        return [Upsert(OBJECTIVES, created_row(event, position))]
    objective = view.get(OBJECTIVES, event.originator_id)
    if objective is None:
        return []
    rows = ObjectiveRows(view, objective)
    HANDLERS[type(event)](rows, event)
    rows.rescore(getattr(event, "key_result_id", None))
    return rows.changes(position, event.timestamp)
