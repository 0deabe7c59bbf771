"""``cycleTimeline``: the cycle walked through the end of every step."""

from __future__ import annotations

import asyncio
from datetime import datetime

from okr_api.errors import ApiError
from okr_api.graphql.asof import history_of, rescoring
from okr_api.graphql.base import Info, context
from okr_api.graphql.types import history as types
from okr_api.graphql.types.policy import PolicyInput, scoring_policy
from okr_domain.scoring import display
from okr_domain.values import OkrPolicy
from projections.analysis import Scope, ScoringOptions, Viewer
from projections.analysis.timeline import Interval, TimelineStep, step_moments
from projections.replay.timeline_walk import cycle_timeline as walk


def _step(step: TimelineStep) -> types.TimelineStep:
    return types.TimelineStep(
        at=step.at, position=step.position, status=step.status,
        objective_count=step.objective_count, aspirational_count=step.aspirational_count,
        mean=display(step.mean), median=display(step.median),
        histogram=[b.count for b in step.histogram],
        bands=[types.StepBand(band=b.band, count=b.count, share=b.share) for b in step.bands],
        committed_count=step.committed_count, committed_met=step.committed_met,
        check_ins=step.check_ins, check_ins_total=step.check_ins_total,
        checked_in_objectives=step.checked_in_objectives,
        coverage=types.StepCoverage(total=step.coverage.total, aligned=step.coverage.aligned,
                                    share=step.coverage.share))


async def cycle_timeline(info: Info, key: str, every: Interval, until: datetime,
                         scope: Scope, given: PolicyInput | None,
                         known_at: datetime | None = None) -> types.CycleTimeline:
    ctx = context(info)
    org_id = ctx.principal.organization_id
    cycle = next((c for c in await ctx.services.read_model.cycles(org_id) if c.key == key),
                 None)
    if cycle is None:
        raise ApiError("NOT_FOUND", f"no cycle {key}")

    def rescore(policy: OkrPolicy) -> tuple[OkrPolicy, ScoringOptions]:
        chosen, options, _ = rescoring(policy, given)
        return chosen, options

    moments = step_moments(cycle.starts_on, cycle.ends_on, every, until)
    history = history_of(info)
    found = await asyncio.to_thread(
        walk, history.replayer, org_id, cycle.id, moments,
        Viewer.from_actor(ctx.principal.actor), scope, rescore, None, history.timeline_steps,
        known_at, history.partial)
    policy = found.policy
    if policy is None:  # no step saw the cycle: report the organization's rules now
        organization = await ctx.services.read_model.organization(org_id)
        if organization is None:
            raise ApiError("NOT_FOUND", f"no cycle {key}")
        policy = rescore(organization.policy)[0]
    return types.CycleTimeline(
        cycle_key=key, every=every,
        scoring=scoring_policy(policy, found.options.honour_weights,
                               found.options.cap_progress),
        steps=[_step(s) for s in found.steps])

