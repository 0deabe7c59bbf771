"""The health report's types and rule codes (codes are a public contract: never rename)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from uuid import UUID

from projections.analysis.scope import Scope


class HealthRule(StrEnum):
    TOO_MANY_OBJECTIVES = "TOO_MANY_OBJECTIVES"
    TOO_MANY_KEY_RESULTS = "TOO_MANY_KEY_RESULTS"
    NO_KEY_RESULTS = "NO_KEY_RESULTS"
    NOT_ALIGNED = "NOT_ALIGNED"
    NO_RECENT_CHECK_IN = "NO_RECENT_CHECK_IN"
    ACHIEVED_EARLY = "ACHIEVED_EARLY"
    ONE_ON_ONE = "ONE_ON_ONE"


class Severity(StrEnum):
    WARNING = "WARNING"
    INFO = "INFO"


RULE_SEVERITY = {
    HealthRule.TOO_MANY_OBJECTIVES: Severity.WARNING,
    HealthRule.TOO_MANY_KEY_RESULTS: Severity.WARNING,
    HealthRule.NO_KEY_RESULTS: Severity.WARNING,
    # Some personal goals (self-development) legitimately serve no team objective.
    HealthRule.NOT_ALIGNED: Severity.INFO,
    HealthRule.NO_RECENT_CHECK_IN: Severity.WARNING,
    # Early success may be luck or a good week; it is a hint, not a problem.
    HealthRule.ACHIEVED_EARLY: Severity.INFO,
    # Check-ins belong in 1:1s; one not reviewed there for long is worth a word.
    HealthRule.ONE_ON_ONE: Severity.WARNING,
}
RULE_ORDER = {rule: index for index, rule in enumerate(HealthRule)}


@dataclass(frozen=True)
class HealthThresholds:
    """The focus limits and what "early in the cycle" means."""

    max_objectives_per_owner: int = 5
    max_key_results: int = 5
    early_fraction: float = 0.5


@dataclass(frozen=True)
class Finding:
    """One finding. ``objective_id`` is None for owner-level findings (too many
    objectives); the owner is a team (team and company objectives) or a person.
    ``value`` is what was measured: a count, idle days, or a score."""

    rule: HealthRule
    severity: Severity
    message: str
    objective_id: UUID | None
    owner_team_id: UUID | None
    owner_person_id: UUID | None
    value: float | None


@dataclass(frozen=True)
class RuleCount:
    rule: HealthRule
    severity: Severity
    count: int


@dataclass(frozen=True)
class HealthReport:
    """Findings ordered by rule, then by objective creation; ``counts`` lists every rule."""

    cycle_id: UUID
    scope: Scope
    checked_count: int
    findings: tuple[Finding, ...]
    counts: tuple[RuleCount, ...]
