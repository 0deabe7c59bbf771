"""GraphQL types of the stretch analysis (with its ambition trends) and the OKR health
report."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry import relay

from okr_api.graphql.types.analysis_tree import as_of_field, hidden_count_field, scoring_field
from okr_api.graphql.types.policy import ScoringPolicy
from okr_domain import values
from projections import analysis

HealthRule = strawberry.enum(analysis.HealthRule)
Severity = strawberry.enum(analysis.Severity)
TrendFlag = strawberry.enum(analysis.TrendFlag)
OwnerKind = strawberry.enum(analysis.OwnerKind)


@strawberry.type
class HistogramBucket:
    lower: float
    upper: float
    count: int


@strawberry.type
class BandCount:
    band: values.Band
    count: int
    share: float | None


@strawberry.type
class BehindPace:
    objective_id: relay.GlobalID
    kind: values.Kind
    score: float
    expected: float
    gap: float


@strawberry.type(description="Expected score by elapsed time vs actual (open cycles).")
class Pace:
    elapsed_fraction: float
    tolerance: float
    aspirational_expected: float
    aspirational_mean: float | None
    committed_expected: float
    committed_mean: float | None
    behind: list[BehindPace]


@strawberry.type
class TrendPoint:
    cycle_key: str
    count: int
    mean: float | None
    band: values.Band | None


@strawberry.type
class AmbitionTrend:
    owner_kind: analysis.OwnerKind
    owner_id: relay.GlobalID
    points: list[TrendPoint]
    flags: list[analysis.TrendFlag]


@strawberry.type(description="The 70% stretch analysis of a cycle and scope.")
class StretchAnalysis:
    cycle_key: str
    position: int
    final_grades: bool = strawberry.field(description="True once the cycle is closed.")
    aspirational_count: int
    mean: float | None
    median: float | None
    distance_from_target: float | None = strawberry.field(
        description="Aspirational mean minus 0.7 (positive: too safe).")
    histogram: list[HistogramBucket]
    bands: list[BandCount]
    committed_count: int
    committed_met: int
    committed_hit_rate: float | None
    pace: Pace | None
    hidden_count: int = hidden_count_field()
    trends: list[AmbitionTrend] = strawberry.field(
        description="Ambition per person and team across cycles (flagged ones first).")
    as_of: datetime | None = as_of_field()
    scoring: ScoringPolicy | None = scoring_field()


@strawberry.type
class HealthFinding:
    rule: analysis.HealthRule
    severity: analysis.Severity
    message: str
    objective_id: relay.GlobalID | None
    owner_team_id: relay.GlobalID | None
    owner_person_id: relay.GlobalID | None
    value: float | None


@strawberry.type
class HealthRuleCount:
    rule: analysis.HealthRule
    severity: analysis.Severity
    count: int


@strawberry.type(description="OKR health findings: it warns, it does not forbid.")
class OkrHealth:
    cycle_key: str
    position: int
    checked_count: int
    hidden_count: int = hidden_count_field()
    findings: list[HealthFinding]
    counts: list[HealthRuleCount]
    as_of: datetime | None = as_of_field()


