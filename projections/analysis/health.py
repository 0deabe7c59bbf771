"""OKR health findings: focus (few objectives, few key results each); it warns, it does not forbid.

Every finding names its rule (a stable code), a severity, and the objective and owner.
Structure rules apply to every live objective, drafts included (planning is when they
help most); the check-in and early-achievement rules look at ACTIVE objectives of an
ACTIVE cycle only. Objectives the viewer may not see are neither checked nor counted
(``visibility``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from uuid import UUID

from okr_domain.values import CycleStatus, Kind, Level, ObjectiveStatus, OkrPolicy
from projections.analysis.clock import as_utc, cycle_starts_at, elapsed_fraction
from projections.analysis.directory import Directory
from projections.analysis.health_types import (
    RULE_ORDER,
    RULE_SEVERITY,
    Finding,
    HealthReport,
    HealthRule,
    HealthThresholds,
    RuleCount,
)
from projections.analysis.options import NORMAL_RULES, ScoringOptions
from projections.analysis.placement import Placement, cycle_placement, needs_alignment
from projections.analysis.rows import CycleRows
from projections.analysis.scope import ORGANIZATION, Scope
from projections.analysis.scores import ObjectiveScore, score_cycle
from projections.analysis.selection import select
from projections.analysis.visibility import Viewer, visible_rows
from projections.catalog.rows import CycleRow, KeyResultRow, ObjectiveRow

SECONDS_PER_DAY = 86400.0


def okr_health(
    cycle: CycleRow,
    objectives: Iterable[ObjectiveRow],
    key_results: Iterable[KeyResultRow],
    directory: Directory,
    viewer: Viewer,
    policy: OkrPolicy,
    now: datetime,
    scope: Scope = ORGANIZATION,
    options: ScoringOptions = NORMAL_RULES,
    thresholds: HealthThresholds = HealthThresholds(),  # noqa: B008 (immutable)
) -> HealthReport:
    rows = visible_rows(cycle.id, objectives, key_results, directory, viewer)
    scores = score_cycle(rows, policy, options)
    chosen = select(rows, directory, scope, in_play_only=False)
    running = cycle.status == CycleStatus.ACTIVE
    early = running and elapsed_fraction(cycle, now) < thresholds.early_fraction
    findings: list[Finding] = []
    findings += _too_many_objectives(chosen, thresholds)
    for objective in chosen:
        findings += _structure(objective, rows, thresholds)
        if running and objective.status == ObjectiveStatus.ACTIVE:
            findings += _check_ins(objective, rows, cycle, now, policy.check_in_cadence_days)
            findings += _one_on_ones(objective, cycle, now, policy.one_on_one_cadence_days,
                                     directory)
            if early:
                findings += _achieved_early(objective, scores[objective.id])
    findings.sort(key=lambda f: RULE_ORDER[f.rule])  # stable: objectives keep their order
    counts = dict.fromkeys(HealthRule, 0)
    for finding in findings:
        counts[finding.rule] += 1
    return HealthReport(
        cycle_id=cycle.id,
        scope=scope,
        checked_count=len(chosen),
        findings=tuple(findings),
        counts=tuple(RuleCount(rule, RULE_SEVERITY[rule], counts[rule]) for rule in HealthRule),
    )


def _finding(rule: HealthRule, message: str, objective: ObjectiveRow | None,
             owner: tuple[UUID | None, UUID | None], value: float | None) -> Finding:
    return Finding(rule, RULE_SEVERITY[rule], message,
                   objective.id if objective is not None else None, owner[0], owner[1], value)


def _owner(objective: ObjectiveRow) -> tuple[UUID | None, UUID | None]:
    if objective.level == Level.INDIVIDUAL:
        return None, objective.owner_person_id
    return objective.owner_team_id, None


def _too_many_objectives(objectives: Iterable[ObjectiveRow],
                         thresholds: HealthThresholds) -> list[Finding]:
    per_owner: dict[tuple[UUID | None, UUID | None], int] = {}
    for objective in objectives:
        owner = _owner(objective)
        per_owner[owner] = per_owner.get(owner, 0) + 1
    limit = thresholds.max_objectives_per_owner
    return [
        _finding(HealthRule.TOO_MANY_OBJECTIVES,
                 f"{count} objectives for one owner this cycle; keep to {limit} or fewer",
                 None, owner, count)
        for owner, count in per_owner.items() if count > limit
    ]


def _structure(objective: ObjectiveRow, rows: CycleRows,
               thresholds: HealthThresholds) -> list[Finding]:
    found: list[Finding] = []
    owner = _owner(objective)
    key_results = len(rows.key_results_of(objective.id))
    if key_results == 0:
        found.append(_finding(HealthRule.NO_KEY_RESULTS,
                              "the objective has no key results to measure it", objective,
                              owner, 0))
    elif key_results > thresholds.max_key_results:
        found.append(_finding(
            HealthRule.TOO_MANY_KEY_RESULTS,
            f"{key_results} key results; keep to {thresholds.max_key_results} or fewer",
            objective, owner, key_results))
    if needs_alignment(objective) and cycle_placement(objective, rows) is Placement.ORPHAN:
        found.append(_finding(HealthRule.NOT_ALIGNED,
                              f"this {objective.level.lower()} objective is not aligned to a "
                              "higher objective", objective, owner, None))
    return found


def last_activity(objective: ObjectiveRow, rows: CycleRows, cycle: CycleRow) -> datetime:
    """The latest check-in on the objective or its key results; without one, when the
    objective was created, or the cycle started if that is later."""
    check_ins = [as_utc(kr.last_check_in_at) for kr in rows.key_results_of(objective.id)
                 if kr.last_check_in_at is not None]
    if objective.last_check_in_at is not None:
        check_ins.append(as_utc(objective.last_check_in_at))
    if check_ins:
        return max(check_ins)
    start = cycle_starts_at(cycle)
    if objective.created_at is None:
        return start
    return max(start, as_utc(objective.created_at))


def _check_ins(objective: ObjectiveRow, rows: CycleRows, cycle: CycleRow, now: datetime,
               cadence_days: int) -> list[Finding]:
    idle_days = (as_utc(now) - last_activity(objective, rows, cycle)).total_seconds() / (
        SECONDS_PER_DAY)
    if idle_days <= cadence_days:
        return []
    return [_finding(HealthRule.NO_RECENT_CHECK_IN,
                     f"no check-in for {int(idle_days)} days; the cadence is every "
                     f"{cadence_days} days", objective, _owner(objective), idle_days)]


def _one_on_ones(objective: ObjectiveRow, cycle: CycleRow, now: datetime, cadence_days: int,
                 directory: Directory) -> list[Finding]:
    """A person's objective (of someone with a manager) checked in outside 1:1s, with no
    check-in made in a 1:1 for longer than the organization's 1:1 cadence (counted from
    the latest one; without any, from when it was created or the cycle started,
    whichever is later). An objective not checked in at all is NO_RECENT_CHECK_IN's."""
    if objective.level != Level.INDIVIDUAL or objective.owner_person_id is None:
        return []
    owner = directory.find_person(objective.owner_person_id)
    if owner is None or owner.manager_id is None:
        return []
    last_one_on_one, last_check_in = objective.last_one_on_one_at, objective.last_check_in_at
    if last_check_in is None or (
            last_one_on_one is not None and as_utc(last_check_in) <= as_utc(last_one_on_one)):
        return []
    since = last_one_on_one
    if since is None:
        start = cycle_starts_at(cycle)
        since = start if objective.created_at is None else max(start, as_utc(
            objective.created_at))
    days = (as_utc(now) - as_utc(since)).total_seconds() / SECONDS_PER_DAY
    if days <= cadence_days:
        return []
    never = last_one_on_one is None
    message = (f"checked in, but not in a 1:1 {'yet ' if never else ''}for {int(days)} days; "
               f"the 1:1 cadence is every {cadence_days} days")
    return [_finding(HealthRule.ONE_ON_ONE, message, objective, _owner(objective), days)]


def _achieved_early(objective: ObjectiveRow, score: ObjectiveScore) -> list[Finding]:
    if objective.kind != Kind.ASPIRATIONAL or score.graded < 1.0:
        return []
    return [_finding(HealthRule.ACHIEVED_EARLY,
                     "an aspirational objective already at 1.0 early in the cycle may have "
                     "been set too low", objective, _owner(objective), float(score.graded))]
