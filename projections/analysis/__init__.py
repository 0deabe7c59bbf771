"""Analyses over catalog rows: the alignment tree, the stretch analysis, OKR health.

Pure functions of rows, a policy, scoring options, a "now" and a viewer, so that the
same code serves the live view, "as of" replays and re-scoring under another policy.
"""

from projections.analysis.coverage import Coverage, TeamCoverage
from projections.analysis.directory import Directory
from projections.analysis.health import okr_health
from projections.analysis.health_types import (
    Finding,
    HealthReport,
    HealthRule,
    HealthThresholds,
    RuleCount,
    Severity,
)
from projections.analysis.options import NORMAL_RULES, ScoringOptions
from projections.analysis.pace import PACE_TOLERANCE, STRETCH_TARGET, BehindPace, Pace
from projections.analysis.path import AlignmentPath, PathEnd, PathStep, alignment_path
from projections.analysis.placement import Placement
from projections.analysis.rows import CycleRows
from projections.analysis.scope import ORGANIZATION, Scope, ScopeKind
from projections.analysis.scores import ObjectiveScore, score_cycle
from projections.analysis.stats import BandCount, HistogramBucket
from projections.analysis.stretch import StretchAnalysis, stretch_analysis
from projections.analysis.tree import alignment_tree
from projections.analysis.tree_types import (
    AlignmentTree,
    KeyResultView,
    NodeDetails,
    TreeNode,
    TreeView,
)
from projections.analysis.trend import (
    AmbitionTrend,
    AmbitionTrends,
    OwnerKind,
    TrendFlag,
    TrendPoint,
    ambition_trends,
)
from projections.analysis.visibility import Viewer, can_see

__all__ = [
    "NORMAL_RULES",
    "ORGANIZATION",
    "PACE_TOLERANCE",
    "STRETCH_TARGET",
    "AlignmentPath",
    "AlignmentTree",
    "AmbitionTrend",
    "AmbitionTrends",
    "BandCount",
    "BehindPace",
    "Coverage",
    "CycleRows",
    "Directory",
    "Finding",
    "HealthReport",
    "HealthRule",
    "HealthThresholds",
    "HistogramBucket",
    "KeyResultView",
    "NodeDetails",
    "ObjectiveScore",
    "OwnerKind",
    "Pace",
    "PathEnd",
    "PathStep",
    "Placement",
    "RuleCount",
    "Scope",
    "ScopeKind",
    "ScoringOptions",
    "Severity",
    "StretchAnalysis",
    "TeamCoverage",
    "TreeNode",
    "TreeView",
    "TrendFlag",
    "TrendPoint",
    "Viewer",
    "alignment_path",
    "alignment_tree",
    "ambition_trends",
    "can_see",
    "okr_health",
    "score_cycle",
    "stretch_analysis",
]
