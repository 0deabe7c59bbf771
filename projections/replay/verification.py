"""Proof that a closed cycle's grades were not changed afterwards.

The cycle's history is replayed in memory (the same catalog projection) up to its close
event. The grades are then recomputed as closing computed them: every open objective's
score rolled up over the alignment graph per the organization's policy then, the
reviewer's override if one was set, the band under the policy's edges. Their content
hash (``okr_domain.grading.grades_hash``) must equal the one the close event recorded,
and each objective's recorded grade must equal the recomputed one. Grades are exact, as
closing computes them; a close recorded before scores were exact is replayed with the
float arithmetic it used (``legacy_grades``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction
from uuid import UUID

from okr_domain import scoring
from okr_domain.alignment import AlignmentGraph
from okr_domain.cycle import Cycle
from okr_domain.grading import Grade, float_score_text, grades_hash, score_text
from okr_domain.objective_events import Closed as ObjectiveClosed
from okr_domain.rollup import rolled_up_scores
from okr_domain.scoring import Number
from okr_domain.values import Kind, ObjectiveStatus
from projections.catalog.tables import KEY_RESULTS, OBJECTIVES, ORGANIZATIONS
from projections.gc_pause import paused_gc
from projections.projection import Event, topic_of
from projections.replay.catalog_session import CATALOG, CATALOG_TOPICS, TablesSession, apply_events
from projections.replay.legacy_grades import float_grades
from projections.replay.stepping import READ_BATCH, Progress
from projections.source import EventSource
from projections.tables import Tables

CYCLE_CLOSED = "okr.Cycle.Closed"
OBJECTIVE_CLOSED = "okr.Objective.Closed"
EDGE_ADDED = "okr.AlignmentGraph.EdgeAdded"
EDGE_REMOVED = "okr.AlignmentGraph.EdgeRemoved"
OPEN = (ObjectiveStatus.DRAFT, ObjectiveStatus.ACTIVE)
CATALOG_SET = frozenset(CATALOG_TOPICS)


@dataclass(frozen=True)
class Mismatch:
    """One difference: ``what`` names the field (or MISSING_GRADE, UNEXPECTED_GRADE,
    GRADED_COUNT, GRADES_HASH); values are as the hash formats them."""

    objective_id: UUID | None
    what: str
    recorded: str | None
    recomputed: str | None


@dataclass(frozen=True)
class Verification:
    cycle_id: UUID
    closed: bool
    close_position: int | None
    recorded_hash: str | None
    recomputed_hash: str | None
    recorded_grades_hash: str | None
    """The hash of the grades the objectives' close events recorded."""
    graded: tuple[Grade, ...]
    mismatches: tuple[Mismatch, ...]

    @property
    def verified(self) -> bool:
        return self.closed and not self.mismatches


class _Replay:
    """The cycle's rows and the organization's alignment edges, in position order."""

    def __init__(self, organization_id: UUID, cycle_id: UUID) -> None:
        self.organization_id = organization_id
        self.cycle_id = cycle_id
        self.session = TablesSession(Tables(CATALOG.tables))
        self.children: dict[UUID, list[UUID]] = {}

    def relevant(self, event: Event) -> bool:
        return (event.organization_id == self.organization_id
                and (event.cycle_id is None or event.cycle_id == self.cycle_id))

    def apply(self, events: Sequence[tuple[int, Event]]) -> None:
        catalog = [(p, e) for p, e in events if topic_of(e) in CATALOG_SET]
        apply_events(self.session, catalog)
        for _, event in events:
            if isinstance(event, AlignmentGraph.EdgeAdded):
                self.children.setdefault(event.parent_id, []).append(event.child_id)
            elif isinstance(event, AlignmentGraph.EdgeRemoved):
                siblings = self.children.get(event.parent_id, [])
                if event.child_id in siblings:
                    siblings.remove(event.child_id)

    def grades(self, exact_scores: bool = True) -> list[Grade]:
        """The grades closing would give now (``commands_closing.close_cycle``), or those
        a close before exact scores gave (``exact_scores`` False)."""
        tables = self.session.tables
        organization = tables.get(ORGANIZATIONS, self.organization_id)
        assert organization is not None
        policy = organization.policy
        objectives = sorted((o for o in tables.all(OBJECTIVES) if o.cycle_id == self.cycle_id),
                            key=lambda o: o.created_position)
        key_results = {o.id: sorted(tables.owned(KEY_RESULTS, o.id), key=lambda k: k.sort_index)
                       for o in objectives}
        children = self.children.get
        if not exact_scores:
            return float_grades(objectives, key_results, lambda p: children(p, []), policy)
        own = {o.id: [(kr.score, kr.weight) for kr in key_results[o.id]]
               for o in objectives if o.status != ObjectiveStatus.ARCHIVED}
        rolled = rolled_up_scores(own, lambda p: children(p, []), policy.roll_up)
        grades = []
        for objective in objectives:
            if objective.status not in OPEN:
                continue
            computed = rolled[objective.id]
            override = (None if objective.grade_override is None
                        else scoring.exact(objective.grade_override))
            final = computed if override is None else override
            band = scoring.band(final, Kind(objective.kind), policy.bands).value
            grades.append(Grade(objective.id, computed, override, final, band))
        return grades


def verify_cycle(source: EventSource, organization_id: UUID, cycle_id: UUID, *,
                 batch_size: int = READ_BATCH, progress: Progress | None = None,
                 known_at: datetime | None = None) -> Verification:
    """``known_at``: as recorded by then (None: everything recorded so far)."""
    replay = _Replay(organization_id, cycle_id)
    topics = (*CATALOG_TOPICS, EDGE_ADDED, EDGE_REMOVED)
    position = 0
    close: tuple[int, Cycle.Closed] | None = None
    with paused_gc():
        while close is None:
            notifications = source.recorder.select_notifications(
                start=position + 1, limit=batch_size, topics=topics)
            if not notifications:
                break
            events = [(n.id, source.decode(n)) for n in notifications]
            due = []
            for position_, event in events:
                if not replay.relevant(event) or (
                        known_at is not None and event.timestamp > known_at):
                    continue
                if isinstance(event, Cycle.Closed) and event.originator_id == cycle_id:
                    close = (position_, event)
                    break
                due.append((position_, event))
            replay.apply(due)
            position = notifications[-1].id
            if progress is not None:
                progress(position, source.head())
        if close is None:
            return Verification(cycle_id, False, None, None, None, None, (), ())
        graded = replay.grades(close[1].exact_scores)
    recorded = _recorded_grades(source, organization_id, cycle_id, close[0], known_at)
    return _compare(cycle_id, close, graded, recorded)


def _recorded_grades(source: EventSource, organization_id: UUID, cycle_id: UUID,
                     after: int, known_at: datetime | None = None) -> dict[UUID, Grade]:
    """The grades the objectives' close events recorded (saved with the cycle's)."""
    recorded: dict[UUID, Grade] = {}
    position = after
    while True:
        notifications = source.recorder.select_notifications(
            start=position + 1, limit=READ_BATCH, topics=(OBJECTIVE_CLOSED,))
        if not notifications:
            return recorded
        for notification in notifications:
            event = source.decode(notification)
            if not isinstance(event, ObjectiveClosed):
                continue
            if event.organization_id == organization_id and event.cycle_id == cycle_id and (
                    known_at is None or event.timestamp <= known_at):
                recorded[event.originator_id] = Grade(
                    event.originator_id, Fraction(event.computed_exact),
                    None if event.override is None else scoring.exact(event.override),
                    Fraction(event.final_exact), event.band)
        position = notifications[-1].id


def _compare(cycle_id: UUID, close: tuple[int, Cycle.Closed], graded: list[Grade],
             recorded: dict[UUID, Grade]) -> Verification:
    position, event = close
    text: Callable[[Number | None], str | None] = (
        score_text if event.exact_scores else float_score_text)
    mismatches: list[Mismatch] = []
    for grade in sorted(graded, key=lambda g: g.objective_id.hex):
        kept = recorded.get(grade.objective_id)
        if kept is None:
            mismatches.append(Mismatch(grade.objective_id, "MISSING_GRADE", None,
                                       text(grade.final_score)))
            continue
        for what, old, new in (
                ("computed_score", text(kept.computed_score), text(grade.computed_score)),
                ("override", text(kept.override), text(grade.override)),
                ("final_score", text(kept.final_score), text(grade.final_score)),
                ("band", kept.band, grade.band)):
            if old != new:
                mismatches.append(Mismatch(grade.objective_id, what, old, new))
    expected = {g.objective_id for g in graded}
    for objective_id in sorted(recorded.keys() - expected, key=lambda i: i.hex):
        mismatches.append(Mismatch(objective_id, "UNEXPECTED_GRADE",
                                   text(recorded[objective_id].final_score), None))
    if event.graded_count != len(graded):
        mismatches.append(Mismatch(None, "GRADED_COUNT", str(event.graded_count),
                                   str(len(graded))))
    recomputed = grades_hash(graded, text)
    if event.grades_hash != recomputed:
        mismatches.append(Mismatch(None, "GRADES_HASH", event.grades_hash, recomputed))
    return Verification(cycle_id, True, position, event.grades_hash, recomputed,
                        grades_hash(recorded.values(), text), tuple(graded),
                        tuple(mismatches))
