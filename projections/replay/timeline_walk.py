"""A cycle's timeline: the cycle walked through the step moments, each state turned into a
``TimelineStep`` as the walk passes it: in parts (``projections.replay.cycle_parts``)
when a ``PartialReplayer`` is given and the read models are current, else one replay of
the whole cycle."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from okr_domain.values import OkrPolicy
from projections.analysis.options import NORMAL_RULES, ScoringOptions
from projections.analysis.scope import ORGANIZATION, Scope
from projections.analysis.timeline import (
    CheckInCounts,
    StepInput,
    TimelineStep,
    count_check_ins,
    empty_step,
    timeline_step,
)
from projections.analysis.visibility import Viewer
from projections.replay.asof import AsOfReplayer
from projections.replay.cycle_state import CycleState
from projections.replay.partial import PartialReplayer
from projections.replay.stepping import Progress

Rescore = Callable[[OkrPolicy], tuple[OkrPolicy, ScoringOptions]]
"""The policy and options to score with, given the organization's policy at a step."""


def normal_rules(policy: OkrPolicy) -> tuple[OkrPolicy, ScoringOptions]:
    return policy, NORMAL_RULES


@dataclass(frozen=True)
class Timeline:
    steps: list[TimelineStep]
    policy: OkrPolicy | None
    """The policy the last step was scored under (None: the cycle never existed)."""
    options: ScoringOptions


class StepMemo:
    """Steps already computed, by what they were computed from (least recently used
    dropped first). Only steps of kept states are remembered."""

    def __init__(self, size: int = 1024) -> None:
        self.size = size
        self._steps: OrderedDict[Hashable, TimelineStep] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> TimelineStep | None:
        with self._lock:
            step = self._steps.get(key)
            if step is not None:
                self._steps.move_to_end(key)
            return step

    def put(self, key: Hashable, step: TimelineStep) -> None:
        with self._lock:
            self._steps[key] = step
            while len(self._steps) > self.size:
                self._steps.popitem(last=False)


class _Sampler:
    def __init__(self, moments: Sequence[datetime], viewer: Viewer, scope: Scope,
                 rescore: Rescore, memo: StepMemo | None) -> None:
        self.moments = iter(moments)
        self.viewer = viewer.admin() if viewer.is_admin else viewer
        self.scope = scope
        self.rescore = rescore
        self.memo = memo
        self.previous: TimelineStep | None = None
        self.policy: OkrPolicy | None = None
        self.options = NORMAL_RULES

    def __call__(self, state: CycleState) -> TimelineStep:
        """The step of a state that holds its check-ins."""
        since = self.previous.at if self.previous else None
        return self.step(state, lambda: count_check_ins(state.unordered_check_ins, since))

    def step(self, state: CycleState, check_ins: Callable[[], CheckInCounts]) -> TimelineStep:
        at = next(self.moments)
        if state.cycle is None or state.organization is None:
            step = empty_step(at, state.position)
        else:
            self.policy, self.options = self.rescore(state.organization.policy)
            previous = self.previous
            key = None if state.valid_until is None else (
                state.key, state.valid_until, at, previous.at if previous else None,
                self.viewer, self.scope,
                self.policy, self.options)
            known = self.memo.get(key) if self.memo is not None and key is not None else None
            step = known or timeline_step(StepInput(
                at=at, position=state.position, cycle=state.cycle,
                objectives=state.objectives, key_results=state.key_results,
                check_ins=check_ins(), directory=state.directory,
                previous_at=previous.at if previous else None),
                self.viewer, self.policy, self.scope, self.options)
            if self.memo is not None and key is not None and known is None:
                self.memo.put(key, step)
        self.previous = step
        return step


def _given(counts: CheckInCounts) -> Callable[[], CheckInCounts]:
    return lambda: counts


def cycle_timeline(replayer: AsOfReplayer, organization_id: UUID, cycle_id: UUID,
                   moments: Sequence[datetime], viewer: Viewer, scope: Scope = ORGANIZATION,
                   rescore: Rescore = normal_rules, progress: Progress | None = None,
                   memo: StepMemo | None = None, known_at: datetime | None = None,
                   partial: PartialReplayer | None = None) -> Timeline:
    """``moments`` in increasing order (``analysis.timeline.step_moments``); ``memo``
    keeps steps between calls."""
    ordered = sorted(moments)
    sampler = _Sampler(ordered, viewer, scope, rescore, memo)
    walked = None if partial is None else partial.walk(organization_id, cycle_id, ordered,
                                                        known_at, progress)
    if walked is not None:
        steps = [sampler.step(state, _given(counts)) for state, counts in walked]
    else:
        steps = replayer.sample(organization_id, cycle_id, ordered, sampler, progress,
                                known_at=known_at)
    return Timeline(steps, sampler.policy, sampler.options)
