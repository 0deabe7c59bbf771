"""A cycle's timeline: one replay walked through the step moments, each state turned
into a ``TimelineStep`` as the walk passes it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from okr_domain.values import OkrPolicy
from projections.analysis.options import NORMAL_RULES, ScoringOptions
from projections.analysis.scope import ORGANIZATION, Scope
from projections.analysis.timeline import StepInput, TimelineStep, empty_step, timeline_step
from projections.analysis.visibility import Viewer
from projections.asof import AsOfReplayer
from projections.cycle_state import CycleState
from projections.stepping import Progress

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


class _Sampler:
    def __init__(self, moments: Sequence[datetime], viewer: Viewer, scope: Scope,
                 rescore: Rescore) -> None:
        self.moments = iter(moments)
        self.viewer = viewer
        self.scope = scope
        self.rescore = rescore
        self.previous: TimelineStep | None = None
        self.policy: OkrPolicy | None = None
        self.options = NORMAL_RULES

    def __call__(self, state: CycleState) -> TimelineStep:
        at = next(self.moments)
        if state.cycle is None or state.organization is None:
            step = empty_step(at, state.position)
        else:
            self.policy, self.options = self.rescore(state.organization.policy)
            previous = self.previous
            step = timeline_step(StepInput(
                at=at, position=state.position, cycle=state.cycle,
                objectives=state.objectives, key_results=state.key_results,
                directory=state.directory, check_ins_total=state.check_ins_recorded,
                previous_at=previous.at if previous else None,
                previous_check_ins_total=previous.check_ins_total if previous else 0),
                self.viewer, self.policy, self.scope, self.options)
        self.previous = step
        return step


def cycle_timeline(replayer: AsOfReplayer, organization_id: UUID, cycle_id: UUID,
                   moments: Sequence[datetime], viewer: Viewer, scope: Scope = ORGANIZATION,
                   rescore: Rescore = normal_rules,
                   progress: Progress | None = None) -> Timeline:
    """``moments`` in increasing order (``analysis.timeline.step_moments``)."""
    ordered = sorted(moments)
    sampler = _Sampler(ordered, viewer, scope, rescore)
    steps = replayer.sample(organization_id, cycle_id, ordered, sampler, progress)
    return Timeline(steps, sampler.policy, sampler.options)
