"""GraphQL enums, one per domain enumeration (same names and values)."""

from __future__ import annotations

import strawberry

from okr_domain import values

Role = strawberry.enum(values.Role, description="What a caller may do.")
Level = strawberry.enum(values.Level, description="Company, team or individual OKR.")
Kind = strawberry.enum(values.Kind,
                       description="COMMITTED (expected at 1.0) or ASPIRATIONAL (~0.7).")
Visibility = strawberry.enum(values.Visibility)
ObjectiveStatus = strawberry.enum(values.ObjectiveStatus)
CycleStatus = strawberry.enum(values.CycleStatus)
TeamKind = strawberry.enum(values.TeamKind)
MetricType = strawberry.enum(values.MetricType)
RollUp = strawberry.enum(values.RollUp)
HrMode = strawberry.enum(values.HrMode, description="How OKRs feed HR evaluation.")
Band = strawberry.enum(values.Band)
ProposalStatus = strawberry.enum(values.ProposalStatus)
ProposalSide = strawberry.enum(
    values.ProposalSide,
    description="A side of an alignment: the child objective's owner or the parent's.")
